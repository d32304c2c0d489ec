// The period a /api/metrics query covers, from its `from`/`to` (protocols/http/metrics.ts's PeriodQuery).
import type { Period } from '../../commerce/index.ts';
import { VitaliveError } from '../../protocols/index.ts';

/** Longest period one query may cover: keeps every query to a bounded number of day buckets. */
const MAX_PERIOD_DAYS = 3660;

export function periodOf(
  q: { from?: number | undefined; to?: number | undefined },
  nowMs = Date.now(),
): Period {
  const toMs = q.to ?? nowMs + 1;
  const fromMs = q.from ?? Math.max(0, toMs - MAX_PERIOD_DAYS * 86_400_000);
  if (fromMs >= toMs) throw new VitaliveError('METRICS_PERIOD_INVALID', { reason: 'from must be before to' });
  if (toMs - fromMs > MAX_PERIOD_DAYS * 86_400_000)
    throw new VitaliveError('METRICS_PERIOD_INVALID', { reason: `at most ${MAX_PERIOD_DAYS} days` });
  return { fromMs, toMs };
}
