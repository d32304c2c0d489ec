// The live funnel per session and channel — unique viewers, clickers and clicks, buyers, orders placed
// and paid, paid GMV — kept current as events arrive (viewer events in the batch that records them,
// order events through a transactional outbox consumer), so reading it never scans raw events.
import { type Kysely, sql } from 'kysely';
import type { EventConsumer } from '../events/index.ts';
import { isPostgres } from '../migrations/dialect.ts';
import type { DomainEvent } from '../outbox.ts';
import type { Database, LiveFunnelKeysTable, ViewerEventType } from '../schema.ts';
import { addRows, chunks } from './counters.ts';

/** How a viewer's link code or a buyer maps to a channel; people own that knowledge. */
export interface ChannelResolver {
  /** `db` is the caller's transaction: resolve through it (SQLite has one connection). */
  channelOfCode(db: Kysely<Database>, code: string): Promise<string | undefined>;
  channelOfPerson(db: Kysely<Database>, personId: string): Promise<string | undefined>;
  /** Optional: many codes in one query; codes without a channel are left out. */
  channelsOfCodes?(db: Kysely<Database>, codes: string[]): Promise<Map<string, string>>;
  /** Optional: many people in one query; people without a channel are left out. */
  channelsOfPeople?(db: Kysely<Database>, personIds: string[]): Promise<Map<string, string>>;
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

/** Counter changes of a batch per session and channel (the first currency seen is kept). */
class FunnelSums {
  readonly #rows = new Map<
    string,
    {
      key: { session_id: string; channel_id: string };
      changes: Partial<Record<Counter, number>>;
      currency?: string;
    }
  >();

  add(
    sessionId: string,
    channelId: string,
    changes: Partial<Record<Counter, number>>,
    currency?: string,
  ): void {
    const id = `${sessionId}\u0000${channelId}`;
    let row = this.#rows.get(id);
    if (!row) {
      row = { key: { session_id: sessionId, channel_id: channelId }, changes: {} };
      this.#rows.set(id, row);
    }
    for (const [c, n] of Object.entries(changes) as Array<[Counter, number]>)
      if (n) row.changes[c] = (row.changes[c] ?? 0) + n;
    if (currency && !row.currency) row.currency = currency;
  }

  /** One additive upsert per row: concurrent writers add up, and a new row starts from these changes. */
  async write(trx: Kysely<Database>): Promise<void> {
    const now = Date.now();
    const rows = [...this.#rows.values()].filter((r) => Object.keys(r.changes).length > 0 || r.currency);
    await addRows(
      trx,
      'live_funnel',
      ['session_id', 'channel_id'],
      rows.map((r) => ({
        key: r.key,
        changes: r.changes,
        values: { updated_at_ms: now, currency: r.currency ?? null },
      })),
      {
        onUpdate: {
          updated_at_ms: now,
          currency: sql`coalesce(${sql.ref('live_funnel.currency')}, ${sql.ref('excluded.currency')})`,
        },
      },
    );
  }
}

const keyId = (sessionId: string, stage: string, actor: string) => `${sessionId}\u0000${stage}\u0000${actor}`;

/**
 * Inserts the first-time keys of a batch in one statement per chunk; returns the ids of those that
 * were new. On PostgreSQL a key another transaction is inserting waits for it, then counts as seen.
 */
async function newKeys(
  trx: Kysely<Database>,
  keys: Array<{ session_id: string; stage: LiveFunnelKeysTable['stage']; actor: string }>,
): Promise<Set<string>> {
  const unique = new Map(keys.map((k) => [keyId(k.session_id, k.stage, k.actor), k]));
  const sorted = [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, k]) => k);
  const out = new Set<string>();
  for (const part of chunks(sorted, 2000)) {
    const rows = await trx
      .insertInto('live_funnel_keys')
      .values(part)
      .onConflict((oc) => oc.columns(['session_id', 'stage', 'actor']).doNothing())
      .returning(['session_id', 'stage', 'actor'])
      .execute();
    for (const r of rows) out.add(keyId(r.session_id, r.stage, r.actor));
  }
  return out;
}

