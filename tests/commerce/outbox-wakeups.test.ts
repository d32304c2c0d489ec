// Dispatchers wake on commits, not on their poll: with the safety poll set far beyond the wait, a bus on
// the writing process (local commit) and a bus on another process's store (the sequencer's NOTIFY on
// PostgreSQL) both deliver a write's event; an event a transactional consumer appends (an alert raised
// from a reading) wakes the buses too.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEventBus } from '../../commerce/events/index.ts';
import { appendEvent, type DomainEvent } from '../../commerce/outbox.ts';
import { Store } from '../../commerce/store.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../loadtest/clients/postgres.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { testLogger } from '../helpers/logger.ts';

/** Far beyond waitFor's 10 s: a delivery inside the wait came from a wake-up. */
const POLL_MS = 600_000;

describe.each(['sqlite', 'postgres'] as const)('outbox wake-ups on %s', (dialect) => {
  let writer: Store;
  let other: Store | undefined;
  let pg: ScratchDatabase | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-wakeups-'));
    if (dialect === 'postgres') pg = await createScratchDatabase();
    writer = await Store.open({ dataDir: dir, databaseUrl: pg?.url, logger: testLogger });
    // Another node: its own store (pools, LISTEN connection) on the same database.
    if (pg) other = await Store.open({ dataDir: dir, databaseUrl: pg.url, logger: testLogger });
  });

  afterAll(async () => {
    await other?.close();
    await writer.close();
    await pg?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('delivers a write without waiting for the poll, on the writing node and on another', async () => {
    const stores = other ? [writer, other] : [writer];
    const seen = stores.map(() => [] as DomainEvent[]);
    const buses = stores.map((store, i) => {
      const bus = new LocalEventBus({
        db: store.background,
        logger: testLogger,
        nodeId: `n${i}`,
        pollMs: POLL_MS,
      });
      bus.subscribe({
        name: 'live',
        scope: 'node',
        handle: async (e) => {
          seen[i]!.push(e);
        },
      });
      return bus;
    });
    await Promise.all(buses.map((b) => b.start()));
    // The first read at start-up is behind us once nothing is pending: write only after it.
    for (let n = 1; n <= 3; n++) {
      await writer.transaction((trx) =>
        appendEvent(trx, { type: 'card.pinned', aggregateId: `k${n}`, sessionId: 'S', payload: {} }),
      );
      await waitFor(() => seen.every((s) => s.length === n));
    }
    for (const s of seen) expect(s.map((e) => e.sessionSeq)).toEqual([1, 2, 3]);
    await Promise.all(buses.map((b) => b.close()));
  });

  it('delivers what a consumer appended in its own transaction without waiting for the poll', async () => {
    const bus = new LocalEventBus({
      db: writer.background,
      logger: testLogger,
      nodeId: 'c',
      pollMs: POLL_MS,
    });
    const followUps: DomainEvent[] = [];
    bus.subscribe({
      name: 'raiser',
      async handleInTransaction(trx, e) {
        if (e.type === 'reading.recorded')
          await appendEvent(trx, { type: 'alert.raised', aggregateId: e.aggregateId, payload: {} });
      },
    });
    bus.subscribe({
      name: 'fanout',
      scope: 'node',
      handle: async (e) => {
        if (e.type === 'alert.raised') followUps.push(e);
      },
    });
    await bus.start();
    await writer.transaction((trx) =>
      appendEvent(trx, { type: 'reading.recorded', aggregateId: 'r1', payload: {} }),
    );
    await waitFor(() => followUps.length === 1, { what: 'the consumer’s event, delivered on a wake-up' });
    await bus.close();
  });
});
