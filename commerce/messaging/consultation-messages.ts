// Consultation messages: the outbox's consultation.* events become a message to both the member and
// the expert (booked, moved, cancelled), and "the day before" and "one hour before" reminders are
// scheduled for each booking, moved with it and cancelled with it. A reminder fires only while the
// booking still holds the time it was scheduled for, so a stale job can never speak for a moved one.
import type { Kysely } from 'kysely';
import type { DomainEvent } from '../outbox.ts';
import type { Database } from '../schema.ts';
import type { QueuedKind } from './kinds.ts';
import { enqueue } from './queue.ts';
import { cancelJob, type JobHandler, scheduleJob } from './scheduler.ts';

const MINUTE_MS = 60_000;

/** The two reminders: kind (also the job's kind) and how long before the start it goes out. */
export const CONSULTATION_REMINDERS = [
  { kind: 'consultation_reminder_24h', leadMs: 24 * 60 * MINUTE_MS, key: '24h' },
  { kind: 'consultation_reminder_1h', leadMs: 60 * MINUTE_MS, key: '1h' },
] as const satisfies readonly { kind: QueuedKind; leadMs: number; key: string }[];

const jobKey = (consultationId: string, key: string) => `consultation:${consultationId}:${key}`;

/** Where each side goes from the message: the member's page, the expert's page; online ones to the call. */
export function consultationPath(consultationId: string, online: boolean, side: 'member' | 'expert'): string {
  if (online) return `/web/consult.html?c=${encodeURIComponent(consultationId)}`;
  return side === 'member' ? '/me' : '/staff/expert';
}

interface Booking {
  id: string;
  personId: string;
  expertId: string;
  startsAtMs: number;
  online: boolean;
  status: string;
}

async function loadBooking(trx: Kysely<Database>, id: string): Promise<Booking | undefined> {
  const r = await trx
    .selectFrom('consultations')
    .select(['id', 'person_id', 'expert_id', 'starts_at_ms', 'clinic_id', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    id: r.id,
    personId: r.person_id,
    expertId: r.expert_id,
    startsAtMs: Number(r.starts_at_ms),
    online: r.clinic_id === null,
    status: r.status,
  };
}

/** One message to each side, naming the other: the expert's profile name, the member's display name. */
async function tellBoth(
  trx: Kysely<Database>,
  b: Booking,
  kind: QueuedKind,
  source: string,
  nowMs: number,
): Promise<void> {
  const expert = await trx
    .selectFrom('expert_profiles')
    .select('name')
    .where('person_id', '=', b.expertId)
    .executeTakeFirst();
  const person = await trx
    .selectFrom('people')
    .select('display_name')
    .where('id', '=', b.personId)
    .executeTakeFirst();
  const sides = [
    { personId: b.personId, side: 'member', withName: expert?.name ?? '' },
    { personId: b.expertId, side: 'expert', withName: person?.display_name ?? '' },
  ] as const;
  for (const s of sides)
    await enqueue(
      trx,
      {
        personId: s.personId,
        kind,
        source,
        params: {
          consultationId: b.id,
          startsAtMs: b.startsAtMs,
          withName: s.withName,
          online: b.online ? 1 : 0,
          path: consultationPath(b.id, b.online, s.side),
        },
      },
      nowMs,
    );
}

async function scheduleReminders(trx: Kysely<Database>, b: Booking, nowMs: number): Promise<void> {
  for (const r of CONSULTATION_REMINDERS) {
    const dueAtMs = b.startsAtMs - r.leadMs;
    const key = jobKey(b.id, r.key);
    // Booked (or moved) closer than the lead: that reminder has no moment left, and an older one goes.
    if (dueAtMs <= nowMs) await cancelJob(trx, key, nowMs);
    else
      await scheduleJob(trx, r.kind, dueAtMs, { consultationId: b.id, startsAtMs: b.startsAtMs }, key, nowMs);
  }
}

async function cancelReminders(trx: Kysely<Database>, consultationId: string, nowMs: number): Promise<void> {
  for (const r of CONSULTATION_REMINDERS) await cancelJob(trx, jobKey(consultationId, r.key), nowMs);
}

/** consultation.booked | changed | cancelled | consulted | no_show, inside the messaging consumer. */
export async function onConsultation(trx: Kysely<Database>, e: DomainEvent, nowMs: number): Promise<void> {
  const id = typeof e.payload.consultationId === 'string' ? e.payload.consultationId : e.aggregateId;
  const startsAtMs = Number(e.payload.startsAtMs);
  if (!id || !Number.isFinite(startsAtMs)) return;
  if (e.type !== 'consultation.booked' && e.type !== 'consultation.changed') {
    await cancelReminders(trx, id, nowMs);
    if (e.type !== 'consultation.cancelled') return;
  }
  const row = await loadBooking(trx, id);
  if (!row) return;
  // The event's own time, not the row's: the message says what this change did.
  const b = { ...row, startsAtMs };
  if (e.type === 'consultation.cancelled') {
    await tellBoth(trx, b, 'consultation_cancelled', `consultation:${id}`, nowMs);
    return;
  }
  if (e.type === 'consultation.booked')
    await tellBoth(trx, b, 'consultation_booked', `consultation:${id}`, nowMs);
  else await tellBoth(trx, b, 'consultation_changed', `consultation:${id}:${startsAtMs}`, nowMs);
  // Only while it still starts then: an older event replayed after a later move schedules nothing.
  if (row.status === 'booked' && row.startsAtMs === startsAtMs) await scheduleReminders(trx, b, nowMs);
}

/** The reminder jobs: to both sides, only while the booking is live and still at the scheduled time. */
export const consultationJobHandlers: Record<(typeof CONSULTATION_REMINDERS)[number]['kind'], JobHandler> =
  Object.fromEntries(
    CONSULTATION_REMINDERS.map((r) => [
      r.kind,
      (async (trx, payload, { nowMs }) => {
        const b = await loadBooking(trx, String(payload.consultationId));
        if (b?.status !== 'booked' || b.startsAtMs !== Number(payload.startsAtMs)) return;
        if (b.startsAtMs <= nowMs) return;
        await tellBoth(trx, b, r.kind, `consultation:${b.id}:${b.startsAtMs}`, nowMs);
      }) satisfies JobHandler,
    ]),
  ) as Record<(typeof CONSULTATION_REMINDERS)[number]['kind'], JobHandler>;
