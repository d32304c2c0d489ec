// Live-session funnel rollups, maintained as viewer and order events arrive: counts per session and
// channel, plus the keys that make "unique" counts unique.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('live_funnel')
    .addColumn('session_id', 'varchar(64)', (c) => c.notNull())
    /** '' when the viewer or buyer came through no channel */
    .addColumn('channel_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('unique_viewers', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('clickers', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('clicks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('buyers', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('orders_placed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('orders_paid', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('paid_gmv_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('currency', 'varchar(3)')
    .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('live_funnel_pk', ['session_id', 'channel_id'])
    .execute();
  await db.schema
    .createTable('live_funnel_keys')
    .addColumn('session_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('stage', 'varchar(8)', (c) => c.notNull())
    .addColumn('actor', 'varchar(80)', (c) => c.notNull())
    .addPrimaryKeyConstraint('live_funnel_keys_pk', ['session_id', 'stage', 'actor'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('live_funnel_keys').execute();
  await db.schema.dropTable('live_funnel').execute();
}
