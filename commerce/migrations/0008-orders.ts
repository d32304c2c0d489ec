// Orders, what each member holds per card (the per-member limit), idempotency keys and payment events.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('orders')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('person_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('session_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('card_id', 'varchar(40)', (c) => c.notNull().references('cards.id'))
    .addColumn('sku_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('unit_price_minor', 'bigint', (c) => c.notNull())
    .addColumn('total_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'varchar(3)', (c) => c.notNull())
    /** placed | paid | fulfilled | completed | cancelled | expired | refunded */
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    /** manual | webhook */
    .addColumn('provider', 'varchar(16)', (c) => c.notNull())
    /** JSON: { method: 'pickup', clinic } | { method: 'delivery', address } */
    .addColumn('fulfilment', 'text', (c) => c.notNull())
    .addColumn('reserved_until_ms', 'bigint', (c) => c.notNull())
    .addColumn('paid_at_ms', 'bigint')
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('orders_person').on('orders').columns(['person_id', 'created_at_ms']).execute();
  await db.schema.createIndex('orders_due').on('orders').columns(['status', 'reserved_until_ms']).execute();
  await db.schema
    .createTable('card_holdings')
    .addColumn('card_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('person_id', 'varchar(40)', (c) => c.notNull())
    /** Units this person holds on this card in live orders (placed, paid, fulfilled, completed) */
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('card_holdings_pk', ['card_id', 'person_id'])
    .execute();
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('person_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('key', 'varchar(128)', (c) => c.notNull())
    .addColumn('request_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['person_id', 'key'])
    .execute();
  await db.schema
    .createIndex('idempotency_keys_age')
    .on('idempotency_keys')
    .column('created_at_ms')
    .execute();
  await db.schema
    .createTable('payment_events')
    .addColumn('provider', 'varchar(16)', (c) => c.notNull())
    .addColumn('event_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('order_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('received_at_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('payment_events_pk', ['provider', 'event_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('payment_events').execute();
  await db.schema.dropTable('idempotency_keys').execute();
  await db.schema.dropTable('card_holdings').execute();
  await db.schema.dropTable('orders').execute();
}
