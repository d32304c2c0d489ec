// People, roles and channels: person records (prospects and members) with their codes, contacts,
// attribution and consents; roles; channels with invitations and the audit of admin channel changes;
// credentials (refresh tokens, reset codes) and the login throttle shared by every gateway node.
import type { Kysely } from 'kysely';
import { isPostgres, serialId } from './dialect.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('people')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('member_code', 'varchar(16)', (c) => c.notNull().unique())
    .addColumn('referral_code', 'varchar(16)', (c) => c.notNull().unique())
    .addColumn('display_name', 'varchar(120)', (c) => c.notNull())
    // Unique but nullable: both backends allow many NULLs under a unique constraint.
    .addColumn('email', 'varchar(254)', (c) => c.unique())
    .addColumn('phone', 'varchar(20)', (c) => c.unique())
    .addColumn('tier', 'varchar(32)', (c) => c.notNull())
    .addColumn('referred_by', 'varchar(64)', (c) => c.references('people.id'))
    // SQLite accepts a reference to a table created later; PostgreSQL gets the constraint below.
    .addColumn('channel_id', 'varchar(64)', (c) => (pg ? c : c.references('channels.id')))
    // Flags are 0/1 integers on both backends so rows read back identically.
    .addColumn('consent_marketing', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('consent_marketing_at_ms', 'bigint')
    .addColumn('consent_health_data', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('consent_health_data_at_ms', 'bigint')
    .addColumn('password_hash', 'text')
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('registered_at_ms', 'bigint')
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('people_channel')
    .on('people')
    .columns(['channel_id', 'created_at_ms'])
    .execute();
  await db.schema.createIndex('people_referred_by').on('people').column('referred_by').execute();
  await db.schema.createIndex('people_created').on('people').columns(['created_at_ms', 'id']).execute();

  await db.schema
    .createTable('person_roles')
    .addColumn('person_id', 'varchar(64)', (c) => c.notNull().references('people.id'))
    .addColumn('role', 'varchar(32)', (c) => c.notNull())
    .addColumn('granted_by', 'varchar(64)')
    .addColumn('granted_at_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('person_roles_pk', ['person_id', 'role'])
    .execute();
  await db.schema.createIndex('person_roles_role').on('person_roles').column('role').execute();

  await db.schema
    .createTable('channels')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(120)', (c) => c.notNull())
    .addColumn('manager_id', 'varchar(64)', (c) => c.references('people.id'))
    .addColumn('commission_bps', 'integer', (c) => c.notNull())
    .addColumn('invite_code', 'varchar(16)', (c) => c.notNull().unique())
    .addColumn('archived_at_ms', 'bigint')
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('channels_manager').on('channels').column('manager_id').execute();
  if (pg) {
    await db.schema
      .alterTable('people')
      .addForeignKeyConstraint('people_channel_fk', ['channel_id'], 'channels', ['id'])
      .execute();
  }

  await db.schema
    .createTable('channel_invitations')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('channel_id', 'varchar(64)', (c) => c.notNull().references('channels.id'))
    .addColumn('person_id', 'varchar(64)', (c) => c.notNull().references('people.id'))
    .addColumn('invited_by', 'varchar(64)', (c) => c.notNull().references('people.id'))
    .addColumn('outcome', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('channel_invitations_channel')
    .on('channel_invitations')
    .columns(['channel_id', 'created_at_ms'])
    .execute();

  const [idType, id] = serialId(db);
  await db.schema
    .createTable('person_channel_changes')
    .addColumn('id', idType, id)
    .addColumn('person_id', 'varchar(64)', (c) => c.notNull().references('people.id'))
    .addColumn('from_channel_id', 'varchar(64)')
    .addColumn('to_channel_id', 'varchar(64)')
    .addColumn('changed_by', 'varchar(64)', (c) => c.notNull().references('people.id'))
    .addColumn('reason', 'varchar(500)', (c) => c.notNull())
    .addColumn('changed_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('person_channel_changes_person')
    .on('person_channel_changes')
    .column('person_id')
    .execute();

  await db.schema
    .createTable('refresh_tokens')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('family_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('person_id', 'varchar(64)', (c) => c.notNull().references('people.id'))
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('rotated_at_ms', 'bigint')
    .addColumn('revoked_at_ms', 'bigint')
    .execute();
  await db.schema.createIndex('refresh_tokens_family').on('refresh_tokens').column('family_id').execute();
  await db.schema.createIndex('refresh_tokens_person').on('refresh_tokens').column('person_id').execute();
  // Pruning deletes by expiry.
  await db.schema
    .createIndex('refresh_tokens_expires')
    .on('refresh_tokens')
    .column('expires_at_ms')
    .execute();

  await db.schema
    .createTable('password_reset_codes')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('person_id', 'varchar(64)', (c) => c.notNull().references('people.id'))
    .addColumn('code_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('issued_by', 'varchar(64)', (c) => c.references('people.id'))
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('used_at_ms', 'bigint')
    .execute();
  await db.schema
    .createIndex('password_reset_codes_person')
    .on('password_reset_codes')
    .column('person_id')
    .execute();

  await db.schema
    .createTable('login_throttle')
    .addColumn('key', 'varchar(80)', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_start_ms', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'login_throttle',
    'password_reset_codes',
    'refresh_tokens',
    'person_channel_changes',
    'channel_invitations',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  if (isPostgres(db)) await db.schema.alterTable('people').dropConstraint('people_channel_fk').execute();
  await db.schema.dropTable('channels').execute();
  await db.schema.dropTable('person_roles').execute();
  await db.schema.dropTable('people').execute();
}
