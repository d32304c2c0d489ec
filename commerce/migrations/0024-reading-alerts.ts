// Alerts on readings: rules as data (metric, comparison, threshold, severity, whom to tell) and the
// alerts raised, one per (reading, rule) so a resent reading or a replayed event raises nothing new.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('alert_rules')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('metric', 'varchar(32)', (c) => c.notNull())
    /** gte | lte */
    .addColumn('comparison', 'varchar(4)', (c) => c.notNull())
    .addColumn('threshold', 'double precision', (c) => c.notNull())
    /** info | warning | urgent */
    .addColumn('severity', 'varchar(8)', (c) => c.notNull())
    /** JSON array of: expert | clinic_staff | follow_up_owner */
    .addColumn('notify', 'varchar(100)', (c) => c.notNull())
    .addColumn('message', 'varchar(400)', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('reading_alerts')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('reading_id', 'bigint', (c) => c.notNull())
    .addColumn('rule_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('person_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('severity', 'varchar(8)', (c) => c.notNull())
    .addColumn('at_ms', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('reading_alerts_once', ['reading_id', 'rule_id'])
    .execute();
  await db.schema
    .createIndex('reading_alerts_person')
    .on('reading_alerts')
    .columns(['person_id', 'at_ms'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('reading_alerts').execute();
  await db.schema.dropTable('alert_rules').execute();
}
