// The viewer event log (joins, leaves, card impressions and clicks with the share link's codes) and
// the links from a browser's viewer id to the person who logged in on it.
import type { Kysely } from 'kysely';
import { serialId } from './dialect.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  const [idType, id] = serialId(db);
  await db.schema
    .createTable('viewer_events')
    .addColumn('id', idType, id)
    .addColumn('session_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('type', 'varchar(32)', (c) => c.notNull())
    .addColumn('viewer_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('person_id', 'varchar(64)')
    .addColumn('ref_code', 'varchar(32)')
    .addColumn('ch_code', 'varchar(32)')
    .addColumn('card_id', 'varchar(64)')
    .addColumn('node_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('viewer_events_session')
    .on('viewer_events')
    .columns(['session_id', 'id'])
    .execute();
  await db.schema
    .createTable('viewer_links')
    .addColumn('viewer_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('person_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('linked_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('viewer_links_person').on('viewer_links').column('person_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('viewer_links').execute();
  await db.schema.dropTable('viewer_events').execute();
}
