// When the journal acknowledges (which lets the broker send the PUBACK): a reading only once its frame is
// in a segment file, a duplicate only once its first copy is; flush and close wait for a commit in flight,
// also one an acknowledgement started;
// a closed journal, or a commit that failed on the disk, acknowledges nothing more, duplicates of the
// lost reading included; listeners hear of commits that added readings; past maxTail readings are not
// kept in memory; an empty segment left by a crash loses nothing.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Journal, type JournalOptions } from '../../edge/journal.ts';
import { decodeFrame, segmentName } from '../../edge/journal-file.ts';
import type { ReadingRecord } from '../../protocols/index.ts';
import { identity, tempDir } from '../helpers/edge.ts';

const OPTS: JournalOptions = { maxRows: 10_000, maxTail: 500, segmentRows: 1000 };

const dirs: string[] = [];
const journals: Journal[] = [];
afterAll(async () => {
  for (const j of journals) await j.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function open(
  opts: Partial<JournalOptions> = {},
  dir = tempDir('journal-ack-'),
): { j: Journal; dir: string } {
  dirs.push(dir);
  const j = new Journal(dir, { ...OPTS, ...opts });
  journals.push(j);
  return { j, dir };
}

const rec = (seq: number): ReadingRecord => ({
  deviceId: 'cuff-9',
  bootId: 2,
  seq,
  metric: 'SYSTOLIC_MMHG',
  value: 100 + seq,
  measuredAtMs: 1_700_000_000_000 + seq,
  memberCode: null,
  eventId: null,
});

/** Identities of the whole frames in the dir's segment files, read straight from disk. */
function onDisk(dir: string): Set<string> {
  const seen = new Set<string>();
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.log'))) {
    const buf = fs.readFileSync(path.join(dir, name));
    for (let f = decodeFrame(buf, 0, buf.length); f; f = decodeFrame(buf, f.end, buf.length))
      seen.add(identity(f.reading));
  }
  return seen;
}

/** The next turn of the event loop: a commit scheduled in this one has started (its write is in flight). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

it('acknowledges a reading only once its frame is on disk, and a duplicate only once its first copy is', async () => {
  const { j, dir } = open();
  const acks: { seq: number; err: Error | null; wasOnDisk: boolean }[] = [];
  const append = (seq: number) =>
    j.append(rec(seq), (err) =>
      acks.push({ seq, err: err ?? null, wasOnDisk: onDisk(dir).has(identity(rec(seq))) }),
    );
  const before = Date.now();
  for (const s of [1, 2, 3, 1]) append(s); // a duplicate within the batch
  await nextTurn(); // that commit is now in flight
  for (const s of [3, 4]) append(s); // a duplicate of a reading still being written, and a new one
  await nextTurn();
  append(4); // a duplicate alone in its commit
  await j.flush();
  const after = Date.now();
  expect(acks).toEqual([1, 2, 3, 1, 3, 4, 4].map((seq) => ({ seq, err: null, wasOnDisk: true })));
  expect([j.accepted, j.duplicates, j.depth, j.rows]).toEqual([4, 3, 4, 4]);
  // Each reading carries the time its commit started.
  for (const r of j.unforwarded(10)) {
    expect(r.receivedAtMs).toBeGreaterThanOrEqual(before);
    expect(r.receivedAtMs).toBeLessThanOrEqual(after);
  }
});

it('flush called from an acknowledgement waits for the reading that acknowledgement appended', async () => {
  const { j, dir } = open();
  const acked: number[] = [];
  let flushed: Promise<void> | undefined;
  j.append(rec(1), (e) => {
    if (e) return;
    acked.push(1);
    // A device's next reading arriving in the same turn as the PUBACK of its last one.
    j.append(rec(2), (e2) => e2 || acked.push(2));
    flushed = j.flush();
  });
  await j.flush();
  await flushed;
  expect(acked).toEqual([1, 2]);
  expect(onDisk(dir).has(identity(rec(2)))).toBe(true);
});

it('flush and close wait for the commit in flight and what queued behind it', async () => {
  const { j, dir } = open();
  const acked: number[] = [];
  j.append(rec(1), (e) => e || acked.push(1));
  await nextTurn();
  await j.flush(); // nothing queued, but a write in flight
  expect(acked).toEqual([1]);
  j.append(rec(2), (e) => e || acked.push(2));
  await nextTurn();
  j.append(rec(3), (e) => e || acked.push(3));
  await j.flush();
  expect(acked).toEqual([1, 2, 3]);
  await j.flush(); // nothing queued: resolves at once
  j.append(rec(4), (e) => e || acked.push(4));
  await nextTurn();
  j.append(rec(5), (e) => e || acked.push(5));
  await j.close();
  expect(acked).toEqual([1, 2, 3, 4, 5]);
  expect([...onDisk(dir)]).toEqual([1, 2, 3, 4, 5].map((s) => identity(rec(s))));
});

it('a closed journal refuses appends with an error and writes nothing', async () => {
  const { j, dir } = open();
  await new Promise<void>((resolve) => j.append(rec(1), () => resolve()));
  await j.close();
  const errs: (Error | null | undefined)[] = [];
  j.append(rec(2), (e) => errs.push(e));
  j.append(rec(1), (e) => errs.push(e));
  expect(errs.map((e) => e?.message)).toEqual(['journal closed', 'journal closed']);
  await j.close(); // idempotent
  await nextTurn();
  expect([...onDisk(dir)]).toEqual([identity(rec(1))]);
});

it('after a write fails on the disk, acknowledges nothing queued behind it, not even a copy of the lost reading', async () => {
  const { j, dir } = open({ segmentRows: 2 });
  const errs = new Map<string, Error | null>();
  const append = (seq: number, tag = String(seq)) => j.append(rec(seq), (e) => errs.set(tag, e ?? null));
  append(1);
  append(2);
  await j.flush();
  // The next segment file is a device that refuses every write (ENOSPC), as a full disk would.
  fs.symlinkSync('/dev/full', path.join(dir, segmentName(3)));
  let commits = 0;
  j.onAppend(() => commits++);
  append(3);
  await nextTurn(); // the write of 3 is in flight
  append(3, '3 again');
  append(1, '1 again');
  append(4);
  await j.flush();
  expect(errs.get('1')).toBeNull();
  expect(errs.get('2')).toBeNull();
  for (const tag of ['3', '3 again', '1 again', '4']) {
    expect(errs.get(tag), tag).toBeInstanceOf(Error);
    expect((errs.get(tag) as NodeJS.ErrnoException).code, tag).toBe('ENOSPC');
  }
  expect(j.failure).toBe(errs.get('3'));
  expect(commits).toBe(0);
  expect([j.accepted, j.depth]).toEqual([2, 2]);
  append(5);
  expect(errs.get('5')).toBe(j.failure);
});

it('tells listeners of each commit that added readings, not of one that only had duplicates', async () => {
  const { j } = open();
  let heard = 0;
  const stop = j.onAppend(() => {
    heard++;
    expect(j.unforwarded(100).length).toBe(j.depth); // what they are told of is there to forward
  });
  for (const s of [1, 2, 3]) j.append(rec(s), () => {});
  await j.flush();
  expect(heard).toBe(1);
  j.append(rec(2), () => {});
  await j.flush();
  expect(heard).toBe(1);
  j.append(rec(4), () => {});
  await j.flush();
  expect(heard).toBe(2);
  stop();
  j.append(rec(5), () => {});
  await j.flush();
  expect(heard).toBe(2);
});

it('an empty segment file left by a crash takes a commit larger than a segment and loses none of it', async () => {
  const dir = tempDir('journal-ack-empty-');
  // A crash between creating the next segment file and writing to it.
  fs.writeFileSync(path.join(dir, segmentName(1)), '');
  let { j } = open({ segmentRows: 4 }, dir);
  const errs: (Error | null)[] = [];
  for (let s = 1; s <= 10; s++) j.append(rec(s), (e) => errs.push(e ?? null));
  await j.flush();
  expect(errs).toEqual(Array(10).fill(null));
  await j.close();
  ({ j } = open({ segmentRows: 4 }, dir));
  expect(j.depth).toBe(10);
  expect(j.unforwarded(100).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
});

it('keeps committed readings in memory only up to maxTail; beyond it the forwarder reads them from disk', async () => {
  const { j } = open({ maxTail: 5 });
  for (let s = 1; s <= 5; s++) j.append(rec(s), () => {});
  await j.flush();
  // Within the bound: served from memory, the very objects committed.
  expect(j.unforwarded(2)[0]).toBe(j.unforwarded(2)[0]);
  for (let s = 6; s <= 12; s++) j.append(rec(s), () => {});
  await j.flush();
  // Over it: each read decodes the segment again, and nothing is lost.
  const [a, b] = [j.unforwarded(3), j.unforwarded(3)];
  expect(a[0]).not.toBe(b[0]);
  expect(a).toEqual(b);
  expect(a.map((r) => r.seq)).toEqual([1, 2, 3]);
});
