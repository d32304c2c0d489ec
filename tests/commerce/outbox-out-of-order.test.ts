// The outbox on PostgreSQL when transactions commit in another order than they appended: a transaction
// that appended first and commits last still reaches every consumer (in-process and Redis Streams, store
// and socket kinds) once, each session in order; appends take no lock that other appends wait on; and a
// sequencer that stalls holding its lock delays positions by a bounded wait, then hands over once its
// connection is gone.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventBus, LocalEventBus, RedisEventBus } from '../../commerce/events/index.ts';
import { appendEvents, type DomainEvent, type NewDomainEvent, readEvents } from '../../commerce/outbox.ts';
import { Store } from '../../commerce/store.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../loadtest/clients/postgres.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { effects, recordingConsumer } from '../helpers/events.ts';
import { testLogger } from '../helpers/logger.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The advisory lock outbox_sequence() takes (migration 0016). */
const SEQUENCER_LOCK = 2047937292;

function events(sessionId: string | null, count: number, tag: string): NewDomainEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'stock.changed' as const,
    aggregateId: `${tag}-${i}`,
    sessionId,
    payload: { i: `${tag}-${i}` },
  }));
}

/** Resolves when `open` is called; the transaction then waits for `release`. */
function gate() {
  let open!: () => void;
  let release!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  const released = new Promise<void>((r) => {
    release = r;
  });
  return { open, opened, release, released };
}

describe('outbox on postgres with out-of-order commits', () => {
  let store: Store;
  let pgDb: ScratchDatabase;
  let redis: Redis;
  const stream = `test:events:${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    pgDb = await createScratchDatabase();
    store = await Store.open({ dataDir: '.', databaseUrl: pgDb.url, logger: testLogger });
    redis = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    const keys = await redis.keys(`${stream}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await store.close();
    await pgDb.drop();
  });

  it('delivers a transaction that appended first and committed last to every consumer once, in session order', async () => {
    const live: Record<string, DomainEvent[]> = { local: [], redis: [] };
    const liveConsumer = (bus: string) => ({
      name: `live-${bus}`,
      scope: 'node' as const,
      handle: async (e: DomainEvent) => {
        live[bus]!.push(e);
      },
    });
    const local = new LocalEventBus({ db: store.background, logger: testLogger, nodeId: 'n1' });
    local.subscribe(recordingConsumer('store-local'));
    local.subscribe(liveConsumer('local'));
    const viaRedis = new RedisEventBus({
      ...{ db: store.background, redis, logger: testLogger, nodeId: 'n1', stream },
      blockMs: 100,
    });
    viaRedis.subscribe(recordingConsumer('store-redis'));
    viaRedis.subscribe(liveConsumer('redis'));
    const buses: EventBus[] = [local, viaRedis];
    await Promise.all(buses.map((b) => b.start()));
    const delivered = async (n: number) =>
      live.local!.length === n &&
      live.redis!.length === n &&
      (await effects(store, 'store-local')).length === n &&
      (await effects(store, 'store-redis')).length === n;

    // First: appends two events of session A and one without a session, then stays open.
    const first = gate();
    const firstTx = store.transaction(async (trx) => {
      await appendEvents(trx, [...events('A', 2, 'first-a'), ...events(null, 1, 'first')]);
      first.open();
      await first.released;
    });
    await first.opened;
    // Second: appends later (session B and one without) and commits while the first is still open.
    await store.transaction((trx) =>
      appendEvents(trx, [...events('B', 2, 'second-b'), ...events(null, 1, 'second')]),
    );
    // Every consumer has the second transaction's events, and has moved past them, before the first
    // commits: a position that followed append order would now be beyond the first one's events.
    await waitFor(() => delivered(3));
    // Third, on session A: waits on A's sequence row until the first commits, so it comes after it.
    const thirdTx = store.transaction((trx) => appendEvents(trx, events('A', 1, 'third-a')));
    first.release();
    await Promise.all([firstTx, thirdTx]);
    await waitFor(() => delivered(7));

    const all = await readEvents(store.db, 0, 100);
    expect(all).toHaveLength(7);
    const ids = all.map((e) => e.id);
    expect(await effects(store, 'store-local')).toEqual(ids);
    expect(await effects(store, 'store-redis')).toEqual(ids);
    for (const seen of Object.values(live)) {
      // Once each, in outbox order, and each session's sequence without a gap.
      expect(seen.map((e) => e.id)).toEqual(ids);
      const bySession = (s: string) => seen.filter((e) => e.sessionId === s);
      expect(bySession('A').map((e) => [e.aggregateId, e.sessionSeq])).toEqual([
        ['first-a-0', 1],
        ['first-a-1', 2],
        ['third-a-0', 3],
      ]);
      expect(bySession('B').map((e) => e.sessionSeq)).toEqual([1, 2]);
    }
    // The late committer's events were positioned after the early committer's.
    const positionOf = (tag: string) => all.find((e) => e.aggregateId === tag)!.id;
    expect(positionOf('first-a-0')).toBeGreaterThan(positionOf('second-b-1'));
    await Promise.all(buses.map((b) => b.close()));
  });

  it('appends without waiting for the sequencer, which hands over when a stalled holder goes away', async () => {
    const before = await readEvents(store.db, 0, 1000);
    // A sequencer stuck holding its lock (a node that stalled mid-batch).
    const stalled = new pg.Client({ connectionString: pgDb.url });
    await stalled.connect();
    stalled.on('error', () => undefined);
    await stalled.query('begin');
    await stalled.query('select pg_advisory_xact_lock($1)', [SEQUENCER_LOCK]);
    const stalledPid = (await stalled.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    // Orders keep committing: an append's transaction waits for no lock another transaction holds.
    await store.db.transaction().execute((trx) => appendEvents(trx, events('C', 2, 'during-stall')));
    // A write through the store gives up on positioning its events after a bounded wait, and returns.
    await store.transaction((trx) => appendEvents(trx, events('C', 1, 'during-stall-bounded')));
    // A reader queues behind the holder rather than skipping or misnumbering anything...
    const reading = readEvents(store.db, before.at(-1)?.id ?? 0, 100);
    await waitFor(async () => {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`.execute(
        store.db,
      );
      return rows[0]!.n > 0;
    });
    // ...and the holder's connection dies (its node crashed): the reader takes over.
    await sql`select pg_terminate_backend(${stalledPid})`.execute(store.db);
    const got = await reading;
    expect(got.map((e) => [e.aggregateId, e.sessionSeq])).toEqual([
      ['during-stall-0', 1],
      ['during-stall-1', 2],
      ['during-stall-bounded-0', 3],
    ]);
    await stalled.end().catch(() => undefined);
  });
});
