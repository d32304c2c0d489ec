// Paid GMV over time: the paid orders' totals (order_facts, written when a payment lands) summed per
// bucket of a period, one point per bucket including the empty ones. Buckets start at the period's start,
// so a client that starts its period on its own local hour gets local hours. A channel manager's series
// counts only orders attributed to their channels at payment, as every other figure does.
import { type Kysely, sql } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import type { Database } from '../schema.ts';
import type { Period } from './queries.ts';

export const GMV_BUCKETS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
export type GmvBucket = keyof typeof GMV_BUCKETS;
/** Points one series may have: a day by the minute, bounded so one answer stays small. */
export const GMV_MAX_POINTS = 1_500;

export interface GmvPoint {
  atMs: number;
  paidGmvMinor: number;
  ordersPaid: number;
}

export interface GmvSeries {
  fromMs: number;
  toMs: number;
  bucketMs: number;
  currency: string | null;
  points: GmvPoint[];
}

export async function gmvSeries(
  db: Kysely<Database>,
  period: Period,
  bucket: GmvBucket,
  channelIds?: readonly string[],
): Promise<GmvSeries> {
  const bucketMs = GMV_BUCKETS[bucket];
  const count = Math.ceil((period.toMs - period.fromMs) / bucketMs);
  if (count > GMV_MAX_POINTS)
    throw new VitaliveError('METRICS_PERIOD_INVALID', {
      reason: `at most ${GMV_MAX_POINTS} ${bucket} buckets`,
    });
  const points: GmvPoint[] = Array.from({ length: count }, (_, i) => ({
    atMs: period.fromMs + i * bucketMs,
    paidGmvMinor: 0,
    ordersPaid: 0,
  }));
  const series = { fromMs: period.fromMs, toMs: period.toMs, bucketMs, currency: null, points };
  // No channel: nothing to read (`in ()` is no SQL).
  if (channelIds?.length === 0) return series;
  // SQLite binds a JS number as a real, so the quotient is cut to an integer explicitly (paid_at_ms ≥ from,
  // so cutting is flooring).
  const index = sql<number>`cast((${sql.ref('paid_at_ms')} - ${period.fromMs}) / ${bucketMs} as integer)`;
  let q = db
    .selectFrom('order_facts')
    .select([
      index.as('bucket'),
      (eb) => eb.fn.sum<number>('total_minor').as('gmv'),
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.max('currency').as('currency'),
    ])
    .where('paid_at_ms', '>=', period.fromMs)
    .where('paid_at_ms', '<', period.toMs);
  if (channelIds) q = q.where('channel_id', 'in', [...channelIds]);
  // By position: PostgreSQL cannot tell that the select's and a GROUP BY's copies (with their own
  // placeholders) are one expression.
  const rows = await q.groupBy(sql`1`).execute();
  let currency: string | null = null;
  for (const r of rows) {
    const p = points[Number(r.bucket)];
    if (!p) continue;
    p.paidGmvMinor = Number(r.gmv);
    p.ordersPaid = Number(r.n);
    currency ??= r.currency;
  }
  return { ...series, currency };
}
