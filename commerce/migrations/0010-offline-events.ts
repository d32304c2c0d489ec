// Offline events (a date, a venue, the channels that bring people), who each channel registered for an
// event, and who attended (checked in at the door, or tested on a device that carried the event id).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('offline_events')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('venue', 'varchar(200)', (c) => c.notNull())
    .addColumn('starts_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('offline_events_starts').on('offline_events').column('starts_at_ms').execute();
  await db.schema
    .createTable('offline_event_channels')
    .addColumn('event_id', 'varchar(64)', (c) => c.notNull().references('offline_events.id'))
    .addColumn('channel_id', 'varchar(64)', (c) => c.notNull().references('channels.id'))
    .addPrimaryKeyConstraint('offline_event_channels_pk', ['event_id', 'channel_id'])
    .execute();
  await db.schema
    .createIndex('offline_event_channels_channel')
    .on('offline_event_channels')
    .column('channel_id')
    .execute();
  await db.schema
    .createTable('event_invitees')
    .addColumn('event_id', 'varchar(64)', (c) => c.notNull().references('offline_events.id'))
    .addColumn('person_id', 'varchar(64)', (c) => c.notNull().references('people.id'))
    .addColumn('channel_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('invited_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('invited_at_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_invitees_pk', ['event_id', 'person_id'])
    .execute();
  await db.schema
    .createTable('event_attendance')
    .addColumn('event_id', 'varchar(64)', (c) => c.notNull().references('offline_events.id'))
    .addColumn('person_id', 'varchar(64)', (c) => c.notNull().references('people.id'))
    /** check_in | reading */
    .addColumn('via', 'varchar(16)', (c) => c.notNull())
    .addColumn('recorded_by', 'varchar(64)')
    .addColumn('at_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_attendance_pk', ['event_id', 'person_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['event_attendance', 'event_invitees', 'offline_event_channels', 'offline_events'])
    await db.schema.dropTable(t).execute();
}
