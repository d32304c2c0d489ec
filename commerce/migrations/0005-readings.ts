// Device readings history (health data), the audit log of staff reads of raw readings, and the edge
// tokens that standalone edges use to post readings to the core.
import type { Kysely } from 'kysely';
import { serialId } from './dialect.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  const [idType, id] = serialId(db);
  await db.schema
    .createTable('readings')
    .addColumn('id', idType, id)
    .addColumn('device_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('boot_id', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('metric', 'varchar(32)', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('measured_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('member_code', 'varchar(32)')
    .addColumn('event_id', 'varchar(64)')
    .addColumn('person_id', 'varchar(64)')
    .addColumn('received_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('ingested_at_ms', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('readings_identity', ['device_id', 'boot_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('readings_person')
    .on('readings')
    .columns(['person_id', 'measured_at_ms'])
    .execute();
  await db.schema
    .createTable('readings_access_log')
    .addColumn('id', idType, id)
    .addColumn('actor_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('person_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('action', 'varchar(32)', (c) => c.notNull())
    .addColumn('at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('edge_tokens')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(128)', (c) => c.notNull())
    .addColumn('token_sha256', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at_ms', 'bigint')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('edge_tokens').execute();
  await db.schema.dropTable('readings_access_log').execute();
  await db.schema.dropTable('readings').execute();
}
