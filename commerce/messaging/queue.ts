// The message queue in the store: enqueueing inside the caller's transaction (deduplicated by kind,
// source and recipient), claiming due messages with a lease, and recording each attempt's outcome.
import { type Kysely, type Selectable, sql } from 'kysely';
import { isPostgres } from '../migrations/dialect.ts';
import type { Database } from '../schema.ts';
import { KINDS, type MessageParams, type QueuedKind } from './kinds.ts';
import type { DeliveryChannel, MessageStatus, MessagesTable } from './tables.ts';

export type MessageRow = Selectable<MessagesTable>;

export interface NewMessage {
  personId: string;
  kind: QueuedKind;
  /** What caused it; (kind, source, person) is unique, so the same cause never queues twice. */
  source: string;
  params: MessageParams;
  /** Not before this time. @default now */
  notBeforeMs?: number;
}

/** Queues one message unless its (kind, source, person) exists; true when this call queued it. */
export async function enqueue(trx: Kysely<Database>, m: NewMessage, nowMs: number): Promise<boolean> {
  const res = await trx
    .insertInto('messages')
    .values({
      person_id: m.personId,
      kind: m.kind,
      source: m.source,
      channel: null,
      locale: null,
      promotional: KINDS[m.kind].promotional ? 1 : 0,
      params: JSON.stringify(m.params),
      status: 'queued',
      attempts: 0,
      next_attempt_at_ms: m.notBeforeMs ?? nowMs,
      created_at_ms: nowMs,
      updated_at_ms: nowMs,
    })
    .onConflict((oc) => oc.columns(['kind', 'source', 'person_id']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/**
 * Queues one message of `kind` for every person subscribed to a live session or following its host (once
 * each, whichever way they asked), in one INSERT … SELECT
 * (a go-live to tens of thousands is one statement, not a loop). Returns how many were queued.
 */
export async function enqueueForLiveSubscribers(
  trx: Kysely<Database>,
  sessionId: string,
  kind: QueuedKind,
  source: string,
  params: MessageParams,
  nowMs: number,
): Promise<number> {
  const promotional = KINDS[kind].promotional ? 1 : 0;
  const res = await sql`
    insert into messages (person_id, kind, source, channel, locale, promotional, params, status, attempts,
                          next_attempt_at_ms, created_at_ms, updated_at_ms)
    select r.person_id, ${kind}, ${source}, null, null, ${promotional}, ${JSON.stringify(params)}, 'queued', 0,
           ${nowMs}, ${nowMs}, ${nowMs}
    from (
      select person_id from live_reminders where session_id = ${sessionId}
      union
      select f.person_id from host_follows f join live_sessions s on s.host_person_id = f.host_person_id
      where s.id = ${sessionId}
    ) r
    where true
    on conflict (kind, source, person_id) do nothing`.execute(trx);
  return Number(res.numAffectedRows ?? 0n);
}

/**
 * Claims up to `limit` due messages for this node: queued ones whose time has come, and ones another
 * node claimed whose lease ran out (it died mid-batch). PostgreSQL skips rows another node is claiming
 * (SKIP LOCKED); SQLite has one writer. The status re-check makes the claim conditional either way.
 */
export async function claimDue(
  db: Kysely<Database>,
  nodeId: string,
  nowMs: number,
  limit: number,
  leaseMs: number,
): Promise<MessageRow[]> {
  let due = db
    .selectFrom('messages')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'queued'), eb('next_attempt_at_ms', '<=', nowMs)]),
        eb.and([eb('status', '=', 'sending'), eb('lease_until_ms', '<', nowMs)]),
      ]),
    )
    .orderBy('next_attempt_at_ms')
    .limit(limit);
  if (isPostgres(db as Kysely<unknown>)) due = due.forUpdate().skipLocked();
  return db
    .updateTable('messages')
    .set({ status: 'sending', claimed_by: nodeId, lease_until_ms: nowMs + leaseMs, updated_at_ms: nowMs })
    .where('id', 'in', due)
    .where('status', 'in', ['queued', 'sending'])
    .returningAll()
    .execute();
}

export interface Outcome {
  status: Exclude<MessageStatus, 'sending'>;
  channel?: DeliveryChannel | null;
  locale?: string | null;
  attempts?: number;
  nextAttemptAtMs?: number;
  lastError?: string | null;
  providerId?: string | null;
  sentAtMs?: number | null;
}

/** Records an outcome, only while this node still holds the claim; false when it lost it. */
export async function settle(
  db: Kysely<Database>,
  id: number,
  nodeId: string,
  o: Outcome,
  nowMs: number,
): Promise<boolean> {
  const res = await db
    .updateTable('messages')
    .set({
      status: o.status,
      ...(o.channel !== undefined ? { channel: o.channel } : {}),
      ...(o.locale !== undefined ? { locale: o.locale } : {}),
      ...(o.attempts !== undefined ? { attempts: o.attempts } : {}),
      ...(o.nextAttemptAtMs !== undefined ? { next_attempt_at_ms: o.nextAttemptAtMs } : {}),
      ...(o.lastError !== undefined ? { last_error: o.lastError?.slice(0, 500) ?? null } : {}),
      ...(o.providerId !== undefined ? { provider_id: o.providerId?.slice(0, 128) ?? null } : {}),
      ...(o.sentAtMs !== undefined ? { sent_at_ms: o.sentAtMs } : {}),
      claimed_by: null,
      lease_until_ms: null,
      updated_at_ms: nowMs,
    })
    .where('id', '=', id)
    .where('claimed_by', '=', nodeId)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
