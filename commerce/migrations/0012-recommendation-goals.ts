// The wording of "for your … goal" per reading metric. Which product suits which reading is the
// product's own metric ranges (catalog); this table only names the goal, so staff change rules as data.
import type { Kysely } from 'kysely';

const DEFAULT_GOALS: Array<[metric: string, goal: string]> = [
  ['WEIGHT_KG', 'weight'],
  ['BMI', 'weight'],
  ['BODY_FAT_PCT', 'body-fat'],
  ['VISCERAL_FAT_LEVEL', 'visceral-fat'],
  ['MUSCLE_MASS_KG', 'muscle'],
  ['SYSTOLIC_MMHG', 'blood-pressure'],
  ['DIASTOLIC_MMHG', 'blood-pressure'],
  ['PULSE_BPM', 'heart-rate'],
  ['GLUCOSE_MMOL_L', 'glucose'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('recommendation_goals')
    .addColumn('metric', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('goal', 'varchar(64)', (c) => c.notNull())
    /** 0 turns the rule off without deleting it */
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await (db as Kysely<{ recommendation_goals: { metric: string; goal: string } }>)
    .insertInto('recommendation_goals')
    .values(DEFAULT_GOALS.map(([metric, goal]) => ({ metric, goal })))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('recommendation_goals').execute();
}
