// The journal on real segment files: group commits acknowledge only after the write, duplicates are
// absorbed (in one batch, against earlier ones and after a reopen), the forwarder reads from memory
// while it keeps up and from disk after a restart or when the in-memory tail overflows, a torn last
// frame is cut off on reopen, forwarded segments are deleted, the cursor survives a reopen, and a
// backlog left in the older edge.db table is moved over.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openEdgeDb } from '../../edge/db.ts';
import { Journal, type JournaledReading, JournalFullError, type JournalOptions } from '../../edge/journal.ts';
import { SeenReadings } from '../../edge/journal-dedup.ts';
import { importLegacyJournal } from '../../edge/journal-legacy.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import type { ReadingRecord } from '../../protocols/index.ts';
import { identity, tempDir } from '../helpers/edge.ts';

const OPTS: JournalOptions = { maxRows: 100_000, maxTail: 500, segmentRows: 10_000 };
const journals: Journal[] = [];
afterEach(async () => {
  for (const j of journals.splice(0)) await j.close();
});

const rec = (seq: number, deviceId = 'scale-1', bootId = 3): ReadingRecord => ({
  deviceId,
  bootId,
  seq,
  metric: 'WEIGHT_KG',
  value: 60 + seq / 100,
  measuredAtMs: 1_700_000_000_000 + seq,
  memberCode: seq % 2 ? 'A7K2QX' : null,
  eventId: seq % 3 ? null : 'évent-1',
});

function open(dir: string, opts: Partial<JournalOptions> = {}): Journal {
  const j = new Journal(dir, { ...OPTS, ...opts });
  journals.push(j);
  return j;
}

async function reopen(j: Journal, dir: string, opts: Partial<JournalOptions> = {}): Promise<Journal> {
  await j.close();
  return open(dir, opts);
}

