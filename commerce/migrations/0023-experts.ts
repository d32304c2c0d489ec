// Clinics as records, experts (profile, weekly hours, days off), consultations with the one-booking-per-
// slot rule, and what an expert writes after a consultation (notes, a summary for the person, products).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('clinics')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    /** JSON { en, zh-Hans, zh-Hant } */
    .addColumn('name', 'varchar(800)', (c) => c.notNull())
    /** JSON { en, zh-Hans, zh-Hant } */
    .addColumn('address', 'varchar(800)', (c) => c.notNull())
    /** JSON [{ weekday 0–6 (Sunday 0), fromMin, toMin }] in the clinic's local time. */
    .addColumn('opening_hours', 'varchar(2000)', (c) => c.notNull())
    /** Minutes east of UTC of the clinic's local time (480: China). */
    .addColumn('utc_offset_min', 'integer', (c) => c.notNull())
    .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('clinic_staff')
    .addColumn('clinic_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('person_id', 'varchar(40)', (c) => c.notNull())
    .addPrimaryKeyConstraint('clinic_staff_pk', ['clinic_id', 'person_id'])
    .execute();
  await db.schema.createIndex('clinic_staff_person').on('clinic_staff').column('person_id').execute();

  await db.schema
    .createTable('expert_profiles')
    .addColumn('person_id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(120)', (c) => c.notNull())
    /** JSON array of health-goal tags. */
    .addColumn('specialities', 'varchar(1000)', (c) => c.notNull())
    /** JSON array of locales (en, zh-Hans, zh-Hant). */
    .addColumn('languages', 'varchar(200)', (c) => c.notNull())
    /** The expert's home clinic, if any. */
    .addColumn('clinic_id', 'varchar(40)')
    .addColumn('slot_minutes', 'integer', (c) => c.notNull())
    /** Minutes east of UTC in which weekly hours and days off are written. */
    .addColumn('utc_offset_min', 'integer', (c) => c.notNull())
    /** JSON [{ weekday, fromMin, toMin, clinicId | null (online) }] */
    .addColumn('weekly_hours', 'varchar(4000)', (c) => c.notNull())
    /** JSON ["YYYY-MM-DD", …] local dates off. */
    .addColumn('days_off', 'varchar(4000)', (c) => c.notNull())
    .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('consultations')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('expert_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('person_id', 'varchar(40)', (c) => c.notNull())
    /** Null: online. */
    .addColumn('clinic_id', 'varchar(40)')
    .addColumn('starts_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('ends_at_ms', 'bigint', (c) => c.notNull())
    /** booked | consulted | no_show | cancelled */
    .addColumn('status', 'varchar(12)', (c) => c.notNull())
    /**
     * 1 while the consultation holds its slot, NULL once cancelled: UNIQUE(expert, start, holds_slot)
     * then admits one live booking per slot on both stores (NULLs never collide), however many requests
     * race for it, and a cancelled slot can be booked again.
     */
    .addColumn('holds_slot', 'integer')
    /** The person's channel when booked (managers' scope, conversion figures). */
    .addColumn('channel_id', 'varchar(40)')
    .addColumn('booked_by', 'varchar(40)', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('consultations_one_per_slot', ['expert_id', 'starts_at_ms', 'holds_slot'])
    .execute();
  await db.schema
    .createIndex('consultations_person')
    .on('consultations')
    .columns(['person_id', 'starts_at_ms'])
    .execute();
  await db.schema
    .createIndex('consultations_expert_day')
    .on('consultations')
    .columns(['expert_id', 'starts_at_ms'])
    .execute();

  await db.schema
    .createTable('consultation_notes')
    .addColumn('consultation_id', 'varchar(40)', (c) => c.primaryKey())
    /** The expert's notes: health data (consent + audit for staff; never to channel managers). */
    .addColumn('notes', 'varchar(8000)', (c) => c.notNull())
    /** What the person reads about their own consultation. */
    .addColumn('summary', 'varchar(4000)', (c) => c.notNull())
    /** JSON array of product ids. */
    .addColumn('recommended_products', 'varchar(2000)', (c) => c.notNull())
    .addColumn('author_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
    .execute();

  // The conversion funnel's step between tested and bought: people whose first consultation was held,
  // per channel and day, and per event where they tested.
  for (const table of ['channel_daily', 'event_funnel'])
    await db.schema
      .alterTable(table)
      .addColumn('consulted', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['channel_daily', 'event_funnel'])
    await db.schema.alterTable(table).dropColumn('consulted').execute();
  for (const t of ['consultation_notes', 'consultations', 'expert_profiles', 'clinic_staff', 'clinics'])
    await db.schema.dropTable(t).execute();
}
