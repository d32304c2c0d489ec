// A prospect a channel manager invites (new, or joining the channel now) stays out of that manager's
// lists and figures until the person acts: `people.channel_pending` marks them, and the outbox events of
// the invitation wait in `withheld_events` until then, so no consumer (follow-ups, rollups, live frames)
// sees them early. A taken contact changes nothing a manager sees either, so the two look the same.
import type { Kysely } from 'kysely';
import { serialId } from './dialect.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('people')
    .addColumn('channel_pending', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  const [idType, id] = serialId(db);
  await db.schema
    .createTable('withheld_events')
    .addColumn('id', idType, id)
    .addColumn('person_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('type', 'varchar(64)', (c) => c.notNull())
    .addColumn('aggregate_id', 'varchar(200)', (c) => c.notNull())
    /** JSON text, as in the outbox. */
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('withheld_events_person')
    .on('withheld_events')
    .columns(['person_id', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('withheld_events').execute();
  await db.schema.alterTable('people').dropColumn('channel_pending').execute();
}
