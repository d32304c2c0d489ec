// Appending domain events to the outbox inside the caller's transaction, and reading them back in order.
// Live-session events also take the next per-session sequence number, so clients can detect gaps.

import type { Selectable } from 'kysely';
import { type Kysely, sql } from 'kysely';
import { isPostgres } from './migrations/dialect.ts';
import type { Database, OutboxTable } from './schema.ts';
import type { SqliteStatements } from './store.ts';

/** Every event type commerce emits. Add new ones; never rename. */
export type DomainEventType =
  | 'person.created'
  | 'person.registered'
  | 'person.invited'
  | 'person.updated'
  | 'person.credentials_changed'
  | 'person.reset_code_issued'
  | 'person.channel_changed'
  | 'person.roles_changed'
  | 'person.contact_proven'
  | 'person.invitation_answered'
  | 'person.logged_out'
  | 'channel.created'
  | 'channel.updated'
  | 'product.created'
  | 'product.updated'
  | 'session.created'
  | 'session.updated'
  | 'session.live'
  | 'session.ended'
  | 'card.created'
  | 'card.updated'
  | 'card.pinned'
  | 'card.unpinned'
  | 'card.sold_out'
  | 'card.expired'
  | 'stock.changed'
  | 'order.placed'
  | 'order.paid'
  | 'order.cancelled'
  | 'order.expired'
  | 'order.refunded'
  | 'order.fulfilled'
  | 'order.completed'
  | 'payment.orphaned'
  | 'payment.orphan_resolved'
  | 'reading.recorded'
  | 'reading.assigned'
  | 'offline_event.created'
  | 'offline_event.invitee_added'
  | 'offline_event.checked_in'
  | 'goal_rule.created'
  | 'goal_rule.updated'
  | 'goal_rule.deleted'
  | 'follow_up.created'
  | 'follow_up.stage_changed'
  | 'follow_up.owner_changed'
  | 'follow_up.milestone'
  | 'follow_up.note_added'
  | 'follow_up.task_added'
  | 'follow_up.task_done'
  | 'follow_up.task_undone'
  | 'payout_run.created'
  | 'payout_run.paid'
  | 'clinic.created'
  | 'clinic.updated'
  | 'expert.updated'
  | 'consultation.booked'
  | 'consultation.changed'
  | 'consultation.cancelled'
  | 'consultation.consulted'
  | 'consultation.no_show'
  | 'consultation.notes_written'
  | 'alert_rule.created'
  | 'alert_rule.updated'
  | 'alert.raised'
  | 'ledger.credited'
  | 'ledger.released';

export interface NewDomainEvent {
  type: DomainEventType;
  /** The entity the event is about, e.g. the order id. */
  aggregateId: string;
  /** Set for events that belong to a live session; they get a per-session sequence. */
  sessionId?: string | null | undefined;
  payload: Record<string, unknown>;
}

export interface DomainEvent {
  /**
   * Global, strictly increasing outbox position: the delivery order. On PostgreSQL it is given after
   * the commit (positionPendingEvents), so a position never commits below one a reader has seen.
   */
  id: number;
  type: DomainEventType;
  aggregateId: string;
  sessionId: string | null;
  sessionSeq: number | null;
  payload: Record<string, unknown>;
  createdAtMs: number;
}

/** Transactions that appended events, so the store can wake dispatchers once they commit. */
const appendedIn = new WeakSet<object>();

/** True once `appendEvent(s)` ran in this transaction. */
export function appendedEventsIn(trx: Kysely<Database>): boolean {
  return appendedIn.has(trx);
}

/**
 * Appends an event in the given transaction (pass the transaction, never the root db).
 * It takes no lock shared with other transactions apart from its session's sequence row.
 */
export async function appendEvent(
  trx: Kysely<Database>,
  event: NewDomainEvent,
  nowMs: number = Date.now(),
): Promise<{ sessionSeq: number | null }> {
  const [first] = await appendEvents(trx, [event], nowMs);
  return first!;
}

