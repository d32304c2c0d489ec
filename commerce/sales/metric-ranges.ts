// The reading ranges a product addresses: each names a metric the devices measure, once, with
// min < max inside that metric's physical range (a range outside it could never match a reading, and
// usually means a unit mix-up such as mg/dL for mmol/L).
import { METRIC_RANGES, VitaliveError } from '../../protocols/index.ts';
import type { MetricRange } from './views.ts';

const PHYSICAL = new Map(Object.values(METRIC_RANGES).map((r) => [r.name, r]));

/** Throws a coded error for the first range that is not acceptable; returns the ranges otherwise. */
export function checkMetricRanges(ranges: readonly MetricRange[]): MetricRange[] {
  const seen = new Set<string>();
  for (const r of ranges) {
    const physical = PHYSICAL.get(r.metric);
    if (!physical) throw new VitaliveError('VALIDATION_FAILED', { reason: `unknown metric ${r.metric}` });
    if (seen.has(r.metric))
      throw new VitaliveError('VALIDATION_FAILED', { reason: `metric ${r.metric} is listed twice` });
    seen.add(r.metric);
    const ok =
      Number.isFinite(r.min) &&
      Number.isFinite(r.max) &&
      r.min < r.max &&
      r.min >= physical.min &&
      r.max <= physical.max;
    if (!ok)
      throw new VitaliveError('METRIC_RANGE_INVALID', {
        metric: r.metric,
        lower: physical.min,
        upper: physical.max,
      });
  }
  return ranges.map((r) => ({ metric: r.metric, min: r.min, max: r.max }));
}

/** Tags as given, trimmed of repeats (order kept). */
export function uniqueTags(tags: readonly string[]): string[] {
  return [...new Set(tags)];
}
