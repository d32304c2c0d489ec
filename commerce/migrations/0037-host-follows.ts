// Members following a host: they hear of the host's next lives (go-live and 15-minutes-before reminders)
// without asking per session. Also an index of orders by session, which the host console's sales panel
// reads (a session's orders, units and GMV) on every order it shows.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('host_follows')
    .addColumn('host_person_id', 'varchar(64)', (c) => c.notNull().references('people.id'))
    .addColumn('person_id', 'varchar(64)', (c) => c.notNull().references('people.id'))
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('host_follows_pk', ['host_person_id', 'person_id'])
    .execute();
  await db.schema.createIndex('host_follows_person').on('host_follows').columns(['person_id']).execute();
  await db.schema
    .createIndex('orders_session')
    .on('orders')
    .columns(['session_id', 'created_at_ms'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('orders_session').execute();
  await db.schema.dropTable('host_follows').execute();
}
