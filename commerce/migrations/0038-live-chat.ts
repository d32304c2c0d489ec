// Live chat kept for the replay: what was shown to viewers (mute-refused messages never get here), with
// the host's removals: 1 deleted, 2 its author was muted. No person id is kept: the replay shows the
// server-chosen name, and moderation works by viewer id.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('live_chat')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('session_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('viewer_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('name', 'varchar(64)', (c) => c.notNull())
    .addColumn('text', 'varchar(2000)', (c) => c.notNull())
    .addColumn('at_ms', 'bigint', (c) => c.notNull())
    .addColumn('removed', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('live_chat_session').on('live_chat').columns(['session_id', 'at_ms']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('live_chat').execute();
}
