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
  | 'paid_gmv_minor';

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
  await trx
    .insertInto('live_funnel')
    .values({ session_id: sessionId, channel_id: channelId, updated_at_ms: now, currency: currency ?? null })
    .onConflict((oc) => oc.columns(['session_id', 'channel_id']).doNothing())
    .execute();
  const set: Record<string, unknown> = { updated_at_ms: now };
  for (const [column, n] of Object.entries(changes)) {
    if (n) set[column] = sql`${sql.ref(column)} + ${n}`;
  }
  if (currency) set.currency = sql`coalesce(currency, ${currency})`;
  await trx
    .updateTable('live_funnel')
    .set(set)
    .where('session_id', '=', sessionId)
    .where('channel_id', '=', channelId)
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

export interface FunnelViewerEvent {
  sessionId: string;
  type: ViewerEventType;
  viewerId: string;
  personId: string | null;
  chCode: string | null;
}

/** Applies a batch of viewer events to the funnel, inside the transaction that records them. */
export async function applyViewerEvents(
  trx: Kysely<Database>,
  events: FunnelViewerEvent[],
  channels: ChannelResolver,
): Promise<void> {
  for (const e of events) {
    if (e.type !== 'live.join' && e.type !== 'card.click') continue;
    const actor = e.personId ? `p:${e.personId}` : `v:${e.viewerId}`;
    const channelId =
      (e.chCode ? await channels.channelOfCode(trx, e.chCode) : undefined) ??
      (e.personId ? await channels.channelOfPerson(trx, e.personId) : undefined) ??
      '';
    if (e.type === 'live.join') {
      if (await firstTime(trx, e.sessionId, 'join', actor))
        await bump(trx, e.sessionId, channelId, { unique_viewers: 1 });
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
    if (event.type !== 'order.placed' && event.type !== 'order.paid') continue;
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
    } else {
      add('orders_paid', 1);
      add('paid_gmv_minor', Number(field<number>(event, 'totalMinor', 'total_minor') ?? 0));
    }
  }
  for (const s of sums.values()) await bump(trx, s.sessionId, s.channelId, s.changes, s.currency);
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
    currency: r.currency,
  }));
}
