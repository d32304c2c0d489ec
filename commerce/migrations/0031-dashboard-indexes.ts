// The staff dashboard's live reads as index walks: paid GMV per minute or hour of a period reads the paid
// orders of that period only (staff: by payment time; a manager: by channel, then payment time), and the
// live order list walks the newest orders instead of sorting them all.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('order_facts_paid').on('order_facts').column('paid_at_ms').execute();
  await db.schema
    .createIndex('order_facts_channel_paid')
    .on('order_facts')
    .columns(['channel_id', 'paid_at_ms'])
    .execute();
  await db.schema.createIndex('orders_created').on('orders').columns(['created_at_ms', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of ['orders_created', 'order_facts_channel_paid', 'order_facts_paid'])
    await db.schema.dropIndex(name).execute();
}
