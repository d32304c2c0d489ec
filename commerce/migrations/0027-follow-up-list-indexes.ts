// The follow-up list's default order (last updated first, id breaking ties) as an index, on both stores:
// the first page of a list that spans many channels (staff: every record) is then one walk down the
// index that stops after the page, where before every record in scope was joined and sorted (2.5 s at
// 100,000 records on SQLite under load; EXPLAIN QUERY PLAN "USE TEMP B-TREE FOR ORDER BY").
// Every list row is checked against the person's current channel: (id, channel_id) on people answers
// that from a small index instead of the wide people rows (half the CPU of a manager's 6,000-record list).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('follow_ups_updated')
    .on('follow_ups')
    .columns(['updated_at_ms', 'id'])
    .execute();
  await db.schema.createIndex('people_channel_of').on('people').columns(['id', 'channel_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('people_channel_of').execute();
  await db.schema.dropIndex('follow_ups_updated').execute();
}
