// The statements of an order placement, written twice: over SQLite as prepared statements on the store's
// own connection (synchronous, no query building per call — the hot path of a flash sale), and through
// Kysely for PostgreSQL. Both run inside `store.transaction()`, and `trx` is that transaction, so a
// further step of the placement can be written once with Kysely and runs in the same transaction. On
// SQLite, placements arriving together share one commit, each in its own savepoint (group-commit.ts).
import { type Kysely, type Selectable, sql } from 'kysely';
import { appendEvents, appendEventsSqlite, type NewDomainEvent } from '../outbox.ts';
import { OPEN_CARD_STATES } from '../sales/bag.ts';
import { type CardView, cardView } from '../sales/views.ts';
import type { Database } from '../schema.ts';
import type { SqliteStatements, Store } from '../store.ts';
import { GroupCommit } from './group-commit.ts';
import { remember, replay, type StoredResponse, storedReply } from './idempotency.ts';
import { PgPlacements, type PlacementLookup } from './placement-pg.ts';
import type { OrdersTable } from './tables.ts';

/** What the placement reads of the card and its session. */
export interface CardForOrder {
  id: string;
  session_id: string;
  sku_id: string;
  state: string;
  remaining: number;
  price_minor: number;
  currency: string;
  per_member_limit: number;
  starts_at_ms: number | null;
  ends_at_ms: number | null;
  session_state: string;
}

/** The statements of one placement transaction. */
export interface PlacementSql {
  /** The transaction itself, for any further step (it commits or rolls back with the rest). */
  readonly trx: Kysely<Database>;
  card(cardId: string): Promise<CardForOrder | undefined>;
  /** Raises the member's holding on the card unless it would pass `limit`; false when refused. */
  hold(cardId: string, personId: string, quantity: number, limit: number): Promise<boolean>;
  /** Conditional decrement of an open card (pinned or unpinned) with enough units; the units left, or undefined. */
  take(cardId: string, quantity: number, nowMs: number): Promise<number | undefined>;
  remaining(cardId: string): Promise<number>;
  insertOrder(row: Selectable<OrdersTable>): Promise<void>;
  /** The whole public card (for the sold-out frame). */
  cardView(cardId: string): Promise<CardView>;
  remember(personId: string, key: string, hash: string, reply: StoredResponse, nowMs: number): Promise<void>;
  /** The outbox append: call last, just before the commit. */
  appendEvents(events: NewDomainEvent[], nowMs: number): Promise<void>;
}

export interface PlacementStore {
  /** The stored answer for this member's key, or undefined; IDEMPOTENCY_KEY_REUSED when the body differs. */
  replay(personId: string, key: string, hash: () => string): Promise<StoredResponse | undefined>;
  /**
   * What a placement reads before the stock gate: the key's stored row (if any), the card's per-member
   * limit and what this member already holds on it (undefined for an unknown card).
   */
  lookup(personId: string, key: string, cardId: string): Promise<PlacementLookup>;
  transaction<T>(fn: (s: PlacementSql) => Promise<T>): Promise<T>;
  /** PostgreSQL: placements (without credit) in one batched statement (place_orders, migration 0025). */
  readonly batched?: PgPlacements | undefined;
}

export function placementStore(store: Store): PlacementStore {
  const stmts = store.sqlite;
  if (stmts) {
    const group = new GroupCommit(store, stmts);
    // A SQLite store belongs to one process, so every stored key is written here: members who never had
    // one stored (the late buyers of a storm) miss without a read. Entries are never removed when keys
    // age out; a stale one only costs the read.
    const keyHolders = new Set(
      (stmts.prepare(SQL.keyHolders).all() as Array<{ person_id: string }>).map((r) => r.person_id),
    );
    return {
      // A read on the shared connection is safe outside a transaction: placements commit synchronously.
      replay: async (personId, key, hash) =>
        keyHolders.has(personId)
          ? storedReply(stmts.prepare(SQL.replay).get(personId, key), hash)
          : undefined,
      lookup: async (personId, key, cardId) => ({
        stored: keyHolders.has(personId) ? stmts.prepare(SQL.replay).get(personId, key) : undefined,
        allowance: allowanceOf(
          stmts.prepare(SQL.allowance).get(personId, cardId) as AllowanceRow | undefined,
        ),
      }),
      transaction: (fn) => group.run((trx) => fn(new SqlitePlacement(trx, stmts, keyHolders))),
    };
  }
  // Several processes share a PostgreSQL database, so no process knows every stored key: the lookup
  // is batched instead — the attempts arriving together share one SELECT.
  const batched = new PgPlacements(store.db);
  return {
    replay: (personId, key, hash) => replay(store.db, personId, key, hash),
    lookup: (personId, key, cardId) => batched.lookup(personId, key, cardId),
    transaction: (fn) => store.transaction((trx) => fn(new KyselyPlacement(trx))),
    batched,
  };
}

