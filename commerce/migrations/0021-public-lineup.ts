// Whether a session's line-up (the products of its cards) is shown to the public before and during the
// live: staff decide per session, so an unannounced launch stays private. 0: private (the default).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('live_sessions')
    .addColumn('lineup_public', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('live_sessions').dropColumn('lineup_public').execute();
}
