// Follow-up work per person and channel (owner, stage, notes, tasks, the milestones the system knows and
// the history of every change), and payout runs: a run freezes available ledger entries, and marking it
// paid moves them to `paid_out`.
import type { Kysely } from 'kysely';
import { serialId } from './dialect.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('follow_ups')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('person_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('channel_id', 'varchar(40)', (c) => c.notNull())
    /** A staff member or channel manager; null while the channel has no manager. */
    .addColumn('owner_id', 'varchar(40)')
    /** new | contacted | booked | consulted | bought | nurture | lost */
    .addColumn('stage', 'varchar(12)', (c) => c.notNull())
    .addColumn('lost_reason', 'varchar(200)')
    /** Due time of the earliest open task (null: none), kept with the tasks for the list's filters. */
    .addColumn('next_due_at_ms', 'bigint')
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('follow_ups_person_channel', ['person_id', 'channel_id'])
    .execute();
  await db.schema
    .createIndex('follow_ups_channel_stage')
    .on('follow_ups')
    .columns(['channel_id', 'stage', 'updated_at_ms'])
    .execute();
  await db.schema.createIndex('follow_ups_owner').on('follow_ups').columns(['owner_id', 'stage']).execute();
  await db.schema.createIndex('follow_ups_due').on('follow_ups').columns(['next_due_at_ms']).execute();

  await db.schema
    .createTable('follow_up_history')
    .addColumn('id', ...serialId(db))
    .addColumn('follow_up_id', 'varchar(40)', (c) => c.notNull())
    /** created | stage | owner | milestone | task | note */
    .addColumn('kind', 'varchar(12)', (c) => c.notNull())
    .addColumn('from_value', 'varchar(200)')
    .addColumn('to_value', 'varchar(200)')
    /** Who made the change; null when a fact made it (the `source_*` columns then name the fact). */
    .addColumn('actor_id', 'varchar(40)')
    .addColumn('source_type', 'varchar(40)')
    .addColumn('source_id', 'varchar(64)')
    .addColumn('at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('follow_up_history_follow_up')
    .on('follow_up_history')
    .columns(['follow_up_id', 'id'])
    .execute();

  // Append-only: no route edits or deletes a note.
  await db.schema
    .createTable('follow_up_notes')
    .addColumn('id', ...serialId(db))
    .addColumn('follow_up_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('author_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('body', 'varchar(2000)', (c) => c.notNull())
    .addColumn('at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('follow_up_notes_follow_up')
    .on('follow_up_notes')
    .columns(['follow_up_id', 'id'])
    .execute();

  await db.schema
    .createTable('follow_up_tasks')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('follow_up_id', 'varchar(40)', (c) => c.notNull())
    /** call | message | visit | alert */
    .addColumn('kind', 'varchar(12)', (c) => c.notNull())
    .addColumn('title', 'varchar(200)')
    .addColumn('due_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('assignee_id', 'varchar(40)')
    /** 1: this task is the follow-up's next-contact date. */
    .addColumn('next_contact', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('done_at_ms', 'bigint')
    .addColumn('done_by', 'varchar(40)')
    .addColumn('created_by', 'varchar(40)', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('follow_up_tasks_follow_up')
    .on('follow_up_tasks')
    .columns(['follow_up_id', 'done_at_ms', 'due_at_ms'])
    .execute();

  // What the system knows about a person, once per (person, kind, reference): invited (per channel or
  // event), attended (per event), tested (per reading), first_order, paid (per order), referred (per
  // person referred). No-shows are derived on read from invitations without attendance.
  await db.schema
    .createTable('follow_up_milestones')
    .addColumn('person_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('ref_id', 'varchar(64)', (c) => c.notNull())
    /** What the reference is: channel | event | reading | order | person. */
    .addColumn('ref_type', 'varchar(12)', (c) => c.notNull())
    .addColumn('at_ms', 'bigint', (c) => c.notNull())
    /** The outbox event that recorded it. */
    .addColumn('event_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('follow_up_milestones_pk', ['person_id', 'kind', 'ref_id'])
    .execute();

  await db.schema
    .createTable('payout_runs')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('from_ms', 'bigint', (c) => c.notNull())
    .addColumn('to_ms', 'bigint', (c) => c.notNull())
    /** frozen | paid */
    .addColumn('status', 'varchar(8)', (c) => c.notNull())
    /** 1 when members' referral credit was frozen too (paid in cash). */
    .addColumn('includes_credit', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'varchar(40)', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('paid_reference', 'varchar(100)')
    .addColumn('paid_by', 'varchar(40)')
    .addColumn('paid_at_ms', 'bigint')
    .execute();
  await db.schema.createIndex('payout_runs_created').on('payout_runs').column('created_at_ms').execute();
  // The run an entry was frozen into: set once (null → run id), never cleared. A frozen entry leaves the
  // spendable balance; marking the run paid moves it `available → paid_out`.
  await db.schema.alterTable('ledger_entries').addColumn('payout_run_id', 'varchar(40)').execute();
  await db.schema
    .createIndex('ledger_entries_payout_run')
    .on('ledger_entries')
    .columns(['payout_run_id', 'account_kind', 'account_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('ledger_entries_payout_run').execute();
  await db.schema.alterTable('ledger_entries').dropColumn('payout_run_id').execute();
  for (const t of [
    'payout_runs',
    'follow_up_milestones',
    'follow_up_tasks',
    'follow_up_notes',
    'follow_up_history',
    'follow_ups',
  ])
    await db.schema.dropTable(t).execute();
}
