// The outbox: every state change appends its domain event here in the same transaction. Live-session
// events also get a per-session sequence from session_sequences. Consumers keep their own positions.
import type { Kysely } from 'kysely';
import { serialId } from './dialect.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  const [idType, id] = serialId(db);
  await db.schema
    .createTable('outbox')
    .addColumn('id', idType, id)
    .addColumn('type', 'varchar(64)', (c) => c.notNull())
    .addColumn('aggregate_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('session_id', 'varchar(64)')
    .addColumn('session_seq', 'integer')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbox_session').on('outbox').columns(['session_id', 'session_seq']).execute();
  await db.schema
    .createTable('session_sequences')
    .addColumn('session_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('last_seq', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('consumer_positions')
    .addColumn('consumer', 'varchar(128)', (c) => c.primaryKey())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('consumer_positions').execute();
  await db.schema.dropTable('session_sequences').execute();
  await db.schema.dropTable('outbox').execute();
}
