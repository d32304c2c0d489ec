// Goal rules become editable data: each rule has its own id and a reading range, so staff can keep
// several rules per metric ("glucose 7–20 → glucose", "BMI 28–100 → weight") and change them through
// the API. The rows of 0012 carry over with the metric's whole physical range, so they match exactly
// what they matched before.
//
// On SQLite the day index of channel_daily also carries every counter column: the channel funnel and
// AARRR read a range of days across all channels, and with a covering index that is one index range
// scan instead of an index scan plus one table lookup per channel-day row (EXPLAIN QUERY PLAN: "USING
// COVERING INDEX"). PostgreSQL keeps the narrow index: its counter updates stay HOT (heap-only) that
// way, and its plans already met the query target.
import type { Kysely } from 'kysely';
import { METRIC_RANGES } from '../../protocols/index.ts';
import { isPostgres } from './dialect.ts';

/** Every counter of channel_daily (0011), in the covering index after its key. */
const CHANNEL_DAILY_COUNTERS = [
  'new_people',
  'signups',
  'referred_signups',
  'invited',
  'attended',
  'tested',
  'activated',
  'bought',
  'retained30',
  'retained90',
  'orders_paid',
  'refunds',
  'paid_gmv_minor',
  'refunded_gmv_minor',
  'commission_minor',
  'commission_reversed_minor',
];

async function dayIndex(db: Kysely<unknown>, covering: boolean): Promise<void> {
  if (isPostgres(db)) return;
  await db.schema.dropIndex('channel_daily_day').execute();
  await db.schema
    .createIndex('channel_daily_day')
    .on('channel_daily')
    .columns(['day', 'channel_id', ...(covering ? CHANNEL_DAILY_COUNTERS : [])])
    .execute();
}

interface OldGoal {
  metric: string;
  goal: string;
  enabled: number;
}

interface NewGoal extends OldGoal {
  id: string;
  min_value: number;
  max_value: number;
  created_at_ms: number;
  updated_at_ms: number;
}

type Db = Kysely<{ recommendation_goals: OldGoal; recommendation_goals_next: NewGoal }>;

const rangeOf = (metric: string) => Object.values(METRIC_RANGES).find((r) => r.name === metric);

export async function up(db: Kysely<unknown>): Promise<void> {
  const d = db as unknown as Db;
  await db.schema
    .createTable('recommendation_goals_next')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('metric', 'varchar(32)', (c) => c.notNull())
    /** The rule applies to a latest reading in [min_value, max_value] */
    .addColumn('min_value', 'double precision', (c) => c.notNull())
    .addColumn('max_value', 'double precision', (c) => c.notNull())
    .addColumn('goal', 'varchar(64)', (c) => c.notNull())
    /** 0 turns the rule off without deleting it */
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  const now = Date.now();
  const old = await d.selectFrom('recommendation_goals').selectAll().execute();
  const rows = old.flatMap((g) => {
    const range = rangeOf(g.metric);
    if (!range) return [];
    return [
      {
        id: `goal-${g.metric.toLowerCase().replaceAll('_', '-')}`,
        metric: g.metric,
        min_value: range.min,
        max_value: range.max,
        goal: g.goal,
        enabled: Number(g.enabled),
        created_at_ms: now,
        updated_at_ms: now,
      },
    ];
  });
  if (rows.length > 0) await d.insertInto('recommendation_goals_next').values(rows).execute();
  await db.schema.dropTable('recommendation_goals').execute();
  await db.schema.alterTable('recommendation_goals_next').renameTo('recommendation_goals').execute();
  await db.schema
    .createIndex('recommendation_goals_metric')
    .on('recommendation_goals')
    .columns(['metric', 'created_at_ms'])
    .execute();
  await dayIndex(db, true);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dayIndex(db, false);
  const d = db as unknown as Kysely<{ recommendation_goals: NewGoal; recommendation_goals_prev: OldGoal }>;
  await db.schema
    .createTable('recommendation_goals_prev')
    .addColumn('metric', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('goal', 'varchar(64)', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  // One rule per metric fits the old shape: the oldest one.
  const rules = await d.selectFrom('recommendation_goals').selectAll().orderBy('created_at_ms').execute();
  const seen = new Set<string>();
  const rows = rules.filter((r) => !seen.has(r.metric) && seen.add(r.metric));
  if (rows.length > 0)
    await d
      .insertInto('recommendation_goals_prev')
      .values(rows.map((r) => ({ metric: r.metric, goal: r.goal, enabled: Number(r.enabled) })))
      .execute();
  await db.schema.dropTable('recommendation_goals').execute();
  await db.schema.alterTable('recommendation_goals_prev').renameTo('recommendation_goals').execute();
}
