// Payments that arrive for an order that can no longer take them (expired, cancelled, already paid, an
// amount that does not match, an unknown order) are kept as `payment.orphaned` rows for staff to refund:
// the row says what was paid, in which currency, why it could not be applied, and when staff settled it.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('payment_events').addColumn('currency', 'varchar(3)').execute();
  await db.schema.alterTable('payment_events').addColumn('reason', 'varchar(32)').execute();
  await db.schema.alterTable('payment_events').addColumn('resolved_at_ms', 'bigint').execute();
  await db.schema
    .createIndex('payment_events_kind')
    .on('payment_events')
    .columns(['kind', 'received_at_ms'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('payment_events_kind').execute();
  await db.schema.alterTable('payment_events').dropColumn('resolved_at_ms').execute();
  await db.schema.alterTable('payment_events').dropColumn('reason').execute();
  await db.schema.alterTable('payment_events').dropColumn('currency').execute();
}
