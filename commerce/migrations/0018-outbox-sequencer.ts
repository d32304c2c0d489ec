// PostgreSQL only: appending transactions write to outbox_pending without a global position, and
// outbox_sequence() moves what has committed into the outbox under positions it hands out one batch
// at a time. SQLite has one writer, so its appends keep going straight into the outbox.
import { type Kysely, sql } from 'kysely';
import { isPostgres } from './dialect.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await db.schema
    .createTable('outbox_pending')
    .addColumn('pending_id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('type', 'varchar(64)', (c) => c.notNull())
    .addColumn('aggregate_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('session_id', 'varchar(64)')
    .addColumn('session_seq', 'integer')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  // The advisory lock key is the one appends took before this migration (0x7a110b0c): a node still on
  // the old code and a sequencer exclude each other, so outbox ids keep committing in id order while a
  // cluster is upgraded node by node. Each statement after the lock sees everything committed before
  // it (read committed, volatile function), so nothing that committed earlier is left behind.
  // Pending ids are drawn after the session_sequences bump, whose row lock is held to the commit: two
  // events of one session are in pending_id order whenever both are visible, and positions follow it.
  // The NOTIFY goes out at commit, once per batch, from a transaction that holds the lock anyway.
  // A holder keeping the lock longer than lock_wait_ms has stalled: the caller gets -1 and the events
  // stay pending for the next call, rather than a write's response or a reader waiting on it.
  await sql`
    create or replace function outbox_sequence(lock_wait_ms integer) returns bigint
    language plpgsql as $fn$
    declare
      seq regclass := pg_get_serial_sequence('outbox', 'id')::regclass;
      base bigint;
      moved bigint;
    begin
      if not exists (select 1 from outbox_pending) then
        return 0;
      end if;
      perform set_config('lock_timeout', lock_wait_ms || 'ms', true);
      begin
        perform pg_advisory_xact_lock(2047937292);
      exception when lock_not_available then
        return -1;
      end;
      perform set_config('lock_timeout', '0', true);
      base := coalesce(pg_sequence_last_value(seq), 0);
      with batch as (delete from outbox_pending returning *)
      insert into outbox (id, type, aggregate_id, session_id, session_seq, payload, created_at_ms)
      select base + row_number() over (order by pending_id), type, aggregate_id, session_id,
             session_seq, payload, created_at_ms
      from batch;
      get diagnostics moved = row_count;
      if moved > 0 then
        perform setval(seq, base + moved);
        perform pg_notify('vitalive_outbox', (base + moved)::text);
      end if;
      return moved;
    end
    $fn$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`select outbox_sequence(60000)`.execute(db);
  await sql`drop function outbox_sequence(integer)`.execute(db);
  await db.schema.dropTable('outbox_pending').execute();
}