interface AllowanceRow {
  lim: number;
  held: number | null;
}

const allowanceOf = (r: AllowanceRow | undefined) => r && { limit: Number(r.lim), held: Number(r.held ?? 0) };

const SQL = {
  allowance:
    'select cards.per_member_limit as lim, card_holdings.quantity as held from cards ' +
    'left join card_holdings on card_holdings.card_id = cards.id and card_holdings.person_id = ? ' +
    'where cards.id = ?',
  keyHolders: 'select distinct person_id from idempotency_keys',
  replay: 'select request_hash, status_code, body from idempotency_keys where person_id = ? and key = ?',
  card:
    'select cards.id, cards.session_id, cards.sku_id, cards.state, cards.remaining, cards.price_minor, ' +
    'cards.currency, cards.per_member_limit, cards.starts_at_ms, cards.ends_at_ms, ' +
    'live_sessions.state as session_state from cards ' +
    'inner join live_sessions on live_sessions.id = cards.session_id where cards.id = ?',
  hold:
    'insert into card_holdings (card_id, person_id, quantity) values (?, ?, ?) ' +
    'on conflict (card_id, person_id) do update set quantity = card_holdings.quantity + excluded.quantity ' +
    'where card_holdings.quantity + excluded.quantity <= ?',
  take:
    'update cards set remaining = remaining - ?, ' +
    "state = case when remaining - ? = 0 then 'sold_out' else state end, updated_at_ms = ? " +
    "where id = ? and state in ('pinned', 'unpinned') and remaining >= ? returning remaining",
  remaining: 'select remaining from cards where id = ?',
  insertOrder:
    'insert into orders (id, person_id, session_id, card_id, sku_id, quantity, unit_price_minor, ' +
    'total_minor, currency, status, provider, fulfilment, reserved_until_ms, paid_at_ms, created_at_ms, ' +
    'updated_at_ms) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  cardView:
    'select cards.*, skus.titles from cards inner join skus on skus.id = cards.sku_id where cards.id = ?',
  remember:
    'insert into idempotency_keys (person_id, key, request_hash, status_code, body, created_at_ms) ' +
    'values (?, ?, ?, ?, ?, ?)',
} as const;

class SqlitePlacement implements PlacementSql {
  readonly trx: Kysely<Database>;
  readonly #s: SqliteStatements;
  readonly #keyHolders: Set<string>;

  constructor(trx: Kysely<Database>, stmts: SqliteStatements, keyHolders: Set<string>) {
    this.trx = trx;
    this.#s = stmts;
    this.#keyHolders = keyHolders;
  }

  async card(cardId: string) {
    return this.#s.prepare(SQL.card).get(cardId) as CardForOrder | undefined;
  }

  async hold(cardId: string, personId: string, quantity: number, limit: number) {
    return this.#s.prepare(SQL.hold).run(cardId, personId, quantity, limit).changes === 1;
  }

  async take(cardId: string, quantity: number, nowMs: number) {
    const row = this.#s.prepare(SQL.take).get(quantity, quantity, nowMs, cardId, quantity) as
      | { remaining: number }
      | undefined;
    return row && Number(row.remaining);
  }

