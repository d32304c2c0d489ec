// Contact proof: an e-mail or phone belongs to an account only once a one-time code sent to it came
// back. Accounts that exist before this migration keep their contacts, unproven (null) until proved once.
// Pending codes live in contact_codes, hashed; a registration's details wait there until its proof.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('people').addColumn('email_proven_at_ms', 'bigint').execute();
  await db.schema.alterTable('people').addColumn('phone_proven_at_ms', 'bigint').execute();
  await db.schema
    .createTable('contact_codes')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    /** 'email' | 'phone' */
    .addColumn('field', 'varchar(8)', (c) => c.notNull())
    /** The normalised contact the code was sent to. */
    .addColumn('contact', 'varchar(254)', (c) => c.notNull())
    /** Null while the code waits to create an account (the registration is in `registration`). */
    .addColumn('person_id', 'varchar(64)', (c) => c.references('people.id'))
    /** JSON of the pending registration; null for proving a contact an account already holds. */
    .addColumn('registration', 'text')
    /** Codes of one registration (one per contact) share it. */
    .addColumn('registration_id', 'varchar(64)')
    /** sha256(id + code), hex */
    .addColumn('code_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('tries', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('used_at_ms', 'bigint')
    .execute();
  await db.schema.createIndex('contact_codes_contact').on('contact_codes').columns(['contact']).execute();
  await db.schema
    .createIndex('contact_codes_registration')
    .on('contact_codes')
    .columns(['registration_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('contact_codes').execute();
  await db.schema.alterTable('people').dropColumn('phone_proven_at_ms').execute();
  await db.schema.alterTable('people').dropColumn('email_proven_at_ms').execute();
}