/** Resolves every code and person of a batch: in bulk when the resolver can, else once per key. */
async function resolveChannels(
  trx: Kysely<Database>,
  resolver: ChannelResolver,
  codes: Set<string>,
  people: Set<string>,
): Promise<{ byCode: Map<string, string>; byPerson: Map<string, string> }> {
  const each = async (keys: Set<string>, one: (k: string) => Promise<string | undefined>) => {
    const out = new Map<string, string>();
    for (const k of keys) {
      const v = await one(k);
      if (v) out.set(k, v);
    }
    return out;
  };
  const byCode =
    codes.size === 0
      ? new Map<string, string>()
      : resolver.channelsOfCodes
        ? await resolver.channelsOfCodes(trx, [...codes])
        : await each(codes, (c) => resolver.channelOfCode(trx, c));
  const byPerson =
    people.size === 0
      ? new Map<string, string>()
      : resolver.channelsOfPeople
        ? await resolver.channelsOfPeople(trx, [...people])
        : await each(people, (p) => resolver.channelOfPerson(trx, p));
  return { byCode, byPerson };
}

/**
 * Concurrent viewers from joins and leaves: a viewer counts once however many sockets they have open,
 * and the session keeps the highest count seen. A node that dies without recording its leaves leaves
 * the count high until the session ends, so the peak is an upper bound in that case.
 *
 * A batch reads the socket counts of its viewers once (rows locked on PostgreSQL, in key order),
 * replays its joins and leaves in order in memory, and writes each changed count and each session's
 * net change and highest point once.
 */
