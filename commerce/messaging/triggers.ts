// What puts messages in the queue: outbox events (through one consumer, exactly once per event and
// recipient, since the queue insert commits with the consumer's position and is deduplicated by kind,
// source and recipient) and the scheduler's jobs for "15 minutes before", "the day before" and "task
// due", which the same consumer schedules from the events that set those times.
import type { Kysely } from 'kysely';
import type { EventConsumer } from '../events/consumer.ts';
import type { DomainEvent } from '../outbox.ts';
import type { Database } from '../schema.ts';
import { consultationJobHandlers, onConsultation } from './consultation-messages.ts';
import { enqueue, enqueueForLiveSubscribers } from './queue.ts';
import { cancelJob, type JobHandler, scheduleJob } from './scheduler.ts';

export const MESSAGING_CONSUMER = 'messaging';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** How long before a scheduled live its "starting soon" reminder goes out. */
export const LIVE_REMINDER_LEAD_MS = 15 * MINUTE_MS;

export const JOB_KINDS = {
  liveReminder: 'live_reminder_15min',
  eventReminder: 'event_reminder_day_before',
  taskDue: 'follow_up_task_due',
} as const;

export interface TriggerOptions {
  /** The checkout link of an order paid through the webhook provider, when one is configured. */
  payUrl?: ((orderId: string) => string) | undefined;
}

const livePath = (sessionId: string) => `/live/${encodeURIComponent(sessionId)}`;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

async function onOrder(trx: Kysely<Database>, e: DomainEvent, o: TriggerOptions, now: number) {
  const orderId = str(e.payload.orderId);
  const personId = str(e.payload.personId);
  if (!orderId || !personId) return;
  const amountMinor = Number(e.payload.totalMinor ?? 0) - Number(e.payload.creditMinor ?? 0);
  const currency = str(e.payload.currency) ?? 'CNY';
  if (e.type === 'order.placed') {
    const row = await trx
      .selectFrom('orders')
      .select('provider')
      .where('id', '=', orderId)
      .executeTakeFirst();
    const payUrl = row?.provider === 'webhook' && o.payUrl ? o.payUrl(orderId) : null;
    await enqueue(
      trx,
      {
        personId,
        kind: 'order_placed',
        source: `order:${orderId}`,
        params: { orderId, amountMinor, currency, payUrl },
      },
      now,
    );
  } else if (e.type === 'order.paid') {
    await enqueue(
      trx,
      {
        personId,
        kind: 'order_paid',
        source: `order:${orderId}`,
        params: { orderId, amountMinor, currency },
      },
      now,
    );
  } else if (e.type === 'order.fulfilled') {
    // Pickup ready or shipped: the text says which (and where to pick up).
    const row = await trx
      .selectFrom('orders')
      .select('fulfilment')
      .where('id', '=', orderId)
      .executeTakeFirst();
    let how: { method?: unknown; clinic?: unknown } = {};
    try {
      how = row ? (JSON.parse(row.fulfilment) as typeof how) : {};
    } catch {}
    const method = how.method === 'pickup' || how.method === 'delivery' ? how.method : null;
    const clinic = method === 'pickup' && typeof how.clinic === 'string' ? how.clinic.slice(0, 120) : null;
    await enqueue(
      trx,
      { personId, kind: 'order_fulfilled', source: `order:${orderId}`, params: { orderId, method, clinic } },
      now,
    );
  }
}

async function onSession(trx: Kysely<Database>, e: DomainEvent, now: number) {
  const session = e.payload.session as
    | { sessionId?: string; title?: string; scheduledAtMs?: number | null }
    | undefined;
  const sessionId = session?.sessionId;
  if (!sessionId) return;
  const key = `session:${sessionId}:15min`;
  if (e.type === 'session.live') {
    await cancelJob(trx, key, now);
    await enqueueForLiveSubscribers(
      trx,
      sessionId,
      'live_reminder_golive',
      `session:${sessionId}`,
      { title: session.title ?? '', path: livePath(sessionId) },
      now,
    );
    return;
  }
  if (e.type === 'session.ended') {
    await cancelJob(trx, key, now);
    return;
  }
  const at = session.scheduledAtMs;
  if (typeof at === 'number' && at - LIVE_REMINDER_LEAD_MS > now)
    await scheduleJob(trx, JOB_KINDS.liveReminder, at - LIVE_REMINDER_LEAD_MS, { sessionId }, key, now);
}

async function onInvitee(trx: Kysely<Database>, e: DomainEvent, now: number) {
  const eventId = str(e.payload.eventId);
  const personId = str(e.payload.personId);
  if (!eventId || !personId) return;
  const ev = await trx
    .selectFrom('offline_events')
    .select(['title', 'venue', 'starts_at_ms'])
    .where('id', '=', eventId)
    .executeTakeFirst();
  if (!ev) return;
  const startsAtMs = Number(ev.starts_at_ms);
  if (startsAtMs <= now) return;
  await enqueue(
    trx,
    {
      personId,
      kind: 'event_invitation',
      source: `event:${eventId}`,
      params: { title: ev.title, venue: ev.venue, startsAtMs },
    },
    now,
  );
  const dayBefore = startsAtMs - DAY_MS;
  if (dayBefore > now)
    await scheduleJob(
      trx,
      JOB_KINDS.eventReminder,
      dayBefore,
      { eventId },
      `event:${eventId}:day_before`,
      now,
    );
}