/**
 * Appends several events in order, in the given transaction: one sequence bump per session and one
 * insert, whatever their number. Best called last before the commit: a live session's sequence row
 * stays locked from here to the commit, so that session's next event waits for this one.
 * On PostgreSQL events go to `outbox_pending` without a position; readEvents gives them one once they
 * have committed, in commit order. SQLite has one writer, so ids there commit in id order anyway.
 */
export async function appendEvents(
  trx: Kysely<Database>,
  events: readonly NewDomainEvent[],
  nowMs: number = Date.now(),
): Promise<Array<{ sessionSeq: number | null }>> {
  if (events.length === 0) return [];
  const seqs = await nextSequences(events, async (sessionId, n) => {
    const row = await trx
      .insertInto('session_sequences')
      .values({ session_id: sessionId, last_seq: n })
      .onConflict((oc) =>
        oc.column('session_id').doUpdateSet({ last_seq: sql`session_sequences.last_seq + ${n}` }),
      )
      .returning('last_seq')
      .executeTakeFirstOrThrow();
    return Number(row.last_seq);
  });
  // Rows of one multi-row insert take their ids (pending ids on PostgreSQL) in the order given.
  const rows = events.map((e, i) => outboxRow(e, seqs[i]!, nowMs));
  if (isPostgres(trx as Kysely<unknown>)) await trx.insertInto('outbox_pending').values(rows).execute();
  else await trx.insertInto('outbox').values(rows).execute();
  appendedIn.add(trx);
  return seqs.map((sessionSeq) => ({ sessionSeq }));
}

/**
 * appendEvents over SQLite prepared statements, for hot paths that run inside `store.transaction()`
 * (the connection is then the caller's).
 */
export function appendEventsSqlite(
  stmts: SqliteStatements,
  events: readonly NewDomainEvent[],
  nowMs: number = Date.now(),
): void {
  const bump = stmts.prepare(
    'insert into session_sequences (session_id, last_seq) values (?, ?) on conflict (session_id) ' +
      'do update set last_seq = session_sequences.last_seq + excluded.last_seq returning last_seq',
  );
  const insert = stmts.prepare(
    'insert into outbox (type, aggregate_id, session_id, session_seq, payload, created_at_ms) ' +
      'values (?, ?, ?, ?, ?, ?)',
  );
  const seqs = nextSequencesSync(events, (sessionId, n) => {
    const row = bump.get(sessionId, n) as { last_seq: number };
    return Number(row.last_seq);
  });
  events.forEach((e, i) => {
    const r = outboxRow(e, seqs[i]!, nowMs);
    insert.run(r.type, r.aggregate_id, r.session_id, r.session_seq, r.payload, r.created_at_ms);
  });
}

function outboxRow(e: NewDomainEvent, sessionSeq: number | null, nowMs: number) {
  return {
    type: e.type,
    aggregate_id: e.aggregateId,
    session_id: e.sessionId ?? null,
    session_seq: sessionSeq,
    payload: JSON.stringify(e.payload),
    created_at_ms: nowMs,
  };
}

/** Sessions in order of first appearance, with how many of the events belong to each. */
function sessionCounts(events: readonly NewDomainEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of events) if (e.sessionId) counts.set(e.sessionId, (counts.get(e.sessionId) ?? 0) + 1);
  return counts;
}

/** Hands out each session's block of sequence numbers (`last` is the block's end) in event order. */
function assignSequences(
  events: readonly NewDomainEvent[],
  last: Map<string, number>,
  counts: Map<string, number>,
) {
  const next = new Map<string, number>();
  for (const [id, n] of counts) next.set(id, last.get(id)! - n + 1);
  return events.map((e) => {
    if (!e.sessionId) return null;
    const seq = next.get(e.sessionId)!;
    next.set(e.sessionId, seq + 1);
    return seq;
  });
}

async function nextSequences(
  events: readonly NewDomainEvent[],
  bump: (sessionId: string, n: number) => Promise<number>,
): Promise<Array<number | null>> {
  const counts = sessionCounts(events);
  const last = new Map<string, number>();
  for (const [id, n] of counts) last.set(id, await bump(id, n));
  return assignSequences(events, last, counts);
}

