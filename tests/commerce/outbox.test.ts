// The outbox on both backends: events commit with their transaction, session sequences are gapless per
// session, and the in-process bus applies every event exactly once to a consumer that fails mid-event
// and to one that is stopped and started again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendEvent,
  currentSessionSeq,
  LocalEventBus,
  readEvents,
  Store,
} from '../../commerce/internals.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../loadtest/clients/postgres.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { effects, recordingConsumer, writeEvents } from '../helpers/events.ts';
import { testLogger } from '../helpers/logger.ts';

describe.each(['sqlite', 'postgres'] as const)('outbox on %s', (dialect) => {
  let store: Store;
  let pg: ScratchDatabase | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-outbox-'));
    if (dialect === 'postgres') pg = await createScratchDatabase();
    store = await Store.open({ dataDir: dir, databaseUrl: pg?.url, logger: testLogger });
  });

  afterAll(async () => {
    await store.close();
    await pg?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('numbers live-session events per session without gaps, even around a rolled-back transaction', async () => {
    await writeEvents(store, 3, 'L1');
    await writeEvents(store, 2, 'L2');
    await expect(
      store.transaction(async (trx) => {
        await appendEvent(trx, { type: 'card.pinned', aggregateId: 'k', sessionId: 'L1', payload: {} });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    await writeEvents(store, 1, 'L1');
    const events = (await readEvents(store.db, 0, 100)).filter((e) => e.sessionId === 'L1');
    expect(events.map((e) => e.sessionSeq)).toEqual([1, 2, 3, 4]);
    expect(await currentSessionSeq(store.db, 'L2')).toBe(2);
    expect(await currentSessionSeq(store.db, 'none')).toBe(0);
  });

  it('keeps global ids increasing under concurrent writers: a reader following them misses none', async () => {
    const before = (await readEvents(store.db, 0, 10_000)).at(-1)?.id ?? 0;
    // Writers whose transactions stay open a little after appending, so commits come in another order
    // than the appends; a reader meanwhile follows the ids as a dispatcher does (after the last seen).
    const writer = (w: number) =>
      (async () => {
        for (let i = 0; i < 10; i++) {
          await store.transaction(async (trx) => {
            await appendEvent(trx, { type: 'stock.changed', aggregateId: `w${w}`, payload: { i } });
            await new Promise((r) => setTimeout(r, (w * 7 + i * 3) % 5));
          });
        }
      })();
    let writing = true;
    const followed: number[] = [];
    const follower = (async () => {
      let last = before;
      // One last read after the writers are done: whatever it cannot reach any more was skipped.
      for (;;) {
        const done = !writing;
        const batch = await readEvents(store.db, last, 1000);
        for (const e of batch) followed.push(e.id);
        last = batch.at(-1)?.id ?? last;
        if (batch.length > 0) continue;
        if (done) return;
        await new Promise((r) => setImmediate(r));
      }
    })();
    await Promise.all(Array.from({ length: 5 }, (_, w) => writer(w)));
    writing = false;
    await follower;
    const all = (await readEvents(store.db, before, 10_000)).map((e) => e.id);
    expect(all).toHaveLength(50);
    expect(followed).toEqual(all);
  });

  it('numbers one session without gaps under concurrent writers', async () => {
    const before = (await readEvents(store.db, 0, 10_000)).length;
    await Promise.all(Array.from({ length: 5 }, () => writeEvents(store, 20, 'L3')));
    const events = (await readEvents(store.db, 0, 10_000)).slice(before);
    expect(events.map((e) => e.sessionSeq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('applies every event exactly once to a consumer that fails mid-event and one that restarts', async () => {
    const all = await readEvents(store.db, 0, 10_000);
    const failing = recordingConsumer('failing', { failOnceAt: all[3]!.id });
    const bus = new LocalEventBus({ db: store.db, logger: testLogger, nodeId: 'n1', pollMs: 10 });
    bus.subscribe(failing);
    await bus.start();
    await waitFor(async () => (await effects(store, 'failing')).length === all.length);
    await bus.close();
    expect(await effects(store, 'failing')).toEqual(all.map((e) => e.id));
    // Events are applied in batches: a failure rolls the batch back and it is handled again, so the
    // handler may see an event twice, but only one application ever commits (the effects above).
    expect([...new Set(failing.seen)].sort((a, b) => a - b)).toEqual(all.map((e) => e.id));

    // Restart: a new bus continues from the stored position; new events arrive once, old ones never again.
    await writeEvents(store, 10);
    const restarted = recordingConsumer('failing');
    const bus2 = new LocalEventBus({ db: store.db, logger: testLogger, nodeId: 'n1', pollMs: 10 });
    bus2.subscribe(restarted);
    await bus2.start();
    const total = (await readEvents(store.db, 0, 10_000)).length;
    await waitFor(async () => (await effects(store, 'failing')).length === total);
    await bus2.close();
    await bus2.close();
    expect(restarted.seen).toHaveLength(10);
    expect(bus2.health().state).toBe('closed');
  });

  it('reads a consumer with readEveryMs at most that often, and close() does not wait out the pause', async () => {
    const start = (await readEvents(store.db, 0, 100_000)).at(-1)?.id ?? 0;
    const now = Date.now();
    const batches: Record<string, number[]> = { every: [], plain: [] };
    const bus = new LocalEventBus({ db: store.db, logger: testLogger, nodeId: 'n-every', pollMs: 10 });
    for (const [name, readEveryMs] of [
      ['every', 1000],
      ['plain', 0],
    ] as const) {
      await store.db
        .insertInto('consumer_positions')
        .values({ consumer: name, position: start, updated_at_ms: now })
        .execute();
      bus.subscribe({
        name,
        readEveryMs,
        handleInTransaction: async () => {},
        handleBatchInTransaction: async (_trx, events) => {
          batches[name]!.push(events.length);
        },
      });
    }
    await bus.start();
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) {
      await writeEvents(store, 1);
      await new Promise((r) => setTimeout(r, 20));
    }
    const sum = (name: string) => batches[name]!.reduce((a, b) => a + b, 0);
    await waitFor(() => sum('every') === 20 && sum('plain') === 20, { timeoutMs: 20_000 });
    const elapsed = Date.now() - t0;
    // Commits one by one: the plain consumer is woken by each; the other reads once a second at most.
    expect(batches.every!.length).toBeLessThanOrEqual(Math.ceil(elapsed / 1000) + 1);
    expect(batches.plain!.length).toBeGreaterThan(batches.every!.length);
    const closing = Date.now();
    await bus.close();
    expect(Date.now() - closing).toBeLessThan(900);
  });

  it('rejects a consumer without exactly one handler', () => {
    const bus = new LocalEventBus({ db: store.db, logger: testLogger, nodeId: 'n1' });
    expect(() => bus.subscribe({ name: 'none' })).toThrow(TypeError);
  });
});
