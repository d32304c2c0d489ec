// Small helpers every rollup shares: UTC day buckets, additive upserts into counter rows, and "first
// time" keys that make distinct counts distinct under redelivery.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';

export const DAY_MS = 86_400_000;

/** UTC midnight of the day containing `ms`. */
export function dayOf(ms: number): number {
  return ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
}

type CounterTable = 'channel_daily' | 'event_funnel' | 'referrer_daily';

/**
 * Adds `changes` to the row identified by `key` (created at zero first): one upsert, so concurrent
 * writers on PostgreSQL add up instead of overwriting each other.
 */
export async function addTo(
  trx: Kysely<Database>,
  table: CounterTable,
  key: Record<string, string | number>,
  changes: Record<string, number>,
): Promise<void> {
  const entries = Object.entries(changes).filter(([, n]) => n !== 0);
  if (entries.length === 0) return;
  const set: Record<string, unknown> = {};
  for (const [column, n] of entries) set[column] = sql`${sql.ref(`${table}.${column}`)} + ${n}`;
  await (trx as unknown as Kysely<Record<string, Record<string, unknown>>>)
    .insertInto(table)
    .values({ ...key, ...Object.fromEntries(entries) })
    .onConflict((oc) => oc.columns(Object.keys(key)).doUpdateSet(set))
    .execute();
}

/** Inserts the key; true when it is new (the actor reached this stage in this scope for the first time). */
export async function firstTime(
  trx: Kysely<Database>,
  scope: string,
  stage: string,
  actor: string,
): Promise<boolean> {
  const res = await trx
    .insertInto('rollup_keys')
    .values({ scope, stage, actor })
    .onConflict((oc) => oc.columns(['scope', 'stage', 'actor']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
}
