// The journal's duplicate filter may forget (a forgotten reading is journaled twice and the sink ignores
// the copy) but must never claim to have seen a reading it did not: that reading would be acknowledged
// and dropped, lost for good. Checked against an exact model over random streams (replays, gaps of any
// width, late arrivals, reboots, several devices), and on the journal itself with real segment files.
import fs from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Journal } from '../../edge/journal.ts';
import { SeenReadings } from '../../edge/journal-dedup.ts';
import type { ReadingRecord } from '../../protocols/index.ts';
import { identity, tempDir } from '../helpers/edge.ts';

const rec = (seq: number, deviceId = 'd', bootId = 1): ReadingRecord => ({
  deviceId,
  bootId,
  seq,
  metric: 'SYSTOLIC_MMHG',
  value: 120,
  measuredAtMs: 1_700_000_000_000 + seq,
  memberCode: null,
  eventId: null,
});

/** One device's stream with `gaps` holes of `width` seqs each: 1, then a hole, one seq, a hole… */
function gappedStream(gaps: number, width: number): { sent: number[]; holes: number[][] } {
  const sent = [1];
  const holes: number[][] = [];
  let seq = 1;
  for (let g = 0; g < gaps; g++) {
    holes.push(Array.from({ length: width }, (_, i) => seq + 1 + i));
    seq += width + 1;
    sent.push(seq);
  }
  return { sent, holes };
}

