// Catalog (products and their SKUs), live sessions and the product cards pinned in them.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('products')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    /** JSON: { en, 'zh-Hans', 'zh-Hant' } */
    .addColumn('titles', 'text', (c) => c.notNull())
    .addColumn('descriptions', 'text', (c) => c.notNull())
    /** JSON array of health-goal tags, e.g. ["weight-management"] */
    .addColumn('tags', 'text', (c) => c.notNull())
    /** JSON array of { metric, min, max }: the readings this product relates to */
    .addColumn('metrics', 'text', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('skus')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('product_id', 'varchar(40)', (c) => c.notNull().references('products.id'))
    .addColumn('code', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('titles', 'text', (c) => c.notNull())
    .addColumn('price_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'varchar(3)', (c) => c.notNull())
    /** Units in the warehouse not allotted to any live card */
    .addColumn('stock_on_hand', 'integer', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('skus_product').on('skus').column('product_id').execute();
  await db.schema
    .createTable('live_sessions')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('host_person_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    /** scheduled | live | ended */
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('scheduled_at_ms', 'bigint')
    .addColumn('started_at_ms', 'bigint')
    .addColumn('ended_at_ms', 'bigint')
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('live_sessions_state').on('live_sessions').column('state').execute();
  await db.schema
    .createTable('cards')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('session_id', 'varchar(40)', (c) => c.notNull().references('live_sessions.id'))
    .addColumn('sku_id', 'varchar(40)', (c) => c.notNull().references('skus.id'))
    .addColumn('price_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'varchar(3)', (c) => c.notNull())
    .addColumn('allotted', 'integer', (c) => c.notNull())
    /** Units still for sale on this card; the order transaction decrements it conditionally */
    .addColumn('remaining', 'integer', (c) => c.notNull())
    .addColumn('per_member_limit', 'integer', (c) => c.notNull())
    .addColumn('starts_at_ms', 'bigint')
    .addColumn('ends_at_ms', 'bigint')
    /** draft | pinned | unpinned | sold_out | expired */
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('pinned_at_ms', 'bigint')
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cards_session_state').on('cards').columns(['session_id', 'state']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('cards').execute();
  await db.schema.dropTable('live_sessions').execute();
  await db.schema.dropTable('skus').execute();
  await db.schema.dropTable('products').execute();
}
