// The viewer event log batches writes, keeps every row (codes included) on both backends, and links a
// browser's viewer id to the first person who logs in on it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkViewer, Store, ViewerEventLog } from '../../commerce/index.ts';
import { testLogger } from '../helpers/logger.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';

describe.each(['sqlite', 'postgres'] as const)('viewer event log on %s', (dialect) => {
  let store: Store;
  let pg: TestDatabase | undefined;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-vlog-'));
    if (dialect === 'postgres') pg = await createTestDatabase();
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
  });

  it('links a viewer id to the first person only', async () => {
    expect(await linkViewer(store.db, 'viewer-abc', 'alice')).toBe('alice');
    expect(await linkViewer(store.db, 'viewer-abc', 'mallory')).toBe('alice');
  });
});
