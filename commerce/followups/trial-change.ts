// The arithmetic of trial results, pure: how a metric changed between the last reading before a
// purchase and the latest after it, whether that moved towards the product's range, and the figures
// over many people (count, median change, share that moved towards the range).

export interface Range {
  min: number;
  max: number;
}

export type Direction = 'improved' | 'unchanged' | 'worse';

export interface TrialChange {
  metric: string;
  before: number;
  after: number;
  /** after − before, rounded to 0.01 (device values carry at most two decimals of meaning). */
  change: number;
  beforeAtMs: number;
  afterAtMs: number;
  direction: Direction;
}

/** How far a value lies outside [min, max]; 0 inside it. */
export function distanceToRange(value: number, range: Range): number {
  if (value < range.min) return range.min - value;
  if (value > range.max) return value - range.max;
  return 0;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Improved: the latest reading lies closer to the range than the one before the purchase (or inside
 * it, having been outside); worse: further away; unchanged: the same distance (inside the range both
 * times counts as unchanged — nothing moved towards it). Distances are compared at 0.01 so float noise
 * (72.1 − 70 vs 2.1) never decides.
 */
export function directionOf(before: number, after: number, range: Range): Direction {
  const d0 = round2(distanceToRange(before, range));
  const d1 = round2(distanceToRange(after, range));
  if (d1 < d0) return 'improved';
  if (d1 > d0) return 'worse';
  return 'unchanged';
}

export interface TimedValue {
  value: number;
  atMs: number;
}

/**
 * The change of one metric around a purchase at `purchasedAtMs`: the last reading strictly before it
 * and the latest strictly after it. Null without both.
 */
export function trialChange(
  metric: string,
  range: Range,
  readings: readonly TimedValue[],
  purchasedAtMs: number,
): TrialChange | null {
  let before: TimedValue | undefined;
  let after: TimedValue | undefined;
  for (const r of readings) {
    if (r.atMs < purchasedAtMs) {
      if (!before || r.atMs > before.atMs) before = r;
    } else if (r.atMs > purchasedAtMs) {
      if (!after || r.atMs > after.atMs) after = r;
    }
  }
  if (!before || !after) return null;
  return {
    metric,
    before: before.value,
    after: after.value,
    change: round2(after.value - before.value),
    beforeAtMs: before.atMs,
    afterAtMs: after.atMs,
    direction: directionOf(before.value, after.value, range),
  };
}

/** The median of a non-empty list (the mean of the middle two for an even count), rounded to 0.01. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of nothing');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return round2(s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2);
}

export interface MetricAggregate {
  metric: string;
  /** People with a before/after pair for this metric. */
  people: number;
  medianChange: number;
  /** Share (0..1, 4 decimals) whose latest reading moved towards the range. */
  towardsRangeShare: number;
}

/** Per metric over one person's change each (callers pass one change per person and metric). */
export function aggregate(changes: readonly TrialChange[]): MetricAggregate[] {
  const byMetric = new Map<string, TrialChange[]>();
  for (const c of changes) byMetric.set(c.metric, [...(byMetric.get(c.metric) ?? []), c]);
  return [...byMetric.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([metric, cs]) => ({
      metric,
      people: cs.length,
      medianChange: median(cs.map((c) => c.change)),
      towardsRangeShare:
        Math.round((cs.filter((c) => c.direction === 'improved').length / cs.length) * 10_000) / 10_000,
    }));
}
