// The live funnel per session and channel — unique viewers, clickers and clicks, buyers, orders placed
// and paid, paid GMV — kept current as events arrive (viewer events in the batch that records them,
// order events through a transactional outbox consumer), so reading it never scans raw events.
import { type Kysely, sql } from 'kysely';
import type { EventConsumer } from '../events/index.ts';
import type { DomainEvent } from '../outbox.ts';
import type { Database, LiveFunnelKeysTable, ViewerEventType } from '../schema.ts';

/** How a viewer's link code or a buyer maps to a channel; people own that knowledge. */
export interface ChannelResolver {
  /** `db` is the caller's transaction: resolve through it (SQLite has one connection). */
  channelOfCode(db: Kysely<Database>, code: string): Promise<string | undefined>;
  channelOfPerson(db: Kysely<Database>, personId: string): Promise<string | undefined>;
}

type Counter =
  | 'unique_viewers'
  | 'clickers'
  | 'clicks'
  | 'buyers'
  | 'orders_placed'
  | 'orders_paid'
  | 'paid_gmv_minor'
  | 'impressions'
  | 'orders_refunded'
  | 'refunded_gmv_minor';

export interface FunnelRow {
  sessionId: string;
  channelId: string;
  uniqueViewers: number;
  clickers: number;
  clicks: number;
  buyers: number;
  ordersPlaced: number;
  ordersPaid: number;
  paidGmvMinor: number;
  impressions: number;
  ordersRefunded: number;
  refundedGmvMinor: number;
  currency: string | null;
}

async function bump(
  trx: Kysely<Database>,
  sessionId: string,
  channelId: string,
  changes: Partial<Record<Counter, number>>,
  currency?: string,
): Promise<void> {
  const now = Date.now();
  const entries = Object.entries(changes).filter(([, n]) => n);
  // One upsert: concurrent writers add up, and a new row starts from these changes.
  const set: Record<string, unknown> = { updated_at_ms: now };
  for (const [column, n] of entries) set[column] = sql`${sql.ref(`live_funnel.${column}`)} + ${n}`;
  if (currency) set.currency = sql`coalesce(live_funnel.currency, ${currency})`;
  await trx
    .insertInto('live_funnel')
    .values({
      session_id: sessionId,
      channel_id: channelId,
      updated_at_ms: now,
      currency: currency ?? null,
      ...Object.fromEntries(entries),
    })
    .onConflict((oc) => oc.columns(['session_id', 'channel_id']).doUpdateSet(set))
    .execute();
}

