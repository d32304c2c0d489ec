// Redis Streams delivery with PostgreSQL: a shared consumer applies each event once across two nodes,
// a node-scoped consumer sees every event on every node, and a consumer process killed with SIGKILL
// mid-stream and replaced leaves every event applied exactly once.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainEvent, RedisEventBus, readEvents, Store } from '../../commerce/internals.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../loadtest/clients/postgres.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { effects, recordingConsumer, writeEvents } from '../helpers/events.ts';
import { testLogger } from '../helpers/logger.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROOT = path.resolve(import.meta.dirname, '../..');

describe('RedisEventBus', () => {
  let store: Store;
  let pg: ScratchDatabase;
  let redis: Redis;
  const streams: string[] = [];
  const newStream = () => {
    const s = `test:events:${randomBytes(6).toString('hex')}`;
    streams.push(s);
    return s;
  };

  beforeAll(async () => {
    pg = await createScratchDatabase();
    store = await Store.open({ dataDir: '.', databaseUrl: pg.url, logger: testLogger });
    redis = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    for (const s of streams) {
      const keys = await redis.keys(`${s}*`);
      if (keys.length) await redis.del(...keys);
    }
    redis.disconnect();
    await store.close();
    await pg.drop();
  });

  it('applies a shared consumer once across two nodes and a node consumer on each node', async () => {
    const stream = newStream();
    const seenByNode: Record<string, DomainEvent[]> = { a: [], b: [] };
    const buses = ['a', 'b'].map((nodeId) => {
      const bus = new RedisEventBus({
        db: store.db,
        redis,
        logger: testLogger,
        nodeId,
        stream,
        blockMs: 100,
      });
      bus.subscribe(recordingConsumer('shared'));
      bus.subscribe({
        name: 'fanout',
        scope: 'node',
        handle: async (e) => {
          seenByNode[nodeId]!.push(e);
        },
      });
      return bus;
    });
    await Promise.all(buses.map((b) => b.start()));
    await writeEvents(store, 50, 'S1');
    const ids = (await readEvents(store.db, 0, 1000)).map((e) => e.id);
    await waitFor(async () => (await effects(store, 'shared')).length === ids.length);
    await waitFor(() => seenByNode.a!.length === ids.length && seenByNode.b!.length === ids.length);
    expect(await effects(store, 'shared')).toEqual(ids);
    // Each node receives every event, in outbox order, with the session sequence intact.
    for (const seen of Object.values(seenByNode)) {
      expect(seen.map((e) => e.id)).toEqual(ids);
      expect(seen.map((e) => e.sessionSeq)).toEqual(ids.map((_, i) => i + 1));
    }
    expect(await redis.xlen(stream)).toBe(ids.length);
    await Promise.all(buses.map((b) => b.close()));
    expect(buses[0]!.health().state).toBe('closed');
  });

  it('survives SIGKILL of a consuming process: the replacement applies the rest exactly once', async () => {
    const stream = newStream();
    const before = (await readEvents(store.db, 0, 100_000)).map((e) => e.id);
    await writeEvents(store, 400);
    const all = (await readEvents(store.db, 0, 100_000)).map((e) => e.id);
    const fresh = all.filter((id) => !before.includes(id));

    const spawnChild = (nodeId: string, crashAfter?: number) =>
      new Promise<ChildProcess>((resolve, reject) => {
        const args = [pg.url, stream, nodeId, ...(crashAfter === undefined ? [] : [String(crashAfter)])];
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', 'tests/commerce/fixtures/redis-consumer.ts', ...args],
          { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
        );
        child.stdout!.once('data', () => resolve(child));
        child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
      });
    const exited = (child: ChildProcess) =>
      new Promise<NodeJS.Signals | null>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode);
        else child.once('exit', (_code, signal) => resolve(signal));
      });
    const pending = async () => Number((await redis.xpending(stream, 'crashy'))[0]);

    // The victim dies between committing a batch and acknowledging it.
    const first = await spawnChild('victim', 100);
    expect(await exited(first)).toBe('SIGKILL');
    const applied = (await effects(store, 'crashy')).length;
    expect(applied).toBeGreaterThanOrEqual(100);
    expect(applied).toBeLessThan(all.length);
    expect(await pending()).toBeGreaterThan(0);

    // The heir is handed that batch again and must skip what the victim applied. A second application
    // would hit the effect row's key, roll its batch back and stall there, short of every event.
    const second = await spawnChild('heir');
    await waitFor(
      async () => (await effects(store, 'crashy')).length === all.length && (await pending()) === 0,
      { timeoutMs: 80_000, what: 'the heir to apply and acknowledge every event' },
    );
    second.kill('SIGKILL');
    await exited(second);
    expect(await effects(store, 'crashy')).toEqual(all);
    expect(fresh).toHaveLength(400);
  });
});
