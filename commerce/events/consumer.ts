// What an outbox consumer is, and the position bookkeeping every transport shares.
import type { Kysely } from 'kysely';
import { isPostgres } from '../migrations/dialect.ts';
import { appendedEventsIn, type DomainEvent, positionPendingEvents } from '../outbox.ts';
import type { Database } from '../schema.ts';
import { outboxWakeupsOf } from './wakeups.ts';

export interface EventConsumer {
  /** Stable name: the key of the consumer's position (and its Redis consumer group). */
  readonly name: string;
  /**
   * 'shared' (default): each event is handled once by one process of the cluster (ledger, rollups).
   * 'node': every process handles every event (real-time fan-out to its own sockets).
   */
  readonly scope?: 'shared' | 'node';
  /**
   * Effects in the store: runs in the same transaction that advances the consumer's position, so a
   * crash or a redelivery can never apply an event twice or skip one.
   */
  handleInTransaction?(trx: Kysely<Database>, event: DomainEvent): Promise<void>;
  /**
   * Optional, with handleInTransaction: the same effects for several events at once (in order, same
   * transaction), for consumers that can fold a batch into fewer writes.
   */
  handleBatchInTransaction?(trx: Kysely<Database>, events: DomainEvent[]): Promise<void>;
  /** Effects outside the store (sockets, caches): at-least-once, in order; must be idempotent. */
  handle?(event: DomainEvent): Promise<void>;
  /**
   * For a consumer whose effects may trail by this long: delivery reads its events at most this often,
   * so a busy outbox reaches it in fewer, larger batches (one transaction and one position write each).
   * @default 0 (every commit wakes it)
   */
  readonly readEveryMs?: number;
}

export interface EventBusHealth {
  state: 'ok' | 'degraded' | 'closed';
  transport: 'in-process' | 'redis-streams';
  consumers: Record<string, { position: number; failures: number }>;
  [detail: string]: unknown;
}

/** Delivers outbox events to consumers; implemented in-process and over Redis Streams. */
export interface EventBus {
  subscribe(consumer: EventConsumer): void;
  start(): Promise<void>;
  /** Hint that new events were committed; delivery also happens on a timer without it. */
  notify(): void;
  health(): EventBusHealth;
  close(): Promise<void>;
}

export function positionKey(consumer: EventConsumer, nodeId: string): string {
  return consumer.scope === 'node' ? `${consumer.name}@${nodeId}` : consumer.name;
}

export async function readPosition(db: Kysely<Database>, key: string): Promise<number> {
  const row = await db
    .selectFrom('consumer_positions')
    .select('position')
    .where('consumer', '=', key)
    .executeTakeFirst();
  return row ? Number(row.position) : 0;
}

export async function writePosition(trx: Kysely<Database>, key: string, position: number): Promise<void> {
  const now = Date.now();
  await trx
    .insertInto('consumer_positions')
    .values({ consumer: key, position, updated_at_ms: now })
    .onConflict((oc) => oc.column('consumer').doUpdateSet({ position, updated_at_ms: now }))
    .execute();
}

/**
 * Reads the position inside a transaction, locking its row on PostgreSQL so two processes handed the
 * same event (a reclaimed Redis entry) serialise and the second sees the first one's position.
 * SQLite transactions already exclude each other.
 */
async function lockPosition(trx: Kysely<Database>, key: string): Promise<number> {
  if (!isPostgres(trx as Kysely<unknown>)) return readPosition(trx, key);
  await trx
    .insertInto('consumer_positions')
    .values({ consumer: key, position: 0, updated_at_ms: Date.now() })
    .onConflict((oc) => oc.column('consumer').doNothing())
    .execute();
  const row = await trx
    .selectFrom('consumer_positions')
    .select('position')
    .where('consumer', '=', key)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return Number(row.position);
}

/** A consumer has exactly one kind of handler, so "applied" always means "position moved". */
export function checkConsumer(consumer: EventConsumer): void {
  if (!consumer.name) throw new TypeError('consumer.name is required');
  if (Boolean(consumer.handle) === Boolean(consumer.handleInTransaction)) {
    throw new TypeError(`consumer ${consumer.name} needs exactly one of handle or handleInTransaction`);
  }
}

/**
 * A consumer's transaction, committed: when it appended events (an alert raised from a reading, say),
 * they are positioned and this process's buses wake at once, as after any other write
 * (store.transaction), instead of finding them at the next safety poll a second later.
 */
async function consumerTransaction<T>(
  db: Kysely<Database>,
  fn: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  let used: Kysely<Database> | undefined;
  const result = await db.transaction().execute((trx) => {
    used = trx;
    return fn(trx);
  });
  if (!used || !appendedEventsIn(used)) return result;
  // PostgreSQL: give them their positions first, as store.transaction does (a woken reader does not); a
  // failure leaves them to the next safety poll, which positions what is pending.
  if (isPostgres(db as Kysely<unknown>)) await positionPendingEvents(db).catch(() => undefined);
  outboxWakeupsOf(db)?.committed();
  return result;
}

/**
 * Applies one event for a consumer relative to its stored position: events at or below it are skipped.
 * handleInTransaction and the position move commit together (exactly once); handle runs before the
 * position moves (at least once: a crash in between redelivers). Returns false for a skipped event.
 */
export async function applyEvent(
  db: Kysely<Database>,
  consumer: EventConsumer,
  key: string,
  event: DomainEvent,
): Promise<boolean> {
  if (consumer.handleInTransaction) {
    const handler = consumer.handleInTransaction.bind(consumer);
    return consumerTransaction(db, async (trx) => {
      if (event.id <= (await lockPosition(trx, key))) return false;
      await handler(trx, event);
      await writePosition(trx, key, event.id);
      return true;
    });
  }
  if (event.id <= (await readPosition(db, key))) return false;
  await consumer.handle!(event);
  await writePosition(db, key, event.id);
  return true;
}

/**
 * Applies a batch in order with one position read and one position write: transactional consumers in a
 * single transaction (all or nothing), others handled one by one with the position moved after the
 * batch (at least once). Returns how many events were applied (skipped ones excluded).
 */
export async function applyBatch(
  db: Kysely<Database>,
  consumer: EventConsumer,
  key: string,
  events: DomainEvent[],
): Promise<number> {
  const last = events.at(-1);
  if (!last) return 0;
  if (consumer.handleInTransaction) {
    const handler = consumer.handleInTransaction.bind(consumer);
    const batchHandler = consumer.handleBatchInTransaction?.bind(consumer);
    return consumerTransaction(db, async (trx) => {
      const position = await lockPosition(trx, key);
      if (batchHandler) {
        const fresh = events.filter((e) => e.id > position);
        if (fresh.length > 0) {
          await batchHandler(trx, fresh);
          await writePosition(trx, key, last.id);
        }
        return fresh.length;
      }
      let applied = 0;
      for (const event of events) {
        if (event.id <= position) continue;
        await handler(trx, event);
        applied++;
      }
      if (last.id > position) await writePosition(trx, key, last.id);
      return applied;
    });
  }
  const position = await readPosition(db, key);
  let applied = 0;
  for (const event of events) {
    if (event.id <= position) continue;
    await consumer.handle!(event);
    applied++;
  }
  if (last.id > position) await writePosition(db, key, last.id);
  return applied;
}