/** Appends in one turn and waits for the commit; resolves with each callback's error (null = acked). */
async function appendAll(j: Journal, recs: ReadingRecord[]): Promise<(Error | null)[]> {
  const errs: (Error | null)[] = [];
  for (const r of recs) j.append(r, (e) => errs.push(e ?? null));
  expect(errs.filter((e) => e === null)).toEqual([]); // nothing is acknowledged before the commit
  await j.flush();
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
const segments = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.log'));

it('stores each identity once, across and within batches, and acknowledges duplicates', async () => {
  const j = open(tempDir('journal-dup-'));
  expect(
    await appendAll(
      j,
      seqs(150).map((s) => rec(s)),
    ),
  ).toEqual(Array(150).fill(null));
  // 100..200 overlaps 100..150; seq 170 twice in the same batch.
  const errs = await appendAll(j, [...seqs(101, 100).map((s) => rec(s)), rec(170)]);
  expect(errs).toEqual(Array(102).fill(null));
  expect(j.accepted).toBe(200);
  expect(j.duplicates).toBe(52);
  expect(j.depth).toBe(200);
  const out = drain(j, 64);
  expect(out.map((r) => r.seq)).toEqual(seqs(200));
  expect(out[2]).toMatchObject({ ...rec(3), receivedAtMs: expect.any(Number) });
  expect(out.map((r) => r.id)).toEqual(seqs(200));
  expect(j.depth).toBe(0);
});

it('after a restart, forwards the backlog from disk, then new readings from memory, in order, once', async () => {
  const dir = tempDir('journal-restart-');
  let j = open(dir);
  await appendAll(
    j,
    seqs(300).map((s) => rec(s)),
  );
  const first = j.unforwarded(120);
  j.markForwarded(first[first.length - 1]!.id, first.length);

  j = await reopen(j, dir);
  expect(j.depth).toBe(180);
  const part = j.unforwarded(100);
  expect(part.map((r) => r.seq)).toEqual(seqs(100, 121));
  expect(part[0]).toMatchObject({ ...rec(121), id: 121 });
  j.markForwarded(part[part.length - 1]!.id, part.length);
  // A replay of journaled readings is known after the reopen; new ones committed while the backlog is
  // still being read must come after it, once.
  await appendAll(j, [...seqs(10, 290).map((s) => rec(s)), ...seqs(50, 301).map((s) => rec(s))]);
  expect(j.duplicates).toBe(10);
  const rest = drain(j, 100);
  expect(rest.map((r) => r.seq)).toEqual(seqs(130, 221));
  expect(rest.at(-1)!.id).toBe(350);
  expect(j.depth).toBe(0);
  expect(j.oldestUnforwardedAgeMs()).toBe(0);
});

it('returns the same readings when asked again before they are marked (a retried write)', async () => {
  const dir = tempDir('journal-retry-');
  let j = open(dir);
  await appendAll(
    j,
    seqs(30).map((s) => rec(s)),
  );
  j = await reopen(j, dir);
  const backlog = j.unforwarded(100); // short read from disk: the whole backlog
  await appendAll(j, [rec(31)]);
  expect(j.unforwarded(100).map((r) => r.seq)).toEqual([...backlog.map((r) => r.seq), 31]);
  j.markForwarded(backlog.at(-1)!.id, backlog.length);
  expect(j.unforwarded(100).map((r) => r.seq)).toEqual([31]);
});

it('falls back to disk when the in-memory tail overflows (sink down) and loses nothing', async () => {
  const j = open(tempDir('journal-tail-'));
  // maxTail is 500: 1,200 committed readings nobody forwards. The first 300 are committed a few
  // milliseconds before the rest, so the oldest age tells the first reading (by then read back from
  // disk) from any later one.
  const firstFrom = Date.now();
  await appendAll(
    j,
    seqs(300).map((s) => rec(s, 'd-0')),
  );
  const firstTo = Date.now();
  await waitFor(() => Date.now() > firstTo + 5, { what: 'the clock to move on', stepMs: 1 });
  for (let k = 1; k < 4; k++)
    await appendAll(
      j,
      seqs(300, k * 300 + 1).map((s) => rec(s, `d-${k % 2}`)),
    );
  expect(j.depth).toBe(1200);
  const at = Date.now() + 60_000;
  expect(j.oldestUnforwardedAgeMs(at)).toBeGreaterThanOrEqual(at - firstTo);
  expect(j.oldestUnforwardedAgeMs(at)).toBeLessThanOrEqual(at - firstFrom);
  const out = drain(j, 250);
  expect(out.map(identity)).toEqual(
    seqs(1200).map((s) => identity(rec(s, `d-${Math.floor((s - 1) / 300) % 2}`))),
  );
  expect(j.depth).toBe(0);
});

it('cuts a torn last frame off on reopen and carries on after the whole ones', async () => {
  const dir = tempDir('journal-torn-');
  let j = open(dir);
  await appendAll(
    j,
    seqs(20).map((s) => rec(s)),
  );
  await j.close();
  const [seg] = segments(dir);
  const file = path.join(dir, seg!);
  const whole = fs.statSync(file).size;
  // A crash mid-write: half of a frame (never acknowledged), then a frame with a bad checksum.
  const bytes = fs.readFileSync(file);
  fs.appendFileSync(file, bytes.subarray(0, 30));
  j = open(dir);
  expect(fs.statSync(file).size).toBe(whole);
  expect(j.depth).toBe(20);
  const damaged = Buffer.from(bytes.subarray(0, bytes.readUInt32LE(0) + 8)); // one whole frame
  damaged[20] = damaged[20]! ^ 0xff;
  await j.close();
  fs.appendFileSync(file, damaged);
  j = open(dir);
  expect(fs.statSync(file).size).toBe(whole);
  await appendAll(j, [rec(21)]);
  expect(drain(j, 100).map((r) => [r.id, r.seq])).toEqual(seqs(21).map((s) => [s, s]));
});

it('starts new segment files and deletes the ones fully forwarded', async () => {
  const dir = tempDir('journal-segments-');
  let j = open(dir, { segmentRows: 120 });
  for (let k = 0; k < 5; k++)
    await appendAll(
      j,
      seqs(60, k * 60 + 1).map((s) => rec(s)),
    );
  expect(segments(dir)).toHaveLength(3); // ids 1-120, 121-240, 241-300 (a commit is never split)
  const some = j.unforwarded(130);
  j.markForwarded(some.at(-1)!.id, some.length);
  j = await reopen(j, dir, { segmentRows: 120 }); // saves the cursor and deletes forwarded segments
  expect(segments(dir)).toHaveLength(2);
  expect(j.rows).toBe(180);
  expect(j.depth).toBe(170);
  expect(drain(j, 1000).map((r) => r.seq)).toEqual(seqs(170, 131));
  j = await reopen(j, dir, { segmentRows: 120 });
  expect(segments(dir)).toHaveLength(1); // the one being appended to stays
  expect(j.depth).toBe(0);
  await appendAll(j, [rec(301)]);
  expect(j.unforwarded(10).map((r) => r.id)).toEqual([301]);
});

it('stops acknowledging anything, duplicates included, once a commit has failed', async () => {
  const dir = tempDir('journal-fail-');
  const j = open(dir, { segmentRows: 2 });
  expect(await appendAll(j, [rec(1), rec(2)])).toEqual([null, null]);
  // The next commit needs a new segment file, which cannot be created where the directory was.
  fs.renameSync(dir, `${dir}-moved`);
  fs.writeFileSync(dir, 'not a directory');
  const errs = await appendAll(j, [rec(3), rec(1)]);
  expect(errs).toHaveLength(2);
  expect(errs.every((e) => e instanceof Error)).toBe(true);
  expect(j.failure).toBeInstanceOf(Error);
  expect(await appendAll(j, [rec(2), rec(4)])).toEqual([j.failure, j.failure]);
  await j.close(); // nothing forwarded, so no cursor to save where the directory was
});

it('refuses readings beyond maxRows unforwarded, without acknowledging them', async () => {
  const j = open(tempDir('journal-full-'), { maxRows: 50 });
  const errs = await appendAll(
    j,
    seqs(60).map((s) => rec(s)),
  );
  expect(errs.filter((e) => e === null)).toHaveLength(50);
  expect(errs.filter((e) => e instanceof JournalFullError)).toHaveLength(10);
  drain(j, 100);
  expect(
    await appendAll(
      j,
      seqs(10, 51).map((s) => rec(s)),
    ),
  ).toEqual(Array(10).fill(null));
});

it('moves the unforwarded backlog of an older edge.db journal table, once', async () => {
  const dir = tempDir('journal-legacy-');
  const db = openEdgeDb(dir);
  db.exec(`CREATE TABLE journal (id INTEGER PRIMARY KEY, device_id TEXT NOT NULL, boot_id INTEGER NOT NULL,
      seq INTEGER NOT NULL, metric TEXT NOT NULL, value REAL NOT NULL, measured_at_ms INTEGER NOT NULL,
      member_code TEXT, event_id TEXT, received_at_ms INTEGER NOT NULL, UNIQUE (device_id, boot_id, seq));
    CREATE TABLE journal_cursor (k INTEGER PRIMARY KEY, forwarded_id INTEGER NOT NULL);
    INSERT INTO journal_cursor VALUES (1, 5);`);
  const insert = db.prepare('INSERT INTO journal VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  for (const s of seqs(25)) {
    const r = rec(s);
    insert.run(
      s,
      r.deviceId,
      r.bootId,
      r.seq,
      r.metric,
      r.value,
      r.measuredAtMs,
      r.memberCode,
      r.eventId,
      42,
    );
  }
  const j = open(path.join(dir, 'journal'));
  expect(importLegacyJournal(db, j)).toBe(20);
  expect(importLegacyJournal(db, j)).toBe(0);
  db.close();
  const out = drain(j, 7);
  expect(out.map((r) => r.seq)).toEqual(seqs(20, 6));
  expect(out[0]).toMatchObject({ ...rec(6), receivedAtMs: 42 });
});

describe('seen identities', () => {
  it('knows what it saw, including gaps filled later, and vouches for nothing else', () => {
    const seen = new SeenReadings();
    const check = (seq: number, bootId = 1) => seen.checkAndAdd(rec(seq, 'd', bootId));
    expect([1, 2, 3, 5, 8].map((s) => check(s))).toEqual([false, false, false, false, false]);
    expect([1, 3, 5, 8].map((s) => check(s))).toEqual([true, true, true, true]);
    expect([4, 7, 6].map((s) => check(s))).toEqual([false, false, false]);
    expect([4, 6, 7].map((s) => check(s))).toEqual([true, true, true]);
    expect(check(0)).toBe(false); // below the first seen: unknown, so journaled
    expect(check(0)).toBe(true);
    expect(check(2, 2)).toBe(false); // a new boot
    expect(check(3, 1)).toBe(false); // the old boot again: no longer vouched for
  });

  it('forgets the oldest gaps rather than grow without bound, never claiming an unseen seq', () => {
    const seen = new SeenReadings();
    const check = (seq: number) => seen.checkAndAdd(rec(seq, 'd'));
    for (let s = 1; s <= 200; s += 2) check(s); // 99 one-seq gaps
    for (let s = 2; s <= 200; s += 2) expect(check(s)).toBe(false);
    for (let s = 150; s <= 199; s++) expect(check(s)).toBe(true);
  });
});
