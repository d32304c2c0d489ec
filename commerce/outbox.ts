// Appending domain events to the outbox inside the caller's transaction, and reading them back in order.
// Live-session events also take the next per-session sequence number, so clients can detect gaps.

import type { Selectable } from 'kysely';
import { type Kysely, sql } from 'kysely';
import type { Database, OutboxTable } from './schema.ts';

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
  | 'reading.recorded'
  | 'reading.assigned'
  | 'offline_event.created'
  | 'offline_event.invitee_added'
  | 'offline_event.checked_in';

export interface NewDomainEvent {
  type: DomainEventType;
  /** The entity the event is about, e.g. the order id. */
  aggregateId: string;
  /** Set for events that belong to a live session; they get a per-session sequence. */
  sessionId?: string | null | undefined;
  payload: Record<string, unknown>;
}

export interface DomainEvent {
  /** Global, strictly increasing outbox id: the delivery order. */
  id: number;
  type: DomainEventType;
  aggregateId: string;
  sessionId: string | null;
  sessionSeq: number | null;
  payload: Record<string, unknown>;
  createdAtMs: number;
}

/** An arbitrary constant: the advisory lock that orders outbox inserts by commit on PostgreSQL. */
const OUTBOX_LOCK_KEY = 0x7a11_0b0c;

/**
 * Appends an event in the given transaction (pass the transaction, never the root db).
 * On PostgreSQL a transaction-scoped advisory lock makes outbox ids commit in id order, so a reader
 * that has seen id N can never later find a committed id below N. SQLite has one writer at a time anyway.
 */
export async function appendEvent(
  trx: Kysely<Database>,
  event: NewDomainEvent,
  nowMs: number = Date.now(),
): Promise<{ id: number; sessionSeq: number | null }> {
  if (trx.getExecutor().adapter.constructor.name === 'PostgresAdapter') {
    await sql`select pg_advisory_xact_lock(${OUTBOX_LOCK_KEY})`.execute(trx);
  }
  let sessionSeq: number | null = null;
  if (event.sessionId) {
    const row = await trx
      .insertInto('session_sequences')
      .values({ session_id: event.sessionId, last_seq: 1 })
      .onConflict((oc) =>
        oc.column('session_id').doUpdateSet({ last_seq: sql`session_sequences.last_seq + 1` }),
      )
      .returning('last_seq')
      .executeTakeFirstOrThrow();
    sessionSeq = row.last_seq;
  }
  const inserted = await trx
    .insertInto('outbox')
    .values({
      type: event.type,
      aggregate_id: event.aggregateId,
      session_id: event.sessionId ?? null,
      session_seq: sessionSeq,
      payload: JSON.stringify(event.payload),
      created_at_ms: nowMs,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: Number(inserted.id), sessionSeq };
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

/** Events after `afterId`, oldest first. */
export async function readEvents(
  db: Kysely<Database>,
  afterId: number,
  limit: number,
): Promise<DomainEvent[]> {
  const rows = await db
    .selectFrom('outbox')
    .selectAll()
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toDomainEvent);
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