function nextSequencesSync(
  events: readonly NewDomainEvent[],
  bump: (sessionId: string, n: number) => number,
): Array<number | null> {
  const counts = sessionCounts(events);
  const last = new Map<string, number>();
  for (const [id, n] of counts) last.set(id, bump(id, n));
  return assignSequences(events, last, counts);
}

export function toDomainEvent(row: Selectable<OutboxTable>): DomainEvent {
  return {
    id: Number(row.id),
    type: row.type as DomainEventType,
    aggregateId: row.aggregate_id,
    sessionId: row.session_id,
    sessionSeq: row.session_seq === null ? null : Number(row.session_seq),
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    createdAtMs: Number(row.created_at_ms),
  };
}

/**
 * Events after `afterId`, oldest first: every event committed before the call. On PostgreSQL it first
 * gives committed pending events their positions (outbox_sequence(), migration 0016); a dispatcher
 * woken because a sequencer has just run may skip that (`position: false`).
 */
export async function readEvents(
  db: Kysely<Database>,
  afterId: number,
  limit: number,
  opts: { position?: boolean } = {},
): Promise<DomainEvent[]> {
  if (opts.position !== false && isPostgres(db as Kysely<unknown>)) await positionPendingEvents(db);
  const rows = await db
    .selectFrom('outbox')
    .selectAll()
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toDomainEvent);
}

/**
 * PostgreSQL: gives every committed pending event its outbox position (outbox_sequence(), migration
 * 0016). The store calls it after each commit that appended events, so a write's events are in the
 * outbox when the write returns; readEvents calls it too, for events whose writer died in between.
 */
export function positionPendingEvents(db: Kysely<Database>): Promise<SequencerResult> {
  return sequencerOf(db).run();
}

/** How many events a call positioned; 'stalled' when another holder kept the lock past the bound. */
export type SequencerResult = number | 'stalled';

/**
 * How long a call waits for the sequencer lock, normally held for a few milliseconds. Bounded so a
 * stalled holder (a hung connection) costs a write's response or a reader's connection at most this.
 */
const SEQUENCER_LOCK_WAIT_MS = 2000;

/**
 * Calls outbox_sequence() for callers sharing one database handle: requests committing together, or
 * the loops of a bus waking together, share one call (plus one queued behind it, which sees whatever
 * committed after the running one looked). Correctness does not depend on it: the function serialises
 * its callers on an advisory lock, and a late one finds nothing to move.
 */
class Sequencer {
  readonly #db: Kysely<Database>;
  #running: Promise<SequencerResult> | undefined;
  #queued: Promise<SequencerResult> | undefined;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  run(): Promise<SequencerResult> {
    if (!this.#running) return this.#start();
    // The running call may have looked before this caller's events committed: one more after it.
    this.#queued ??= this.#running
      .catch(() => undefined)
      .then(() => {
        this.#queued = undefined;
        return this.#start();
      });
    return this.#queued;
  }

  #start(): Promise<SequencerResult> {
    const call = sql<{ moved: number | string }>`select outbox_sequence(${SEQUENCER_LOCK_WAIT_MS}) as moved`
      .execute(this.#db)
      .then(({ rows }): SequencerResult => {
        const moved = Number(rows[0]!.moved);
        return moved < 0 ? 'stalled' : moved;
      });
    const clear = () => {
      if (this.#running === call) this.#running = undefined;
    };
    this.#running = call;
    call.then(clear, clear);
    return call;
  }
}

const sequencers = new WeakMap<object, Sequencer>();

function sequencerOf(db: Kysely<Database>): Sequencer {
  const known = sequencers.get(db);
  if (known) return known;
  const created = new Sequencer(db);
  sequencers.set(db, created);
  return created;
}

/** The latest session sequence, for snapshots that clients compare incoming events against. */
export async function currentSessionSeq(db: Kysely<Database>, sessionId: string): Promise<number> {
  const row = await db
    .selectFrom('session_sequences')
    .select('last_seq')
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
  return row ? Number(row.last_seq) : 0;
}
