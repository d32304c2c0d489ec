// Reaching people: the profile fields messages need (time zone, preferred channel, a bound WeChat
// openid, SMS opt-out), the message queue the delivery worker drains, the durable scheduler's jobs and
// the "remind me" subscriptions of live sessions.
import type { Kysely } from 'kysely';
import { serialId } from './dialect.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  /** IANA zone; null reads as the platform default (Asia/Shanghai). */
  await db.schema.alterTable('people').addColumn('time_zone', 'varchar(64)').execute();
  /** 'email' | 'sms' | 'wechat'; null: whatever contact exists. */
  await db.schema.alterTable('people').addColumn('preferred_channel', 'varchar(8)').execute();
  /** The official account's openid for this person, set by web authorisation. */
  await db.schema.alterTable('people').addColumn('wechat_openid', 'varchar(64)').execute();
  /** When the person answered an SMS with TD (or STOP): no SMS reaches them any more. */
  await db.schema.alterTable('people').addColumn('sms_opted_out_at_ms', 'bigint').execute();
  await db.schema.createIndex('people_wechat_openid').on('people').columns(['wechat_openid']).execute();

  const [idType, idCol] = serialId(db);
  await db.schema
    .createTable('messages')
    .addColumn('id', idType, idCol)
    .addColumn('person_id', 'varchar(64)', (c) => c.notNull().references('people.id'))
    .addColumn('kind', 'varchar(48)', (c) => c.notNull())
    /** What caused it: an outbox event, a job, a resend (`order:<id>`, `job:<key>`, …). */
    .addColumn('source', 'varchar(160)', (c) => c.notNull())
    /** Chosen when the message is sent; null while queued. */
    .addColumn('channel', 'varchar(8)')
    .addColumn('locale', 'varchar(16)')
    .addColumn('promotional', 'integer', (c) => c.notNull().defaultTo(0))
    /** JSON of the template's parameters. */
    .addColumn('params', 'text', (c) => c.notNull())
    /** queued | sending | sent | failed | suppressed */
    .addColumn('status', 'varchar(12)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('claimed_by', 'varchar(128)')
    .addColumn('lease_until_ms', 'bigint')
    .addColumn('last_error', 'varchar(500)')
    .addColumn('provider_id', 'varchar(128)')
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('sent_at_ms', 'bigint')
    .addUniqueConstraint('messages_dedupe', ['kind', 'source', 'person_id'])
    .execute();
  await db.schema
    .createIndex('messages_due')
    .on('messages')
    .columns(['status', 'next_attempt_at_ms'])
    .execute();
  await db.schema
    .createIndex('messages_person')
    .on('messages')
    .columns(['person_id', 'created_at_ms'])
    .execute();
  await db.schema.createIndex('messages_kind').on('messages').columns(['kind', 'status']).execute();

  const [jobIdType, jobIdCol] = serialId(db);
  await db.schema
    .createTable('jobs')
    .addColumn('id', jobIdType, jobIdCol)
    .addColumn('kind', 'varchar(48)', (c) => c.notNull())
    .addColumn('dedupe_key', 'varchar(160)', (c) => c.notNull().unique())
    .addColumn('due_at_ms', 'bigint', (c) => c.notNull())
    /** JSON */
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('claimed_by', 'varchar(128)')
    .addColumn('lease_until_ms', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'varchar(500)')
    /** Set once it ran or was cancelled; a done job never runs again. */
    .addColumn('done_at_ms', 'bigint')
    .addColumn('cancelled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['done_at_ms', 'due_at_ms']).execute();

  await db.schema
    .createTable('live_reminders')
    .addColumn('session_id', 'varchar(64)', (c) => c.notNull().references('live_sessions.id'))
    .addColumn('person_id', 'varchar(64)', (c) => c.notNull().references('people.id'))
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('live_reminders_pk', ['session_id', 'person_id'])
    .execute();
  await db.schema.createIndex('live_reminders_person').on('live_reminders').columns(['person_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('live_reminders').execute();
  await db.schema.dropTable('jobs').execute();
  await db.schema.dropTable('messages').execute();
  await db.schema.dropIndex('people_wechat_openid').execute();
  for (const c of ['sms_opted_out_at_ms', 'wechat_openid', 'preferred_channel', 'time_zone'])
    await db.schema.alterTable('people').dropColumn(c).execute();
}