describe('SeenReadings', () => {
  it('never vouches for an unseen reading, and knows every one it saw while it can keep track', () => {
    const step = fc.record({
      device: fc.constantFrom('a', 'b'),
      boot: fc.integer({ min: 1, max: 2 }),
      seq: fc.integer({ min: 0, max: 120 }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 400 }), (steps) => {
        const seen = new SeenReadings();
        const model = new Set<string>();
        for (const s of steps) {
          const id = identity({ deviceId: s.device, bootId: s.boot, seq: s.seq });
          const claimed = seen.checkAndAdd(rec(s.seq, s.device, s.boot));
          if (claimed) expect(model.has(id), `${id} claimed as seen`).toBe(true);
          model.add(id);
        }
      }),
      { numRuns: 300, seed: 14 },
    );
  });

  it('while one boot rises with at most 32 holes, every replay is recognised and every late one is new', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 1000 }),
        (gaps, width, start) => {
          const seen = new SeenReadings();
          const { sent, holes } = gappedStream(gaps, width);
          for (const s of sent) expect(seen.checkAndAdd(rec(start + s))).toBe(false);
          for (const s of sent) expect(seen.checkAndAdd(rec(start + s))).toBe(true);
          // The holes arrive late, each filled from both ends inwards (no hole is split in two).
          const late = holes.flatMap((h) =>
            h.map((_, i) => (i % 2 ? h[h.length - 1 - (i >> 1)]! : h[i >> 1]!)),
          );
          for (const s of late) expect(seen.checkAndAdd(rec(start + s)), `late ${s}`).toBe(false);
          for (const s of [...sent, ...late])
            expect(seen.checkAndAdd(rec(start + s)), `replay ${s}`).toBe(true);
        },
      ),
      { numRuns: 200, seed: 14 },
    );
  });

  it('keeps 32 holes per device; a 33rd forgets the oldest one, whose readings then count as new', () => {
    const seen = new SeenReadings();
    const { sent, holes } = gappedStream(33, 3);
    for (const s of sent.slice(0, 33)) seen.checkAndAdd(rec(s)); // 32 holes
    expect(seen.checkAndAdd(rec(1))).toBe(true); // still known
    seen.checkAndAdd(rec(sent[33]!)); // the 33rd hole
    // Below the new floor nothing is vouched for, the first reading included.
    expect(seen.checkAndAdd(rec(1))).toBe(false);
    // The forgotten hole's readings were never seen: all three must be taken, not claimed as duplicates.
    for (const s of holes[0]!) expect(seen.checkAndAdd(rec(s)), `seq ${s} of the forgotten hole`).toBe(false);
    // The holes still remembered are still open, and what was seen past them is still known.
    for (const s of holes[1]!) expect(seen.checkAndAdd(rec(s))).toBe(false);
    for (const s of sent.slice(2)) expect(seen.checkAndAdd(rec(s))).toBe(true);
  });

  it('a late reading that splits a hole in two past the limit also forgets the oldest hole, not a seen seq', () => {
    const seen = new SeenReadings();
    const { sent, holes } = gappedStream(32, 5);
    for (const s of sent) seen.checkAndAdd(rec(s));
    const middle = holes[31]![2]!;
    expect(seen.checkAndAdd(rec(middle))).toBe(false); // 33 holes now
    for (const s of holes[0]!) expect(seen.checkAndAdd(rec(s)), `seq ${s}`).toBe(false);
    for (const s of holes[31]!.filter((s) => s !== middle))
      expect(seen.checkAndAdd(rec(s)), `seq ${s}`).toBe(false);
    expect(seen.checkAndAdd(rec(middle))).toBe(true);
  });

  it('splitting a hole in two below the limit forgets nothing, whichever hole it is', () => {
    for (const split of [3, 7]) {
      const seen = new SeenReadings();
      for (const s of [1, 5, 10]) seen.checkAndAdd(rec(s)); // holes 2..4 and 6..9
      expect(seen.checkAndAdd(rec(split))).toBe(false);
      expect([1, 5, 10, split].map((s) => seen.checkAndAdd(rec(s)))).toEqual([true, true, true, true]);
      const open = [2, 3, 4, 6, 7, 8, 9].filter((s) => s !== split);
      expect(open.map((s) => seen.checkAndAdd(rec(s)))).toEqual(open.map(() => false));
    }
    // 31 holes, one split into two: 32, still within the limit, so the first reading is still known.
    const seen = new SeenReadings();
    const { sent, holes } = gappedStream(31, 3);
    for (const s of sent) seen.checkAndAdd(rec(s));
    expect(seen.checkAndAdd(rec(holes[5]![1]!))).toBe(false);
    expect(seen.checkAndAdd(rec(1))).toBe(true);
    expect(sent.map((s) => seen.checkAndAdd(rec(s)))).toEqual(sent.map(() => true));
  });

  it('extends its range down one seq at a time below the first reading it saw', () => {
    const seen = new SeenReadings();
    expect(seen.checkAndAdd(rec(10))).toBe(false);
    for (const s of [9, 8, 7]) {
      expect(seen.checkAndAdd(rec(s))).toBe(false);
      expect(seen.checkAndAdd(rec(s))).toBe(true);
    }
    expect(seen.checkAndAdd(rec(5))).toBe(false); // two below: unknown, taken
    expect(seen.checkAndAdd(rec(6))).toBe(false);
    expect(seen.checkAndAdd(rec(6))).toBe(true);
    expect(seen.checkAndAdd(rec(5))).toBe(false); // not vouched for: taken again
  });

  it('fills a hole from either end and keeps its other seqs open', () => {
    const seen = new SeenReadings();
    for (const s of [1, 7]) seen.checkAndAdd(rec(s)); // hole 2..6
    expect(seen.checkAndAdd(rec(2))).toBe(false);
    expect(seen.checkAndAdd(rec(6))).toBe(false);
    expect([2, 6].map((s) => seen.checkAndAdd(rec(s)))).toEqual([true, true]);
    expect([3, 4, 5].map((s) => seen.checkAndAdd(rec(s)))).toEqual([false, false, false]);
    expect([1, 2, 3, 4, 5, 6, 7].map((s) => seen.checkAndAdd(rec(s)))).toEqual(Array(7).fill(true));
  });

  it('keeps devices apart and forgets everything on clear', () => {
    const seen = new SeenReadings();
    seen.checkAndAdd(rec(1, 'a'));
    expect(seen.checkAndAdd(rec(1, 'b'))).toBe(false);
    expect(seen.checkAndAdd(rec(1, 'a'))).toBe(true);
    seen.clear();
    expect(seen.checkAndAdd(rec(1, 'a'))).toBe(false);
    expect(seen.checkAndAdd(rec(1, 'b'))).toBe(false);
  });
});

describe('journal with a lossy link', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('journals and forwards every reading a device resends after many multi-seq holes', async () => {
    const dir = tempDir('journal-dedup-');
    dirs.push(dir);
    const j = new Journal(dir, { maxRows: 10_000, maxTail: 500, segmentRows: 1000 });
    const { sent, holes } = gappedStream(40, 3);
    const late = holes.flat();
    const acked: (Error | null)[] = [];
    for (const s of sent) j.append(rec(s), (e) => acked.push(e ?? null));
    await j.flush();
    for (const s of late) j.append(rec(s), (e) => acked.push(e ?? null));
    await j.flush();
    expect(acked).toEqual(Array(sent.length + late.length).fill(null));
    const forwarded = new Set<number>();
    for (let b = j.unforwarded(100); b.length > 0; b = j.unforwarded(100)) {
      for (const r of b) forwarded.add(r.seq);
      j.markForwarded(b.at(-1)!.id, b.length);
    }
    const missing = [...sent, ...late].filter((s) => !forwarded.has(s));
    expect(missing).toEqual([]);
    await j.close();
  });
});
