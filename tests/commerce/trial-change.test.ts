// The arithmetic of trial results: which readings make the before/after pair, the change and its
// direction relative to the product's range, the median, and the share that moved towards the range.
import { describe, expect, it } from 'vitest';
import {
  aggregateTrialChanges,
  directionOf,
  distanceToRange,
  median,
  type TrialChange,
  trialChange,
} from '../../commerce/followups/index.ts';

const BODY_FAT = { min: 18, max: 28 };
const DAY = 86_400_000;

describe('trial change', () => {
  it('pairs the last reading before the purchase with the latest after it', () => {
    const bought = 10 * DAY;
    const readings = [
      { value: 35, atMs: 1 * DAY },
      { value: 33.4, atMs: 9 * DAY }, // last before
      { value: 99, atMs: bought }, // at the purchase instant: neither before nor after
      { value: 32.8, atMs: 20 * DAY },
      { value: 31.3, atMs: 40 * DAY }, // latest after
      { value: 32, atMs: 30 * DAY },
    ];
    expect(trialChange('BODY_FAT_PCT', BODY_FAT, readings, bought)).toEqual({
      metric: 'BODY_FAT_PCT',
      before: 33.4,
      after: 31.3,
      change: -2.1,
      beforeAtMs: 9 * DAY,
      afterAtMs: 40 * DAY,
      direction: 'improved',
    });
  });

  it('is null without a reading on both sides', () => {
    expect(trialChange('M', BODY_FAT, [{ value: 30, atMs: 1 }], 5)).toBeNull();
    expect(trialChange('M', BODY_FAT, [{ value: 30, atMs: 9 }], 5)).toBeNull();
    expect(trialChange('M', BODY_FAT, [], 5)).toBeNull();
  });

  it('measures the distance to the range, 0 inside it', () => {
    expect(distanceToRange(30, BODY_FAT)).toBe(2);
    expect(distanceToRange(15, BODY_FAT)).toBe(3);
    expect(distanceToRange(18, BODY_FAT)).toBe(0);
    expect(distanceToRange(28, BODY_FAT)).toBe(0);
  });

  it('calls a move closer to the range improved, further worse, the same distance unchanged', () => {
    expect(directionOf(33, 30, BODY_FAT)).toBe('improved');
    expect(directionOf(14, 16, BODY_FAT)).toBe('improved');
    expect(directionOf(30, 25, BODY_FAT)).toBe('improved');
    expect(directionOf(30, 33, BODY_FAT)).toBe('worse');
    expect(directionOf(25, 29, BODY_FAT)).toBe('worse');
    // Inside both times: nothing moved towards the range.
    expect(directionOf(20, 27, BODY_FAT)).toBe('unchanged');
    // From 2 above to 2 below: as far from the range as before.
    expect(directionOf(30, 16, BODY_FAT)).toBe('unchanged');
    // Float noise does not decide: 30.1 − 28 and 28.1 + 2 are both "2.1 away".
    expect(directionOf(30.1, 30.1000000001, BODY_FAT)).toBe('unchanged');
  });

  it('takes the median of odd and even counts, unsorted input', () => {
    expect(median([3])).toBe(3);
    expect(median([5, -1, 2])).toBe(2);
    expect(median([4, -2, 1, 3])).toBe(2);
    expect(median([-2.1, -0.4])).toBe(-1.25);
    expect(() => median([])).toThrow(RangeError);
  });

  it('aggregates per metric: people, median change, share towards the range', () => {
    const c = (metric: string, change: number, direction: TrialChange['direction']): TrialChange => ({
      metric,
      before: 0,
      after: change,
      change,
      beforeAtMs: 0,
      afterAtMs: 1,
      direction,
    });
    expect(
      aggregateTrialChanges([
        c('BODY_FAT_PCT', -2, 'improved'),
        c('WEIGHT_KG', 1, 'worse'),
        c('BODY_FAT_PCT', -1, 'improved'),
        c('BODY_FAT_PCT', 0.5, 'worse'),
      ]),
    ).toEqual([
      { metric: 'BODY_FAT_PCT', people: 3, medianChange: -1, towardsRangeShare: 0.6667 },
      { metric: 'WEIGHT_KG', people: 1, medianChange: 1, towardsRangeShare: 0 },
    ]);
    expect(aggregateTrialChanges([])).toEqual([]);
  });
});