async function presence(trx: Kysely<Database>, events: FunnelViewerEvent[]): Promise<void> {
  const moves = events.filter((e) => e.type === 'live.join' || e.type === 'live.leave');
  if (moves.length === 0) return;
  const pairId = (e: FunnelViewerEvent) => `${e.sessionId}\u0000${e.viewerId}`;
  const pairs = new Map<string, { session_id: string; viewer_id: string; joins: boolean }>();
  for (const e of moves) {
    const p = pairs.get(pairId(e)) ?? { session_id: e.sessionId, viewer_id: e.viewerId, joins: false };
    if (e.type === 'live.join') p.joins = true;
    pairs.set(pairId(e), p);
  }
  const sorted = [...pairs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
  // Rows for viewers who join, so they can be locked; a leave without a row is ignored as before.
  const joining = sorted
    .filter((p) => p.joins)
    .map((p) => ({ session_id: p.session_id, viewer_id: p.viewer_id, sockets: 0 }));
  for (const part of chunks(joining, 2000))
    await trx
      .insertInto('live_presence')
      .values(part)
      .onConflict((oc) => oc.columns(['session_id', 'viewer_id']).doNothing())
      .execute();
  const sockets = new Map<string, number>();
  const pg = isPostgres(trx as Kysely<unknown>);
  for (const part of chunks(sorted, 500)) {
    const tuples = sql.join(part.map((p) => sql`(${p.session_id}, ${p.viewer_id})`));
    let q = trx
      .selectFrom('live_presence')
      .select(['session_id', 'viewer_id', 'sockets'])
      .where(sql<boolean>`(session_id, viewer_id) in (${tuples})`)
      .orderBy('session_id')
      .orderBy('viewer_id');
    if (pg) q = q.forUpdate();
    for (const r of await q.execute()) sockets.set(`${r.session_id}\u0000${r.viewer_id}`, Number(r.sockets));
  }
  const changed = new Set<string>();
  const sessions = new Map<string, { net: number; peak: number; peakAtMs: number | null }>();
  for (const e of moves) {
    const id = pairId(e);
    const before = sockets.get(id);
    let delta = 0;
    if (e.type === 'live.join') {
      const after = (before ?? 0) + 1;
      sockets.set(id, after);
      if (after === 1) delta = 1;
    } else {
      if (before === undefined || before <= 0) continue;
      sockets.set(id, before - 1);
      if (before === 1) delta = -1;
    }
    changed.add(id);
    if (delta === 0) continue;
    let s = sessions.get(e.sessionId);
    if (!s) {
      s = { net: 0, peak: 0, peakAtMs: null };
      sessions.set(e.sessionId, s);
    }
    s.net += delta;
    if (s.net > s.peak) {
      s.peak = s.net;
      s.peakAtMs = e.atMs ?? Date.now();
    }
  }
  const counts = [...changed]
    .sort()
    .map((id) => ({ ...pairs.get(id)!, sockets: sockets.get(id)! }))
    .map(({ session_id, viewer_id, sockets }) => ({ session_id, viewer_id, sockets }));
  for (const part of chunks(counts, 2000))
    await trx
      .insertInto('live_presence')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['session_id', 'viewer_id']).doUpdateSet({ sockets: sql.ref('excluded.sockets') }),
      )
      .execute();
  // The batch's highest point relative to the count before it: a new peak when it beats the old one.
  const stats = [...sessions.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([session_id, s]) => ({
      session_id,
      viewers_now: s.net,
      peak_viewers: s.peak,
      peak_at_ms: s.peakAtMs,
    }));
  const higher = sql`live_session_stats.viewers_now + excluded.peak_viewers > live_session_stats.peak_viewers`;
  for (const part of chunks(stats, 2000))
    await trx
      .insertInto('live_session_stats')
      .values(part)
      .onConflict((oc) =>
        oc.column('session_id').doUpdateSet({
          viewers_now: sql`live_session_stats.viewers_now + excluded.viewers_now`,
          peak_at_ms: sql`case when ${higher} then excluded.peak_at_ms else live_session_stats.peak_at_ms end`,
          peak_viewers: sql`case when ${higher} then live_session_stats.viewers_now + excluded.peak_viewers else live_session_stats.peak_viewers end`,
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

/**
 * Applies a batch of viewer events to the funnel, inside the transaction that records them: channels
 * resolved once per batch, first-time keys inserted together, counters summed per session and channel
 * and written with one upsert per row.
 */
export async function applyViewerEvents(
  trx: Kysely<Database>,
  events: FunnelViewerEvent[],
  resolver: ChannelResolver,
): Promise<void> {
  await presence(trx, events);
  const counted = events.filter((e) => e.type !== 'live.leave');
  if (counted.length === 0) return;
  const codes = new Set<string>();
  const people = new Set<string>();
  for (const e of counted) {
    if (e.chCode) codes.add(e.chCode);
    if (e.personId) people.add(e.personId);
  }
  const { byCode, byPerson } = await resolveChannels(trx, resolver, codes, people);
  const actor = (e: FunnelViewerEvent) => (e.personId ? `p:${e.personId}` : `v:${e.viewerId}`);
  const fresh = await newKeys(
    trx,
    counted
      .filter((e) => e.type === 'live.join' || e.type === 'card.click')
      .map((e) => ({
        session_id: e.sessionId,
        stage: e.type === 'live.join' ? 'join' : 'click',
        actor: actor(e),
      })),
  );
  const sums = new FunnelSums();
  for (const e of counted) {
    const channelId =
      (e.chCode ? byCode.get(e.chCode) : undefined) ??
      (e.personId ? byPerson.get(e.personId) : undefined) ??
      '';
    if (e.type === 'live.join') {
      if (fresh.delete(keyId(e.sessionId, 'join', actor(e))))
        sums.add(e.sessionId, channelId, { unique_viewers: 1 });
    } else if (e.type === 'card.impression') {
      sums.add(e.sessionId, channelId, { impressions: 1 });
    } else {
      const first = fresh.delete(keyId(e.sessionId, 'click', actor(e)));
      sums.add(e.sessionId, channelId, { clicks: 1, clickers: first ? 1 : 0 });
    }
  }
  await sums.write(trx);
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

/** A batch of order events: the counters of each session and channel summed, then one upsert each. */
async function applyOrderEvents(
  trx: Kysely<Database>,
  events: DomainEvent[],
  channels: ChannelResolver,
): Promise<void> {
  const orders = events.flatMap((event) => {
    if (event.type !== 'order.placed' && event.type !== 'order.paid' && event.type !== 'order.refunded')
      return [];
    const sessionId = event.sessionId ?? field<string>(event, 'sessionId', 'session_id');
    const personId = field<string>(event, 'personId', 'person_id');
    return sessionId && personId ? [{ event, sessionId, personId }] : [];
  });
  if (orders.length === 0) return;
  const { byPerson } = await resolveChannels(
    trx,
    channels,
    new Set(),
    new Set(orders.map((o) => o.personId)),
  );
  const fresh = await newKeys(
    trx,
    orders
      .filter((o) => o.event.type === 'order.placed')
      .map((o) => ({ session_id: o.sessionId, stage: 'buy' as const, actor: `p:${o.personId}` })),
  );
  const sums = new FunnelSums();
  for (const { event, sessionId, personId } of orders) {
    const channelId = byPerson.get(personId) ?? '';
    const total = Number(field<number>(event, 'totalMinor', 'total_minor') ?? 0);
    if (event.type === 'order.placed') {
      const first = fresh.delete(keyId(sessionId, 'buy', `p:${personId}`));
      sums.add(sessionId, channelId, { orders_placed: 1, buyers: first ? 1 : 0 });
    } else if (event.type === 'order.refunded') {
      sums.add(sessionId, channelId, { orders_refunded: 1, refunded_gmv_minor: total });
    } else {
      sums.add(
        sessionId,
        channelId,
        { orders_paid: 1, paid_gmv_minor: total },
        field<string>(event, 'currency'),
      );
    }
  }
  await sums.write(trx);
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
