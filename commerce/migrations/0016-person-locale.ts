// The language a person reads (en, zh-Hans, zh-Hant), so codes, notices and invitations reach them in
// it: set from the web app's language when they register or log in, or by an invitation. Null: not
// known yet (messages then follow the request's language, else English).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('people').addColumn('locale', 'varchar(16)').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('people').dropColumn('locale').execute();
}
