// The viewer event log batches writes, keeps every row (codes included) on both backends, and links a
// browser's viewer id to the first person who logs in on it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendEvent,
  type ChannelResolver,
  LocalEventBus,
  linkViewer,
  liveFunnelConsumer,
  readLiveFunnel,
  Store,
  ViewerEventLog,
} from '../../commerce/internals.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../loadtest/clients/postgres.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { testLogger } from '../helpers/logger.ts';

// Channel knowledge belongs to people; here two fixed channels stand in for it.
const channels: ChannelResolver = {
  channelOfCode: async (_db, code) => (code === 'C1' ? 'ch-1' : undefined),
  channelOfPerson: async (_db, personId) => (personId === 'alice' ? 'ch-2' : undefined),
};

describe.each(['sqlite', 'postgres'] as const)('viewer event log on %s', (dialect) => {
  let store: Store;
  let pg: ScratchDatabase | undefined;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-vlog-'));
    if (dialect === 'postgres') pg = await createScratchDatabase();
    store = await Store.open({ dataDir: dir, databaseUrl: pg?.url, logger: testLogger });
  });
  afterAll(async () => {
    await store.close();
    await pg?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes 1,234 recorded events in batches, with their codes', async () => {
    const log = new ViewerEventLog({
      db: store.db,
      logger: testLogger,
      nodeId: 'n1',
      channels,
      maxBatch: 500,
      flushMs: 20,
    });
    for (let i = 0; i < 1234; i++) {
      log.record({
        sessionId: 'L1',
        type: i % 2 ? 'card.click' : 'live.join',
        viewerId: `viewer-${i % 100}`,
        refCode: 'BOB123',
        chCode: 'C1',
        cardId: i % 2 ? 'K1' : null,
      });
    }
    await log.close();
    await log.close();
    const rows = await store.db.selectFrom('viewer_events').selectAll().execute();
    expect(rows).toHaveLength(1234);
    expect(rows.filter((r) => r.type === 'card.click' && r.card_id === 'K1')).toHaveLength(617);
    expect(rows.every((r) => r.ref_code === 'BOB123' && r.ch_code === 'C1')).toBe(true);
    expect(log.stats).toEqual({ queued: 0, written: 1234, dropped: 0 });
    log.record({ sessionId: 'L1', type: 'live.join', viewerId: 'late-viewer' });
    expect(log.stats.queued).toBe(0);

    // The funnel followed in the same transactions: joins came from 50 distinct viewers, 617 clicks from the other 50.
    const [row] = await readLiveFunnel(store.db, ['L1']);
    expect(row).toMatchObject({ channelId: 'ch-1', uniqueViewers: 50, clicks: 617, clickers: 50 });
  });

  it('counts orders placed and paid with GMV once per event, under the buyer channel', async () => {
    const bus = new LocalEventBus({ db: store.db, logger: testLogger, nodeId: 'n1', pollMs: 10 });
    bus.subscribe(liveFunnelConsumer(channels));
    await bus.start();
    for (const [type, personId] of [
      ['order.placed', 'alice'],
      ['order.placed', 'alice'],
      ['order.paid', 'alice'],
    ] as const) {
      await store.transaction((trx) =>
        appendEvent(trx, {
          type,
          aggregateId: 'o1',
          sessionId: 'L2',
          payload: { personId, totalMinor: 19_900, currency: 'CNY' },
        }),
      );
    }
    await waitFor(async () => (await readLiveFunnel(store.db, ['L2']))[0]?.ordersPaid === 1);
    await bus.close();
    const [row] = await readLiveFunnel(store.db, ['L2']);
    expect(row).toMatchObject({
      channelId: 'ch-2',
      buyers: 1,
      ordersPlaced: 2,
      ordersPaid: 1,
      paidGmvMinor: 19_900,
    });
    expect(row!.currency).toBe('CNY');
  });

  it('folds a batch of order events into the same counts, per channel', async () => {
    // Committed before the bus starts, so the consumer gets them as one batch.
    await store.transaction(async (trx) => {
      for (const [type, personId] of [
        ['order.placed', 'alice'],
        ['order.placed', 'bob'],
        ['order.placed', 'alice'],
        ['order.paid', 'alice'],
        ['order.paid', 'bob'],
      ] as const)
        await appendEvent(trx, {
          type,
          aggregateId: 'o3',
          sessionId: 'L3',
          payload: { personId, totalMinor: 1_000, currency: 'CNY' },
        });
    });
    const bus = new LocalEventBus({ db: store.db, logger: testLogger, nodeId: 'n3', pollMs: 10 });
    bus.subscribe(liveFunnelConsumer(channels));
    await bus.start();
    await waitFor(async () => (await readLiveFunnel(store.db, ['L3'])).length === 2);
    await bus.close();
    const rows = await readLiveFunnel(store.db, ['L3']);
    const of = (channelId: string) => rows.find((r) => r.channelId === channelId);
    expect(of('ch-2')).toMatchObject({ buyers: 1, ordersPlaced: 2, ordersPaid: 1, paidGmvMinor: 1_000 });
    expect(of('')).toMatchObject({ buyers: 1, ordersPlaced: 1, ordersPaid: 1, paidGmvMinor: 1_000 });
  });

  it('links a viewer id to the first person only', async () => {
    expect(await linkViewer(store.db, 'viewer-abc', 'alice')).toBe('alice');
    expect(await linkViewer(store.db, 'viewer-abc', 'mallory')).toBe('alice');
  });
});
