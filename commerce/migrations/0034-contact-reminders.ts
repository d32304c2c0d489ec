// "Remind me" without an account: a visitor gives an e-mail or phone for one live session and proves
// it with a code; only then is the reminder set (for the person with that contact, or for a new
// prospect holding it). Codes are hashed, short-lived, with a few tries each.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('reminder_codes')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('session_id', 'varchar(64)', (c) => c.notNull().references('live_sessions.id'))
    /** 'email' | 'phone'; the contact normalised. */
    .addColumn('field', 'varchar(8)', (c) => c.notNull())
    .addColumn('contact', 'varchar(254)', (c) => c.notNull())
    /** Hex SHA-256 of "<id>:<code>". */
    .addColumn('code_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('tries', 'integer', (c) => c.notNull().defaultTo(0))
    /** The language of the page it was asked on (a new prospect keeps it). */
    .addColumn('locale', 'varchar(16)')
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('used_at_ms', 'bigint')
    .execute();
  await db.schema
    .createIndex('reminder_codes_contact')
    .on('reminder_codes')
    .columns(['contact', 'session_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('reminder_codes').execute();
}