/** Inserts the key; true when it is new (the actor reached this stage for the first time). */
async function firstTime(
  trx: Kysely<Database>,
  sessionId: string,
  stage: LiveFunnelKeysTable['stage'],
  actor: string,
): Promise<boolean> {
  const res = await trx
    .insertInto('live_funnel_keys')
    .values({ session_id: sessionId, stage, actor })
    .onConflict((oc) => oc.columns(['session_id', 'stage', 'actor']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/**
 * Concurrent viewers from joins and leaves: a viewer counts once however many sockets they have open,
 * and the session keeps the highest count seen. A node that dies without recording its leaves leaves
 * the count high until the session ends, so the peak is an upper bound in that case.
 */
async function presence(trx: Kysely<Database>, e: FunnelViewerEvent): Promise<void> {
  const at = e.atMs ?? Date.now();
  let delta = 0;
  if (e.type === 'live.join') {
    const row = await trx
      .insertInto('live_presence')
      .values({ session_id: e.sessionId, viewer_id: e.viewerId, sockets: 1 })
      .onConflict((oc) =>
        oc.columns(['session_id', 'viewer_id']).doUpdateSet({ sockets: sql`live_presence.sockets + 1` }),
      )
      .returning('sockets')
      .executeTakeFirstOrThrow();
    if (Number(row.sockets) === 1) delta = 1;
  } else {
    const row = await trx
      .updateTable('live_presence')
      .set({ sockets: sql`sockets - 1` })
      .where('session_id', '=', e.sessionId)
      .where('viewer_id', '=', e.viewerId)
      .where('sockets', '>', 0)
      .returning('sockets')
      .executeTakeFirst();
    if (row && Number(row.sockets) === 0) delta = -1;
  }
  if (delta === 0) return;
  await trx
    .insertInto('live_session_stats')
    .values({
      session_id: e.sessionId,
      viewers_now: Math.max(delta, 0),
      peak_viewers: Math.max(delta, 0),
      peak_at_ms: at,
    })
    .onConflict((oc) =>
      oc.column('session_id').doUpdateSet({
        viewers_now: sql`live_session_stats.viewers_now + ${delta}`,
        peak_at_ms: sql`case when live_session_stats.viewers_now + ${delta} > live_session_stats.peak_viewers then ${at} else live_session_stats.peak_at_ms end`,
        peak_viewers: sql`case when live_session_stats.viewers_now + ${delta} > live_session_stats.peak_viewers then live_session_stats.viewers_now + ${delta} else live_session_stats.peak_viewers end`,
      }),
    )
    .execute();
}

export interface FunnelViewerEvent {
  sessionId: string;
  type: ViewerEventType;
  viewerId: string;
  personId: string | null;
  chCode: string | null;
  atMs?: number | undefined;
}

/** Applies a batch of viewer events to the funnel, inside the transaction that records them. */
export async function applyViewerEvents(
  trx: Kysely<Database>,
  events: FunnelViewerEvent[],
  resolver: ChannelResolver,
): Promise<void> {
  // Within one batch the same codes and people recur: resolve each once.
  const memo = (resolve: (db: Kysely<Database>, key: string) => Promise<string | undefined>) => {
    const seen = new Map<string, Promise<string | undefined>>();
    return (db: Kysely<Database>, key: string) => {
      const hit = seen.get(key);
      if (hit) return hit;
      const next = resolve(db, key);
      seen.set(key, next);
      return next;
    };
  };
  const channels: ChannelResolver = {
    channelOfCode: memo((db, code) => resolver.channelOfCode(db, code)),
    channelOfPerson: memo((db, personId) => resolver.channelOfPerson(db, personId)),
  };
  for (const e of events) {
    if (e.type === 'live.join' || e.type === 'live.leave') await presence(trx, e);
    if (e.type === 'live.leave') continue;
    const actor = e.personId ? `p:${e.personId}` : `v:${e.viewerId}`;
    const channelId =
      (e.chCode ? await channels.channelOfCode(trx, e.chCode) : undefined) ??
      (e.personId ? await channels.channelOfPerson(trx, e.personId) : undefined) ??
      '';
    if (e.type === 'live.join') {
      if (await firstTime(trx, e.sessionId, 'join', actor))
        await bump(trx, e.sessionId, channelId, { unique_viewers: 1 });
    } else if (e.type === 'card.impression') {
      await bump(trx, e.sessionId, channelId, { impressions: 1 });
    } else {
      const first = await firstTime(trx, e.sessionId, 'click', actor);
      await bump(trx, e.sessionId, channelId, { clicks: 1, clickers: first ? 1 : 0 });
    }
  }
}

function field<T>(event: DomainEvent, ...names: string[]): T | undefined {
  for (const n of names) if (event.payload[n] !== undefined) return event.payload[n] as T;
  return undefined;
}

/** Order events into the funnel: exactly once, in the consumer's own transaction. */
export function liveFunnelConsumer(channels: ChannelResolver): EventConsumer {
  return {
    name: 'live-funnel',
    handleInTransaction: (trx, event) => applyOrderEvents(trx, [event], channels),
    handleBatchInTransaction: (trx, events) => applyOrderEvents(trx, events, channels),
  };
}

/** A batch of order events: the counters of each session, channel and currency summed, then one bump each. */
async function applyOrderEvents(
  trx: Kysely<Database>,
  events: DomainEvent[],
  channels: ChannelResolver,
): Promise<void> {
  const sums = new Map<
    string,
    { sessionId: string; channelId: string; currency?: string; changes: Partial<Record<Counter, number>> }
  >();
  const channelOf = new Map<string, string>();
  for (const event of events) {
    if (event.type !== 'order.placed' && event.type !== 'order.paid' && event.type !== 'order.refunded')
      continue;
    const sessionId = event.sessionId ?? field<string>(event, 'sessionId', 'session_id');
    const personId = field<string>(event, 'personId', 'person_id');
    if (!sessionId || !personId) continue;
    let channelId = channelOf.get(personId);
    if (channelId === undefined) {
      channelId = (await channels.channelOfPerson(trx, personId)) ?? '';
      channelOf.set(personId, channelId);
    }
    const currency = event.type === 'order.paid' ? field<string>(event, 'currency') : undefined;
    const key = `${sessionId}\u0000${channelId}\u0000${currency ?? ''}`;
    let sum = sums.get(key);
    if (!sum) {
      sum = { sessionId, channelId, ...(currency ? { currency } : {}), changes: {} };
      sums.set(key, sum);
    }
    const add = (c: Counter, n: number) => {
      sum.changes[c] = (sum.changes[c] ?? 0) + n;
    };
    if (event.type === 'order.placed') {
      add('orders_placed', 1);
      if (await firstTime(trx, sessionId, 'buy', `p:${personId}`)) add('buyers', 1);
    } else if (event.type === 'order.refunded') {
      add('orders_refunded', 1);
      add('refunded_gmv_minor', Number(field<number>(event, 'totalMinor', 'total_minor') ?? 0));
    } else {
      add('orders_paid', 1);
      add('paid_gmv_minor', Number(field<number>(event, 'totalMinor', 'total_minor') ?? 0));
    }
  }
  for (const s of sums.values()) await bump(trx, s.sessionId, s.channelId, s.changes, s.currency);
}

export interface SessionPresence {
  sessionId: string;
  viewersNow: number;
  peakViewers: number;
  peakAtMs: number | null;
}

export async function readSessionPresence(
  db: Kysely<Database>,
  sessionIds: string[],
): Promise<SessionPresence[]> {
  if (sessionIds.length === 0) return [];
  const rows = await db
    .selectFrom('live_session_stats')
    .selectAll()
    .where('session_id', 'in', sessionIds)
    .execute();
  return rows.map((r) => ({
    sessionId: r.session_id,
    viewersNow: Number(r.viewers_now),
    peakViewers: Number(r.peak_viewers),
    peakAtMs: r.peak_at_ms === null ? null : Number(r.peak_at_ms),
  }));
}

export async function readLiveFunnel(db: Kysely<Database>, sessionIds: string[]): Promise<FunnelRow[]> {
  if (sessionIds.length === 0) return [];
  const rows = await db.selectFrom('live_funnel').selectAll().where('session_id', 'in', sessionIds).execute();
  return rows.map((r) => ({
    sessionId: r.session_id,
    channelId: r.channel_id,
    uniqueViewers: Number(r.unique_viewers),
    clickers: Number(r.clickers),
    clicks: Number(r.clicks),
    buyers: Number(r.buyers),
    ordersPlaced: Number(r.orders_placed),
    ordersPaid: Number(r.orders_paid),
    paidGmvMinor: Number(r.paid_gmv_minor),
    impressions: Number(r.impressions),
    ordersRefunded: Number(r.orders_refunded),
    refundedGmvMinor: Number(r.refunded_gmv_minor),
    currency: r.currency,
  }));
}
