// The follow-up list's default order (last updated first, id breaking ties) as an index, on both stores:
// the first page of a list that spans many channels (staff: every record) is then one walk down the
// index that stops after the page, where before every record in scope was joined and sorted (2.5 s at
// 100,000 records on SQLite under load; EXPLAIN QUERY PLAN "USE TEMP B-TREE FOR ORDER BY").
// (A covering index on people (id, channel_id) halved a manager's count, but without ANALYZE statistics
// SQLite then started the staff page from people and sorted them all: 113 ms instead of 0.2 ms. Left out.)
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('follow_ups_updated')
    .on('follow_ups')
    .columns(['updated_at_ms', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('follow_ups_updated').execute();
}
