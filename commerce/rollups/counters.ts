// Small helpers every rollup shares: UTC day buckets, counter changes summed in memory over a batch and
// written as additive multi-row upserts, and "first time" keys that make distinct counts distinct under
// redelivery.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';

export const DAY_MS = 86_400_000;

/** UTC midnight of the day containing `ms`. */
export function dayOf(ms: number): number {
  return ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
}

export type CounterTable = 'channel_daily' | 'event_funnel' | 'referrer_daily' | 'live_funnel';

type Key = Record<string, string | number>;

/**
 * Bound parameters per statement: PostgreSQL allows 65,535 and SQLite (as bundled) 32,766; staying
 * well under both keeps one statement per few hundred rows.
 */
const MAX_PARAMS = 30_000;

export interface UpsertOptions {
  /** Extra assignments when the row exists (besides adding the counters). */
  onUpdate?: Record<string, unknown>;
}

/**
 * Adds each row's counters to the row with its key (created from these values when missing), in one
 * statement per chunk of rows. Additive updates let concurrent writers on PostgreSQL add up instead of
 * overwriting each other; rows go in key order so two such statements lock rows in the same order and
 * cannot deadlock. Each key must appear once.
 */
export async function addRows(
  trx: Kysely<Database>,
  table: CounterTable,
  keyColumns: readonly string[],
  rows: ReadonlyArray<{ key: Key; changes: Record<string, number>; values?: Record<string, unknown> }>,
  opts: UpsertOptions = {},
): Promise<void> {
  if (rows.length === 0) return;
  const counters = [...new Set(rows.flatMap((r) => Object.keys(r.changes)))].sort();
  const extras = [...new Set(rows.flatMap((r) => Object.keys(r.values ?? {})))].sort();
  const values = rows
    .map((r) => {
      const v: Record<string, unknown> = { ...r.key };
      for (const c of counters) v[c] = r.changes[c] ?? 0;
      for (const c of extras) v[c] = r.values?.[c] ?? null;
      return v;
    })
    .sort((a, b) => compareKeys(a, b, keyColumns));
  const set: Record<string, unknown> = { ...opts.onUpdate };
  for (const c of counters) set[c] = sql`${sql.ref(`${table}.${c}`)} + ${sql.ref(`excluded.${c}`)}`;
  const perStatement = Math.max(
    1,
    Math.floor(MAX_PARAMS / (keyColumns.length + counters.length + extras.length)),
  );
  const db = trx as unknown as Kysely<Record<string, Record<string, unknown>>>;
  for (let i = 0; i < values.length; i += perStatement)
    await db
      .insertInto(table)
      .values(values.slice(i, i + perStatement))
      .onConflict((oc) => oc.columns([...keyColumns]).doUpdateSet(set))
      .execute();
}

function compareKeys(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  columns: readonly string[],
): number {
  for (const c of columns) {
    const x = a[c] as string | number;
    const y = b[c] as string | number;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

/** Counter changes of one batch, summed per row in memory, then written with one upsert per row. */
export class CounterSums {
  readonly #tables = new Map<
    Exclude<CounterTable, 'live_funnel'>,
    { keyColumns: string[]; rows: Map<string, { key: Key; changes: Record<string, number> }> }
  >();

  add(table: Exclude<CounterTable, 'live_funnel'>, key: Key, changes: Record<string, number>): void {
    let t = this.#tables.get(table);
    if (!t) {
      t = { keyColumns: Object.keys(key), rows: new Map() };
      this.#tables.set(table, t);
    }
    const id = t.keyColumns.map((c) => key[c]).join('\u0000');
    let row = t.rows.get(id);
    for (const [column, n] of Object.entries(changes)) {
      if (n === 0) continue;
      if (!row) {
        row = { key, changes: {} };
        t.rows.set(id, row);
      }
      row.changes[column] = (row.changes[column] ?? 0) + n;
    }
  }

  async flush(trx: Kysely<Database>): Promise<void> {
    for (const [table, t] of this.#tables) await addRows(trx, table, t.keyColumns, [...t.rows.values()]);
    this.#tables.clear();
  }
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

/** Splits `items` into chunks small enough for an `in (…)` list. */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