async function onTask(trx: Kysely<Database>, e: DomainEvent, now: number) {
  const taskId = str(e.payload.taskId);
  if (!taskId) return;
  const key = `task:${taskId}:due`;
  if (e.type === 'follow_up.task_done') {
    await cancelJob(trx, key, now);
    return;
  }
  const dueAtMs = Number(e.payload.dueAtMs);
  if (e.type === 'follow_up.task_added' && Number.isFinite(dueAtMs))
    await scheduleJob(trx, JOB_KINDS.taskDue, Math.max(now, dueAtMs), { taskId }, key, now);
}

async function onLedger(trx: Kysely<Database>, e: DomainEvent, now: number) {
  const personId = str(e.payload.personId);
  const entryId = e.payload.entryId;
  if (!personId || entryId === undefined) return;
  const params = {
    amountMinor: Number(e.payload.amountMinor ?? 0),
    currency: str(e.payload.currency) ?? 'CNY',
  };
  const kind = e.type === 'ledger.credited' ? 'credit_earned' : 'credit_available';
  await enqueue(trx, { personId, kind, source: `ledger:${String(entryId)}`, params }, now);
}

/** The consumer that turns outbox events into queued messages and scheduled jobs. */
export function messagingConsumer(o: TriggerOptions, now: () => number = Date.now): EventConsumer {
  return {
    name: MESSAGING_CONSUMER,
    async handleInTransaction(trx, e) {
      const t = now();
      switch (e.type) {
        case 'order.placed':
        case 'order.paid':
        case 'order.fulfilled':
          return onOrder(trx, e, o, t);
        case 'session.created':
        case 'session.updated':
        case 'session.live':
        case 'session.ended':
          return onSession(trx, e, t);
        case 'offline_event.invitee_added':
          return onInvitee(trx, e, t);
        case 'follow_up.task_added':
        case 'follow_up.task_done':
          return onTask(trx, e, t);
        case 'ledger.credited':
        case 'ledger.released':
          return onLedger(trx, e, t);
        case 'consultation.booked':
        case 'consultation.changed':
        case 'consultation.cancelled':
        case 'consultation.consulted':
        case 'consultation.no_show':
          return onConsultation(trx, e, t);
      }
    },
  };
}

/** The scheduler's handlers for the jobs the consumer schedules. */
export const jobHandlers: Record<string, JobHandler> = {
  ...consultationJobHandlers,
  // Fires only for a session still scheduled: one that went live early already sent its go-live.
  async [JOB_KINDS.liveReminder](trx, payload, { nowMs }) {
    const sessionId = String(payload.sessionId);
    const s = await trx
      .selectFrom('live_sessions')
      .select(['title', 'state', 'scheduled_at_ms'])
      .where('id', '=', sessionId)
      .executeTakeFirst();
    if (s?.state !== 'scheduled' || s.scheduled_at_ms === null) return;
    await enqueueForLiveSubscribers(
      trx,
      sessionId,
      'live_reminder_15min',
      `session:${sessionId}`,
      { title: s.title, scheduledAtMs: Number(s.scheduled_at_ms), path: livePath(sessionId) },
      nowMs,
    );
  },
  async [JOB_KINDS.eventReminder](trx, payload, { nowMs }) {
    const eventId = String(payload.eventId);
    const ev = await trx
      .selectFrom('offline_events')
      .select(['title', 'venue', 'starts_at_ms'])
      .where('id', '=', eventId)
      .executeTakeFirst();
    if (!ev || Number(ev.starts_at_ms) <= nowMs) return;
    const invitees = await trx
      .selectFrom('event_invitees')
      .select('person_id')
      .where('event_id', '=', eventId)
      .execute();
    for (const i of invitees)
      await enqueue(
        trx,
        {
          personId: i.person_id,
          kind: 'event_reminder_day_before',
          source: `event:${eventId}`,
          params: { title: ev.title, venue: ev.venue, startsAtMs: Number(ev.starts_at_ms) },
        },
        nowMs,
      );
  },
  // To the task's assignee, unless it was done meanwhile.
  async [JOB_KINDS.taskDue](trx, payload, { nowMs }) {
    const taskId = String(payload.taskId);
    const t = await trx
      .selectFrom('follow_up_tasks')
      .select(['follow_up_id', 'kind', 'title', 'due_at_ms', 'assignee_id', 'done_at_ms'])
      .where('id', '=', taskId)
      .executeTakeFirst();
    if (!t || t.done_at_ms !== null || !t.assignee_id) return;
    await enqueue(
      trx,
      {
        personId: t.assignee_id,
        kind: 'follow_up_task_due',
        source: `task:${taskId}:${Number(t.due_at_ms)}`,
        params: {
          task: t.title ?? t.kind,
          dueAtMs: Number(t.due_at_ms),
          path: `/staff/follow-ups/${encodeURIComponent(t.follow_up_id)}`,
        },
      },
      nowMs,
    );
  },
};
