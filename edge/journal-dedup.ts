// Which reading identities (device_id, boot_id, seq) the journal already holds, in memory. Per device it
// keeps the latest boot's seen seqs as the range (floor, high] minus a few gaps, which is exact for the
// usual stream (seqs rising by one per boot, replays and DUPs of earlier ones). Anything it cannot vouch
// for (an older boot, below the floor, too many gaps) counts as unseen: journaling a reading twice only
// costs a duplicate the idempotent sink ignores, while skipping an unseen one would lose it.
import type { ReadingRecord } from '../protocols/index.ts';

/** Gaps remembered per device; beyond it the oldest gap is forgotten by raising the floor. */
const MAX_GAPS = 32;

type DeviceSeqs = {
  bootId: number;
  /** Seqs at or below it are unknown. */
  floor: number;
  /** Highest seq seen. */
  high: number;
  /** Unseen ranges inside (floor, high], as [lo, hi] pairs in ascending order. */
  gaps: number[];
};

export class SeenReadings {
  readonly #devices = new Map<string, DeviceSeqs>();

  /** True when the identity was seen before; otherwise records it as seen and returns false. */
  checkAndAdd(r: ReadingRecord): boolean {
    const s = this.#devices.get(r.deviceId);
    const seq = r.seq;
    if (!s || s.bootId !== r.bootId) {
      this.#devices.set(r.deviceId, { bootId: r.bootId, floor: seq - 1, high: seq, gaps: [] });
      return false;
    }
    if (seq > s.high) {
      if (seq > s.high + 1) {
        s.gaps.push(s.high + 1, seq - 1);
        if (s.gaps.length > 2 * MAX_GAPS) s.floor = s.gaps.splice(0, 2)[1]!;
      }
      s.high = seq;
      return false;
    }
    if (seq <= s.floor) {
      // Unknown: remember it only if it extends the range downwards by one.
      if (seq === s.floor) s.floor--;
      return false;
    }
    for (let i = 0; i < s.gaps.length; i += 2) {
      const lo = s.gaps[i]!;
      const hi = s.gaps[i + 1]!;
      if (seq < lo) break;
      if (seq > hi) continue;
      if (lo === hi) s.gaps.splice(i, 2);
      else if (seq === lo) s.gaps[i] = lo + 1;
      else if (seq === hi) s.gaps[i + 1] = hi - 1;
      else {
        s.gaps.splice(i + 1, 0, seq - 1, seq + 1);
        if (s.gaps.length > 2 * MAX_GAPS) s.floor = s.gaps.splice(0, 2)[1]!;
      }
      return false;
    }
    return true;
  }

  /** Forget everything (after a failed commit, when what was marked seen may not be on disk). */
  clear(): void {
    this.#devices.clear();
  }
}
