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
 * SQLite: rows one claim statement takes. The store has one connection and better-sqlite3 runs each
 * statement on the event loop; a 25-row claim holds both about 1 ms (200 rows: ≈ 10 ms), so orders
 * queued behind it barely notice. PostgreSQL claims the whole batch in one statement.
 */
export const SQLITE_CLAIM_STEP = 25;

/** Lets callbacks that queued meanwhile (an order waiting for the store) run before the next step. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Claims up to `limit` due messages for this node: ones another node claimed whose lease ran out (it
 * died mid-batch) first, then queued ones whose time has come, oldest due first. Each is one range of
 * messages_due (status first; few messages are `sending` at once): an OR of both made SQLite scan and
 * sort the whole queue, 25–40 ms at 50,000 queued. PostgreSQL skips rows another node is claiming
 * (SKIP LOCKED); SQLite has one writer and claims in SQLITE_CLAIM_STEP rows, yielding between steps.
 */
export async function claimDue(
  db: Kysely<Database>,
  nodeId: string,
  nowMs: number,
  limit: number,
  leaseMs: number,
): Promise<MessageRow[]> {
  const pg = isPostgres(db as Kysely<unknown>);
  const claim = (status: 'queued' | 'sending', n: number) => {
    let due = db.selectFrom('messages').select('id').where('status', '=', status);
    due =
      status === 'queued'
        ? due.where('next_attempt_at_ms', '<=', nowMs).orderBy('next_attempt_at_ms')
        : due.where('lease_until_ms', '<', nowMs);
    due = due.limit(n);
    if (pg) due = due.forUpdate().skipLocked();
    let update = db
      .updateTable('messages')
      .set({ status: 'sending', claimed_by: nodeId, lease_until_ms: nowMs + leaseMs, updated_at_ms: nowMs })
      .where('id', 'in', due);
    // PostgreSQL re-checks the rows it locked (another node may have settled one meanwhile). SQLite runs
    // the statement alone (one writer), and there the re-check made the planner walk every queued row by
    // the status index instead of fetching the chosen ids: 15 ms a claim at 20,000 queued.
    if (pg) {
      update = update.where('status', '=', status);
      if (status === 'sending') update = update.where('lease_until_ms', '<', nowMs);
    }
    return update.returningAll().execute();
  };
  const claimed = await claim('sending', limit);
  const step = pg ? limit : SQLITE_CLAIM_STEP;
  while (claimed.length < limit) {
    const want = Math.min(step, limit - claimed.length);
    const rows = await claim('queued', want);
    claimed.push(...rows);
    if (rows.length < want) break;
    if (!pg && claimed.length < limit) await yieldToEventLoop();
  }
  return claimed;
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
