// Conversion rollups kept current as outbox and viewer events arrive: per person milestones, per channel
// and UTC day, per offline event and channel, per referrer and day, one fact row per paid order, the
// keys that make distinct counts distinct, and live-session presence (peak concurrent viewers).
import type { Kysely } from 'kysely';

const COUNTERS_DAILY = [
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
] as const;
const MONEY = [
  'paid_gmv_minor',
  'refunded_gmv_minor',
  'commission_minor',
  'commission_reversed_minor',
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  let daily = db.schema
    .createTable('channel_daily')
    /** '' for people who came through no channel */
    .addColumn('channel_id', 'varchar(64)', (c) => c.notNull())
    /** UTC midnight, epoch ms */
    .addColumn('day', 'bigint', (c) => c.notNull());
  for (const k of COUNTERS_DAILY) daily = daily.addColumn(k, 'integer', (c) => c.notNull().defaultTo(0));
  for (const k of MONEY) daily = daily.addColumn(k, 'bigint', (c) => c.notNull().defaultTo(0));
  await daily.addPrimaryKeyConstraint('channel_daily_pk', ['channel_id', 'day']).execute();
  await db.schema
    .createIndex('channel_daily_day')
    .on('channel_daily')
    .columns(['day', 'channel_id'])
    .execute();

  let event = db.schema
    .createTable('event_funnel')
    .addColumn('event_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('channel_id', 'varchar(64)', (c) => c.notNull());
  for (const k of ['invited', 'attended', 'tested', 'bought', 'orders_paid', 'refunds'])
    event = event.addColumn(k, 'integer', (c) => c.notNull().defaultTo(0));
  for (const k of MONEY) event = event.addColumn(k, 'bigint', (c) => c.notNull().defaultTo(0));
  await event.addPrimaryKeyConstraint('event_funnel_pk', ['event_id', 'channel_id']).execute();

  let referrer = db.schema
    .createTable('referrer_daily')
    .addColumn('referrer_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('day', 'bigint', (c) => c.notNull());
  for (const k of ['signups', 'orders_paid', 'refunds'])
    referrer = referrer.addColumn(k, 'integer', (c) => c.notNull().defaultTo(0));
  for (const k of ['paid_gmv_minor', 'refunded_gmv_minor'])
    referrer = referrer.addColumn(k, 'bigint', (c) => c.notNull().defaultTo(0));
  await referrer.addPrimaryKeyConstraint('referrer_daily_pk', ['referrer_id', 'day']).execute();
  await db.schema
    .createIndex('referrer_daily_day')
    .on('referrer_daily')
    .columns(['day', 'referrer_id'])
    .execute();

  await db.schema
    .createTable('person_milestones')
    .addColumn('person_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('first_invited_at_ms', 'bigint')
    .addColumn('first_attended_at_ms', 'bigint')
    .addColumn('first_tested_at_ms', 'bigint')
    .addColumn('activated_at_ms', 'bigint')
    .addColumn('first_paid_at_ms', 'bigint')
    .addColumn('first_paid_channel_id', 'varchar(64)')
    .addColumn('retained30', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('retained90', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_test_at_ms', 'bigint')
    .addColumn('last_test_reading_id', 'bigint')
    .addColumn('last_test_event_id', 'varchar(64)')
    .addColumn('last_paid_at_ms', 'bigint')
    .execute();
  await db.schema
    .createIndex('person_milestones_tested')
    .on('person_milestones')
    .column('last_test_at_ms')
    .execute();

  await db.schema
    .createTable('order_facts')
    .addColumn('order_id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('person_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('channel_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('session_id', 'varchar(64)')
    .addColumn('referrer_id', 'varchar(64)')
    /** The offline event and reading the purchase is attributed to (a test within the window), if any */
    .addColumn('event_id', 'varchar(64)')
    .addColumn('reading_id', 'bigint')
    .addColumn('tested_at_ms', 'bigint')
    .addColumn('total_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'varchar(3)')
    .addColumn('commission_bps', 'integer', (c) => c.notNull())
    .addColumn('commission_minor', 'bigint', (c) => c.notNull())
    .addColumn('paid_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('refunded_at_ms', 'bigint')
    .execute();
  await db.schema.createIndex('order_facts_person').on('order_facts').column('person_id').execute();

  await db.schema
    .createTable('rollup_keys')
    .addColumn('scope', 'varchar(80)', (c) => c.notNull())
    .addColumn('stage', 'varchar(16)', (c) => c.notNull())
    .addColumn('actor', 'varchar(80)', (c) => c.notNull())
    .addPrimaryKeyConstraint('rollup_keys_pk', ['scope', 'stage', 'actor'])
    .execute();

  await db.schema
    .createTable('live_session_stats')
    .addColumn('session_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('viewers_now', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('peak_viewers', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('peak_at_ms', 'bigint')
    .execute();
  await db.schema
    .createTable('live_presence')
    .addColumn('session_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('viewer_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('sockets', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('live_presence_pk', ['session_id', 'viewer_id'])
    .execute();
  for (const k of ['impressions', 'orders_refunded'])
    await db.schema
      .alterTable('live_funnel')
      .addColumn(k, 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  await db.schema
    .alterTable('live_funnel')
    .addColumn('refunded_gmv_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const k of ['impressions', 'orders_refunded', 'refunded_gmv_minor'])
    await db.schema.alterTable('live_funnel').dropColumn(k).execute();
  for (const t of [
    'live_presence',
    'live_session_stats',
    'rollup_keys',
    'order_facts',
    'person_milestones',
    'referrer_daily',
    'event_funnel',
    'channel_daily',
  ])
    await db.schema.dropTable(t).execute();
}
