// A journal holding readings the core refuses (journaled by an edge that did not check them yet, before
// an upgrade) does not stop forwarding: the refused batch is split until the refused readings are
// alone; they are quarantined as refused_by_core with the core's answer, and every other reading
// reaches the core once, in order. Through the HTTP sink to the real core (ingest route) and through
// the in-process sink (commerce's readings), on SQLite and PostgreSQL.
import { afterEach, describe, expect, it } from 'vitest';
import { EdgeTokens, Readings } from '../../commerce/internals.ts';
import { HttpReadingSink } from '../../edge/http-sink.ts';
import { Edge, type ReadingSink } from '../../edge/index.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import type { ReadingRecord } from '../../protocols/index.ts';
import { tempDir } from '../helpers/edge.ts';
import { testLogger } from '../helpers/logger.ts';
import { openTestStore, STORE_BACKENDS, startTestApi, type TestStore } from '../helpers/people.ts';

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

const reading = (deviceId: string, seq: number, over: Partial<ReadingRecord> = {}): ReadingRecord => ({
  deviceId,
  bootId: 1,
  seq,
  metric: 'WEIGHT_KG',
  value: 80,
  measuredAtMs: Date.now(),
  memberCode: null,
  eventId: null,
  ...over,
});

async function sinkFor(t: TestStore, kind: 'http' | 'in-process'): Promise<ReadingSink> {
  if (kind === 'in-process') {
    const readings = new Readings(t.store);
    return { write: async (batch) => void (await readings.ingest(batch)) };
  }
  const api = await startTestApi(t.store);
  cleanup.push(() => api.close());
  const { token } = await new EdgeTokens(t.store).issue('venue', 'admin-1');
  return new HttpReadingSink(api.url, token);
}

describe.each(STORE_BACKENDS)('$name', ({ name }) => {
  it.each(['http', 'in-process'] as const)(
    '%s sink: refused readings are isolated and quarantined',
    async (kind) => {
      const t = await openTestStore(name);
      cleanup.push(() => t.cleanup());
      let writes = 0;
      const sink = await sinkFor(t, kind);
      const counting: ReadingSink = {
        write: (batch) => {
          writes++;
          return sink.write(batch);
        },
      };
      const edge = new Edge({
        host: '127.0.0.1',
        port: 0,
        dataDir: tempDir(),
        logger: testLogger,
        sink: counting,
        forwarder: { backoffBaseMs: 20, backoffMaxMs: 200, lingerMs: 200 },
      });
      await edge.start();
      cleanup.push(() => edge.close());

      // 300 good readings of three devices with three refused ones among them, journaled together.
      const poison = new Map([
        [37, { memberCode: 'X'.repeat(40) }],
        [80, { memberCode: 'A\u0000B' }],
        [81, { eventId: 'e'.repeat(65) }],
      ]);
      const journaled: ReadingRecord[] = [];
      for (let seq = 1; seq <= 100; seq++)
        for (const d of ['s-1', 's-2', 's-3'])
          journaled.push(reading(d, seq, d === 's-2' ? poison.get(seq) : undefined));
      await Promise.all(
        journaled.map(
          (r) =>
            new Promise<void>((resolve, reject) =>
              edge.journal.append(r, (err) => (err ? reject(err) : resolve())),
            ),
        ),
      );

      await waitFor(() => edge.health().journalDepth === 0, { what: 'journal drained' });
      const stored = await t.store.db
        .selectFrom('readings')
        .select(['device_id', 'seq'])
        .orderBy('id')
        .execute();
      const expected = journaled.filter((r) => !(r.deviceId === 's-2' && poison.has(r.seq)));
      expect(stored.map((r) => `${r.device_id}/${Number(r.seq)}`)).toEqual(
        expected.map((r) => `${r.deviceId}/${r.seq}`),
      );
      expect(edge.health()).toMatchObject({ refusedByCore: 3, forwarded: 297 });
      // Found by halving: far fewer writes than one per reading.
      expect(writes).toBeLessThan(100);

      const quarantined = await edge.quarantineOf('s-2');
      expect(quarantined.map((q) => q.reason)).toEqual([
        'refused_by_core',
        'refused_by_core',
        'refused_by_core',
      ]);
      const code = kind === 'http' ? 'VALIDATION_FAILED' : 'READING_INVALID';
      for (const q of quarantined) expect(q.detail).toContain(code);
      await expect(edge.quarantineOf('s-1')).resolves.toEqual([]);
    },
  );
});