  async remaining(cardId: string) {
    return Number((this.#s.prepare(SQL.remaining).get(cardId) as { remaining: number }).remaining);
  }

  async insertOrder(r: Selectable<OrdersTable>) {
    this.#s
      .prepare(SQL.insertOrder)
      .run(
        r.id,
        r.person_id,
        r.session_id,
        r.card_id,
        r.sku_id,
        r.quantity,
        r.unit_price_minor,
        r.total_minor,
        r.currency,
        r.status,
        r.provider,
        r.fulfilment,
        r.reserved_until_ms,
        r.paid_at_ms,
        r.created_at_ms,
        r.updated_at_ms,
      );
  }

  async cardView(cardId: string) {
    const row = this.#s.prepare(SQL.cardView).get(cardId) as Parameters<typeof cardView>[0] & {
      titles: string;
    };
    return cardView(row, row.titles);
  }

  async remember(personId: string, key: string, hash: string, reply: StoredResponse, nowMs: number) {
    this.#s.prepare(SQL.remember).run(personId, key, hash, reply.status, JSON.stringify(reply.body), nowMs);
    // Before the commit: a concurrent replay may then read and miss, never skip a committed key.
    this.#keyHolders.add(personId);
  }

  async appendEvents(events: NewDomainEvent[], nowMs: number) {
    appendEventsSqlite(this.#s, events, nowMs);
  }
}

class KyselyPlacement implements PlacementSql {
  readonly trx: Kysely<Database>;

  constructor(trx: Kysely<Database>) {
    this.trx = trx;
  }

  card(cardId: string) {
    return this.trx
      .selectFrom('cards')
      .innerJoin('live_sessions', 'live_sessions.id', 'cards.session_id')
      .select([
        'cards.id',
        'cards.session_id',
        'cards.sku_id',
        'cards.state',
        'cards.remaining',
        'cards.price_minor',
        'cards.currency',
        'cards.per_member_limit',
        'cards.starts_at_ms',
        'cards.ends_at_ms',
        'live_sessions.state as session_state',
      ])
      .where('cards.id', '=', cardId)
      .executeTakeFirst();
  }

  async hold(cardId: string, personId: string, quantity: number, limit: number) {
    const held = await this.trx
      .insertInto('card_holdings')
      .values({ card_id: cardId, person_id: personId, quantity })
      .onConflict((oc) =>
        oc
          .columns(['card_id', 'person_id'])
          .doUpdateSet({ quantity: sql`card_holdings.quantity + excluded.quantity` })
          .where(sql<number>`card_holdings.quantity + excluded.quantity`, '<=', limit),
      )
      .executeTakeFirst();
    return Number(held.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async take(cardId: string, quantity: number, nowMs: number) {
    const row = await this.trx
      .updateTable('cards')
      .set({
        remaining: sql`remaining - ${quantity}`,
        state: sql`case when remaining - ${quantity} = 0 then 'sold_out' else state end`,
        updated_at_ms: nowMs,
      })
      .where('id', '=', cardId)
      .where('state', 'in', [...OPEN_CARD_STATES])
      .where('remaining', '>=', quantity)
      .returning('remaining')
      .executeTakeFirst();
    return row && Number(row.remaining);
  }

  async remaining(cardId: string) {
    const row = await this.trx
      .selectFrom('cards')
      .select('remaining')
      .where('id', '=', cardId)
      .executeTakeFirstOrThrow();
    return Number(row.remaining);
  }

  async insertOrder(row: Selectable<OrdersTable>) {
    await this.trx.insertInto('orders').values(row).execute();
  }

  async cardView(cardId: string) {
    const row = await this.trx
      .selectFrom('cards')
      .innerJoin('skus', 'skus.id', 'cards.sku_id')
      .selectAll('cards')
      .select('skus.titles')
      .where('cards.id', '=', cardId)
      .executeTakeFirstOrThrow();
    return cardView(row, row.titles);
  }

  remember(personId: string, key: string, hash: string, reply: StoredResponse, nowMs: number) {
    return remember(this.trx, personId, key, hash, reply, nowMs);
  }

  async appendEvents(events: NewDomainEvent[], nowMs: number) {
    await appendEvents(this.trx, events, nowMs);
  }
}
