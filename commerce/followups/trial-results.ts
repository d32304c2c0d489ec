// Trial results read from the store: for a buyer of a product with reading ranges, the change of each
// related metric around their first paid order of it; and per product and channel, the aggregates over
// consenting buyers (the arithmetic is in trial-change.ts). Who may see which is decided by the caller.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import {
  aggregate,
  type MetricAggregate,
  type Range,
  type TrialChange,
  trialChange,
} from './trial-change.ts';

export interface ProductTrial {
  productId: string;
  productTitle: string;
  orderId: string;
  purchasedAtMs: number;
  changes: TrialChange[];
}

export interface TrialAggregate {
  productId: string;
  productTitle: string;
  channelId: string;
  /** Consenting buyers with a before/after pair for at least one metric. */
  people: number;
  metrics: MetricAggregate[];
}

/** Orders count once paid and not refunded. */
const PAID = ['paid', 'fulfilled', 'completed'] as const;

interface Purchase {
  personId: string;
  productId: string;
  titles: string;
  metrics: string;
  orderId: string;
  paidAtMs: number;
  channelId: string | null;
}

function rangesOf(json: string): Array<{ metric: string } & Range> {
  try {
    const parsed = JSON.parse(json) as Array<{ metric: string; min: number; max: number }>;
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

function titleOf(json: string): string {
  try {
    const t = JSON.parse(json) as Record<string, string>;
    return t.en ?? Object.values(t)[0] ?? '';
  } catch {
    return '';
  }
}

/** The first paid order per (person, product) of products that carry ranges. */
async function purchases(
  db: Kysely<Database>,
  where: { personId?: string; channelIds?: readonly string[] | undefined; consentedOnly?: boolean },
): Promise<Purchase[]> {
  let q = db
    .selectFrom('orders as o')
    .innerJoin('skus as s', 's.id', 'o.sku_id')
    .innerJoin('products as pr', 'pr.id', 's.product_id')
    .innerJoin('people as p', 'p.id', 'o.person_id')
    .leftJoin('order_facts as f', 'f.order_id', 'o.id')
    .select([
      'o.person_id',
      'pr.id as product_id',
      'pr.titles',
      'pr.metrics',
      'o.id as order_id',
      'o.paid_at_ms',
      'f.channel_id',
    ])
    .where('o.status', 'in', [...PAID])
    .where('o.paid_at_ms', 'is not', null)
    .where('pr.metrics', '<>', '[]');
  if (where.personId) q = q.where('o.person_id', '=', where.personId);
  if (where.channelIds) q = q.where('f.channel_id', 'in', [...where.channelIds]);
  if (where.consentedOnly) q = q.where('p.consent_health_data', '=', 1);
  const rows = await q.orderBy('o.paid_at_ms').orderBy('o.id').execute();
  const first = new Map<string, Purchase>();
  for (const r of rows) {
    const key = `${r.person_id}\u0000${r.product_id}`;
    if (first.has(key)) continue;
    first.set(key, {
      personId: r.person_id,
      productId: r.product_id,
      titles: r.titles,
      metrics: r.metrics,
      orderId: r.order_id,
      paidAtMs: Number(r.paid_at_ms),
      channelId: r.channel_id,
    });
  }
  return [...first.values()];
}

/** Readings of these people for these metrics, grouped by person and metric. */
async function readingsOf(
  db: Kysely<Database>,
  personIds: readonly string[],
  metrics: readonly string[],
): Promise<Map<string, Array<{ value: number; atMs: number }>>> {
  const out = new Map<string, Array<{ value: number; atMs: number }>>();
  if (personIds.length === 0 || metrics.length === 0) return out;
  for (let i = 0; i < personIds.length; i += 500) {
    const rows = await db
      .selectFrom('readings')
      .select(['person_id', 'metric', 'value', 'measured_at_ms'])
      .where('person_id', 'in', personIds.slice(i, i + 500))
      .where('metric', 'in', [...metrics])
      .execute();
    for (const r of rows) {
      const key = `${r.person_id}\u0000${r.metric}`;
      const list = out.get(key) ?? [];
      list.push({ value: Number(r.value), atMs: Number(r.measured_at_ms) });
      out.set(key, list);
    }
  }
  return out;
}

function changesOf(p: Purchase, readings: Map<string, Array<{ value: number; atMs: number }>>) {
  const changes: TrialChange[] = [];
  for (const r of rangesOf(p.metrics)) {
    const c = trialChange(r.metric, r, readings.get(`${p.personId}\u0000${r.metric}`) ?? [], p.paidAtMs);
    if (c) changes.push(c);
  }
  return changes;
}

/** One person's trials: every product with ranges they bought, with the metrics that have a pair. */
export async function personTrials(db: Kysely<Database>, personId: string): Promise<ProductTrial[]> {
  const bought = await purchases(db, { personId });
  const metrics = [...new Set(bought.flatMap((p) => rangesOf(p.metrics).map((r) => r.metric)))];
  const readings = await readingsOf(db, [personId], metrics);
  return bought.map((p) => ({
    productId: p.productId,
    productTitle: titleOf(p.titles),
    orderId: p.orderId,
    purchasedAtMs: p.paidAtMs,
    changes: changesOf(p, readings),
  }));
}

/**
 * Per product and channel (the buyer's channel at payment), over consenting buyers only. Groups with
 * fewer than `minPeople` people with a pair are left out.
 */
export async function trialAggregates(
  db: Kysely<Database>,
  opts: { channelIds?: readonly string[] | undefined; minPeople: number },
): Promise<TrialAggregate[]> {
  if (opts.channelIds?.length === 0) return [];
  const bought = (await purchases(db, { channelIds: opts.channelIds, consentedOnly: true })).filter(
    (p) => p.channelId !== null,
  );
  const metrics = [...new Set(bought.flatMap((p) => rangesOf(p.metrics).map((r) => r.metric)))];
  const readings = await readingsOf(db, [...new Set(bought.map((p) => p.personId))], metrics);
  const groups = new Map<string, { p: Purchase; changes: TrialChange[]; people: number }>();
  for (const p of bought) {
    const changes = changesOf(p, readings);
    if (changes.length === 0) continue;
    const key = `${p.productId}\u0000${p.channelId}`;
    const g = groups.get(key) ?? { p, changes: [], people: 0 };
    g.changes.push(...changes);
    g.people++;
    groups.set(key, g);
  }
  return [...groups.values()]
    .filter((g) => g.people >= opts.minPeople)
    .map((g) => ({
      productId: g.p.productId,
      productTitle: titleOf(g.p.titles),
      channelId: g.p.channelId!,
      people: g.people,
      metrics: aggregate(g.changes),
    }))
    .sort((a, b) => a.productId.localeCompare(b.productId) || a.channelId.localeCompare(b.channelId));
}
