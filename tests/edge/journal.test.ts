// The journal on a real SQLite file: multi-row group commits absorb duplicates (in one batch and
// against earlier ones), the forwarder reads from memory while it keeps up and from disk after a
// restart or when the in-memory tail overflows, and the forwarded cursor survives a reopen.
import { afterEach, expect, it } from 'vitest';
import { type EdgeDb, openEdgeDb } from '../../edge/db.ts';
import { Journal, type JournaledReading } from '../../edge/journal.ts';
import type { ReadingRecord } from '../../protocols/index.ts';
import { identity, tempDir } from '../helpers/edge.ts';

const OPTS = { commitDelayMs: 1, maxBatch: 10_000, maxRows: 100_000, maxTail: 500 };
const dbs: EdgeDb[] = [];
const journals: Journal[] = [];
afterEach(() => {
  for (const j of journals.splice(0)) j.close();
  for (const db of dbs.splice(0)) if (db.open) db.close();
});

const rec = (seq: number, deviceId = 'scale-1'): ReadingRecord => ({
  deviceId,
  bootId: 3,
  seq,
  metric: 'WEIGHT_KG',
  value: 60 + seq / 100,
  measuredAtMs: 1_700_000_000_000 + seq,
  memberCode: seq % 2 ? 'A7K2QX' : null,
  eventId: null,
});

function open(dir: string): Journal {
  const db = openEdgeDb(dir);
  dbs.push(db);
  const j = new Journal(db, OPTS);
  journals.push(j);
  return j;
}

/** Appends and commits; resolves with each append's callback error (null when acknowledged). */
function appendAll(j: Journal, recs: ReadingRecord[]): (Error | null)[] {
  const errs: (Error | null)[] = [];
  for (const r of recs) j.append(r, (e) => errs.push(e ?? null));
  j.flush();
  return errs;
}

/** Drains everything unforwarded the way the forwarder does. */
function drain(j: Journal, batch: number): JournaledReading[] {
  const out: JournaledReading[] = [];
  for (;;) {
    const b = j.unforwarded(batch);
    if (b.length === 0) return out;
    out.push(...b);
    j.markForwarded(b[b.length - 1]!.id, b.length);
  }
}

const seqs = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);

it('stores each identity once, across and within batches, and acknowledges duplicates', () => {
  const j = open(tempDir('journal-dup-'));
  expect(
    appendAll(
      j,
      seqs(150).map((s) => rec(s)),
    ),
  ).toEqual(Array(150).fill(null));
  // 100..200 overlaps 100..150; seq 170 twice in the same batch.
  const errs = appendAll(j, [...seqs(101, 100).map((s) => rec(s)), rec(170)]);
  expect(errs.every((e) => e === null)).toBe(true);
  expect(j.accepted).toBe(200);
  expect(j.duplicates).toBe(52);
  expect(j.depth).toBe(200);
  const out = drain(j, 64);
  expect(out.map((r) => r.seq)).toEqual(seqs(200));
  expect(out[0]).toMatchObject({ ...rec(1), receivedAtMs: expect.any(Number) });
  expect(new Set(out.map((r) => r.id)).size).toBe(200);
  expect(j.depth).toBe(0);
  j.close();
});

it('after a restart, forwards the backlog from disk, then new readings from memory, in order', () => {
  const dir = tempDir('journal-restart-');
  let j = open(dir);
  appendAll(
    j,
    seqs(300).map((s) => rec(s)),
  );
  const first = j.unforwarded(120);
  j.markForwarded(first[first.length - 1]!.id, first.length);
  j.close();
  dbs[0]!.close();

  j = open(dir);
  expect(j.depth).toBe(180);
  const part = j.unforwarded(100);
  expect(part.map((r) => r.seq)).toEqual(seqs(100, 121));
  j.markForwarded(part[part.length - 1]!.id, part.length);
  // Committed while the backlog is still being read: must come after it, once.
  appendAll(
    j,
    seqs(50, 301).map((s) => rec(s)),
  );
  const rest = drain(j, 100);
  expect(rest.map((r) => r.seq)).toEqual(seqs(130, 221));
  expect(j.depth).toBe(0);
  expect(j.oldestUnforwardedAgeMs()).toBe(0);
});

it('falls back to disk when the in-memory tail overflows (sink down) and loses nothing', () => {
  const j = open(tempDir('journal-tail-'));
  // maxTail is 500: 1,200 committed readings nobody forwards.
  for (let k = 0; k < 4; k++)
    appendAll(
      j,
      seqs(300, k * 300 + 1).map((s) => rec(s, `d-${k % 2}`)),
    );
  expect(j.depth).toBe(1200);
  expect(j.oldestUnforwardedAgeMs()).toBeGreaterThanOrEqual(0);
  const out = drain(j, 250);
  expect(out.map(identity)).toEqual(
    seqs(1200).map((s) => identity(rec(s, `d-${Math.floor((s - 1) / 300) % 2}`))),
  );
  expect(j.depth).toBe(0);
});
