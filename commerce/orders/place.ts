// Placing an order from an open card (pinned now or earlier in the live session) under an Idempotency-Key: the per-member limit, then the stock
// gate, then one transaction that holds the limit, takes the units (conditional decrement: never
// oversold), writes the order and its events, and stores the answer for the key.
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { isVitaliveError, VitaliveError } from '../../protocols/index.ts';
import { pickupAtClinic } from '../experts/clinics.ts';
import type { NewDomainEvent } from '../outbox.ts';
import type { Actor } from '../people/person-model.ts';
import { uniqueViolation } from '../people/unique-violation.ts';
import { OPEN_CARD_STATES } from '../sales/bag.ts';
import type { Database } from '../schema.ts';
import { requestHash, type StoredResponse, storedReply } from './idempotency.ts';
import { type Fulfilment, orderView } from './order-view.ts';
import type { OrdersContext } from './orders-context.ts';
import type { PaymentProvider } from './payments.ts';
import type { PgPlacementOutcome, PgPlacements, PlacementLookup } from './placement-pg.ts';
import {
  type CardForOrder,
  type PlacementSql,
  type PlacementStore,
  placementStore,
} from './placement-sql.ts';
import type { GateTake } from './stock-gate.ts';
import type { OrdersTable, ProviderName } from './tables.ts';
import { orderEvent } from './transitions.ts';

export interface PlaceOrderInput {
  cardId: string;
  quantity: number;
  provider?: ProviderName | undefined;
  fulfilment: Fulfilment;
  /** Apply up to this much of the buyer's available referral credit (minor units of the card's currency). */
  redeemCreditMinor?: number | undefined;
}

/** Where placement redeems credit: the ledger, inside the order's transaction. */
export interface OrderCredit {
  /**
   * Applies up to `requestedMinor` of the buyer's available credit to the new order, in `trx`; resolves
   * with the amount applied, or throws a coded error (CREDIT_UNAVAILABLE), which undoes the placement.
   */
  redeem(
    trx: Kysely<Database>,
    req: { orderId: string; personId: string; totalMinor: number; currency: string; requestedMinor: number },
    nowMs: number,
  ): Promise<number>;
}

/** What an order placement answers: the HTTP status and JSON body, identical over HTTP and sockets. */
export type PlaceOrderReply = StoredResponse;

function errorReply(err: VitaliveError): PlaceOrderReply {
  return { status: err.statusCode, body: err.toJSON() };
}

class SoldOut extends Error {}

/**
 * Which answers are a key's final answer (stored, replayed for the key's lifetime): an order, and every
 * refusal decided by the placement — except a sold-out, which changed nothing and may change (units come
 * back), a refusal about the key itself (IDEMPOTENCY_KEY_REUSED: it answers the other body), and any
 * server-side failure (5xx). Requests refused before the placement ran (validation, rate limit, auth)
 * are never stored, as no key was consumed.
 */
function isFinal(reply: PlaceOrderReply): boolean {
  if (reply.status >= 500) return false;
  const code = (reply.body as { code?: string }).code;
  return code !== 'CARD_SOLD_OUT' && code !== 'IDEMPOTENCY_KEY_REUSED' && code !== 'IDEMPOTENCY_KEY_REQUIRED';
}

/** The answer most attempts of a storm get: built once. */
const SOLD_OUT: PlaceOrderReply = Object.freeze(errorReply(new VitaliveError('CARD_SOLD_OUT')));

/** The card must be on sale now, for this quantity; returns it with its per-member limit. */
function buyable(
  card: CardForOrder | undefined,
  input: PlaceOrderInput,
  nowMs: number,
): { card: CardForOrder; limit: number } {
  if (!card) throw new VitaliveError('NOT_FOUND', { what: `Card ${input.cardId}` });
  if (card.state === 'sold_out') throw new SoldOut();
  if (card.session_state !== 'live')
    throw new VitaliveError('SESSION_STATE_INVALID', { state: card.session_state, action: 'buy' });
  // The "open card" rule: a card shown at least once (pinned now, or unpinned since) stays buyable while
  // its session is live; a draft was never shown and an expired card is closed.
  if (!(OPEN_CARD_STATES as readonly string[]).includes(card.state))
    throw new VitaliveError('CARD_STATE_INVALID', { state: card.state, action: 'buy' });
  if (card.starts_at_ms !== null && nowMs < Number(card.starts_at_ms))
    throw new VitaliveError('CARD_STATE_INVALID', { state: 'not open yet', action: 'buy' });
  if (card.ends_at_ms !== null && nowMs >= Number(card.ends_at_ms))
    throw new VitaliveError('CARD_STATE_INVALID', { state: 'closed', action: 'buy' });
  const limit = Number(card.per_member_limit);
  if (input.quantity > limit) throw new VitaliveError('ORDER_LIMIT_EXCEEDED', { limit });
  return { card, limit };
}

/** The placements of one Orders: its placement SQL and the requests in flight. */
export class Placement {
  readonly #ctx: OrdersContext;
  /** In-flight placements per member and key: concurrent duplicates wait for the first. */
  readonly #inflight = new Map<string, { hash: () => string; reply: Promise<PlaceOrderReply> }>();
  readonly #sql: PlacementStore;

  constructor(ctx: OrdersContext) {
    this.#ctx = ctx;
    this.#sql = placementStore(ctx.store);
  }

  /** Places an order; returns what the API answers. Throws only on unexpected failures. */
  async place(
    actor: Actor,
    input: PlaceOrderInput,
    idempotencyKey: string | undefined,
  ): Promise<PlaceOrderReply> {
    if (!idempotencyKey) return errorReply(new VitaliveError('IDEMPOTENCY_KEY_REQUIRED'));
    // The body's hash is needed only when the key was seen before or the order is written.
    let memo: string | undefined;
    const hash = () => (memo ??= requestHash(input));
    const flightKey = `${actor.personId}\u0000${idempotencyKey}`;
    const running = this.#inflight.get(flightKey);
    if (running) {
      if (running.hash() !== hash()) return errorReply(new VitaliveError('IDEMPOTENCY_KEY_REUSED'));
      return running.reply;
    }
    const reply = this.#place(actor, input, idempotencyKey, hash).finally(() =>
      this.#inflight.delete(flightKey),
    );
    this.#inflight.set(flightKey, { hash, reply });
    return reply;
  }

  async #place(
    actor: Actor,
    input: PlaceOrderInput,
    key: string,
    hash: () => string,
  ): Promise<PlaceOrderReply> {
    const db = this.#sql;
    let reply: PlaceOrderReply;
    try {
      // A key seen before answers what it answered first, and touches nothing (the gate included).
      const seen = await db.lookup(actor.personId, key, input.cardId);
      const stored = storedReply(seen.stored, hash);
      if (stored) return stored;
      reply = await this.#attempt(actor, input, key, hash, seen.allowance);
    } catch (err) {
      if (!isVitaliveError(err)) throw err;
      reply = errorReply(err);
    }
    if (reply.status !== 201) {
      const code = String((reply.body as { code?: unknown }).code ?? 'UNKNOWN');
      this.#ctx.counters.refused[code] = (this.#ctx.counters.refused[code] ?? 0) + 1;
    }
    if (reply.status === 201 || !isFinal(reply)) return reply;
    return this.#rememberRefusal(actor.personId, key, hash, reply);
  }

  /** One placement after the key was found new: the limits, then the gate, then the transaction. */
  async #attempt(
    actor: Actor,
    input: PlaceOrderInput,
    key: string,
    hash: () => string,
    allowance: PlacementLookup['allowance'],
  ): Promise<PlaceOrderReply> {
    const { gate } = this.#ctx;
    const db = this.#sql;
    const provider = this.#provider(input.provider);
    if (input.fulfilment.method === 'pickup' && input.fulfilment.clinicId)
      input = { ...input, fulfilment: await pickupAtClinic(this.#ctx.store.db, input.fulfilment.clinicId) };
    // Limits before the gate: a request that can never become an order takes no units from it. The
    // transaction checks them again (the authoritative, concurrent-safe check).
    if (allowance && allowance.held + input.quantity > allowance.limit)
      throw new VitaliveError('ORDER_LIMIT_EXCEEDED', { limit: allowance.limit });
    const verdict = await gate.check(input.cardId, input.quantity);
    if (verdict === 'sold_out') return SOLD_OUT;
    const taken = typeof verdict === 'object' ? verdict : undefined;
    if (db.batched && !input.redeemCreditMinor)
      return this.#attemptBatched(db.batched, actor, input, provider, key, hash, taken);
    let result: { reply: PlaceOrderReply; remaining: number };
    try {
      result = await db.transaction((s) => this.#placeIn(s, actor, input, provider, key, hash()));
    } catch (err) {
      if (err instanceof SoldOut) {
        await gate.settle(input.cardId, 0);
        return SOLD_OUT;
      }
      // Every attempt that took units and did not become an order gives them back.
      if (taken) {
        this.#ctx.counters.gateReleases++;
        await gate.release(input.cardId, taken);
      }
      // Another process committed the same key first (PostgreSQL): answer with its response.
      if (uniqueViolation(err)?.includes('key') || uniqueViolation(err)?.includes('person_id')) {
        const again = await db.replay(actor.personId, key, hash);
        if (again) return again;
      }
      throw err;
    }
    await gate.settle(input.cardId, result.remaining);
    this.#ctx.onEvents?.();
    return result.reply;
  }

  /**
   * PostgreSQL, a placement without credit: one row of the batch's place_orders() call. The outcomes
   * are those of #placeIn, decided in the same order.
   */
  async #attemptBatched(
    batched: PgPlacements,
    actor: Actor,
    input: PlaceOrderInput,
    provider: PaymentProvider,
    key: string,
    hash: () => string,
    taken: GateTake | undefined,
  ): Promise<PlaceOrderReply> {
    const { gate } = this.#ctx;
    const orderId = randomUUID();
    let done: PgPlacementOutcome;
    try {
      done = await batched.place({
        cardId: input.cardId,
        personId: actor.personId,
        quantity: input.quantity,
        orderId,
        provider: provider.name,
        fulfilment: JSON.stringify(input.fulfilment),
        reservationMs: provider.reservationMs,
        checkoutUrl: provider.checkoutUrl?.(orderId) ?? null,
        key,
        hash: hash(),
      });
    } catch (err) {
      if (taken) {
        this.#ctx.counters.gateReleases++;
        await gate.release(input.cardId, taken);
      }
      throw err;
    }
    if (done.outcome === 'placed') {
      await done.positioned;
      await gate.settle(input.cardId, done.remaining);
      this.#ctx.onEvents?.();
      return { status: 201, body: done.body };
    }
    if (done.outcome === 'sold_out') {
      await gate.settle(input.cardId, 0);
      return SOLD_OUT;
    }
    if (taken) {
      this.#ctx.counters.gateReleases++;
      await gate.release(input.cardId, taken);
    }
    switch (done.outcome) {
      case 'replay': {
        // Another process committed the same key first: answer with its response.
        const again = await this.#sql.replay(actor.personId, key, hash);
        if (again) return again;
        throw new Error('place_orders: key taken but no stored answer');
      }
      case 'not_found':
        throw new VitaliveError('NOT_FOUND', { what: `Card ${input.cardId}` });
      case 'session_state':
        throw new VitaliveError('SESSION_STATE_INVALID', { state: done.state, action: 'buy' });
      case 'card_state':
        throw new VitaliveError('CARD_STATE_INVALID', { state: done.state, action: 'buy' });
      case 'limit':
        throw new VitaliveError('ORDER_LIMIT_EXCEEDED', { limit: done.limit });
      case 'insufficient':
        throw new VitaliveError('CARD_SOLD_OUT');
    }
  }

  /**
   * Stores a final refusal as the key's answer, unless the key already has one (another node, or the
   * other transport, answered first): then that first answer is returned instead.
   */
  async #rememberRefusal(
    personId: string,
    key: string,
    hash: () => string,
    reply: PlaceOrderReply,
  ): Promise<PlaceOrderReply> {
    try {
      await this.#sql.transaction((s) => s.remember(personId, key, hash(), reply, Date.now()));
      return reply;
    } catch (err) {
      if (!uniqueViolation(err)) throw err;
      try {
        return (await this.#sql.replay(personId, key, hash)) ?? reply;
      } catch (again) {
        if (isVitaliveError(again)) return errorReply(again);
        throw again;
      }
    }
  }

  /** One placement transaction: every statement below commits together or not at all. */
  async #placeIn(
    s: PlacementSql,
    actor: Actor,
    input: PlaceOrderInput,
    provider: PaymentProvider,
    key: string,
    hash: string,
  ): Promise<{ reply: PlaceOrderReply; remaining: number }> {
    const nowMs = Date.now();
    const { card, limit } = buyable(await s.card(input.cardId), input, nowMs);

    // Per-member limit: one row per card and person, raised only while the sum stays within the limit.
    if (!(await s.hold(card.id, actor.personId, input.quantity, limit)))
      throw new VitaliveError('ORDER_LIMIT_EXCEEDED', { limit });

    // The stock decision: only an open card with enough units left loses them.
    const remaining = await s.take(card.id, input.quantity, nowMs);
    if (remaining === undefined) {
      if ((await s.remaining(card.id)) === 0) throw new SoldOut();
      throw new VitaliveError('CARD_SOLD_OUT');
    }

    const row = orderRow(card, actor, input, provider, nowMs);
    await s.insertOrder(row);
    if (input.redeemCreditMinor)
      row.credit_minor = await this.#redeem(s.trx, row, input.redeemCreditMinor, nowMs);
    const order = orderView(row);
    // Further steps of the placement go here, before the answer is stored: `s.trx` is this transaction.
    // On PostgreSQL a placement without credit runs place_orders() (migration 0025) instead of this
    // method: a step added here needs the same step there (a later migration replacing the function);
    // tests/commerce/placement-parity.test.ts runs every rule on both and fails when they differ.

    const reply = {
      status: 201,
      body: { ...order, checkoutUrl: provider.checkoutUrl?.(order.orderId) ?? null },
    };
    await s.remember(actor.personId, key, hash, reply, nowMs);
    const stock = { aggregateId: card.id, sessionId: card.session_id };
    const events: NewDomainEvent[] = [
      orderEvent('order.placed', order),
      { type: 'stock.changed', ...stock, payload: { cardId: card.id, remaining } },
    ];
    if (remaining === 0) {
      const view = await s.cardView(card.id);
      events.push({
        type: 'card.sold_out',
        ...stock,
        payload: { cardId: card.id, remaining: 0, state: 'sold_out', card: view },
      });
    }
    await s.appendEvents(events, nowMs);
    return { reply, remaining };
  }

  /** Redeems credit for the order just inserted and records it on the order row (same transaction). */
  async #redeem(
    trx: Kysely<Database>,
    row: Selectable<OrdersTable>,
    requestedMinor: number,
    nowMs: number,
  ): Promise<number> {
    const credit = this.#ctx.credit;
    if (!credit) throw new VitaliveError('CREDIT_UNAVAILABLE', { reason: 'redemption is not offered' });
    const applied = await credit.redeem(
      trx,
      {
        orderId: row.id,
        personId: row.person_id,
        totalMinor: Number(row.total_minor),
        currency: row.currency,
        requestedMinor,
      },
      nowMs,
    );
    if (applied > 0)
      await trx.updateTable('orders').set({ credit_minor: applied }).where('id', '=', row.id).execute();
    return applied;
  }

  #provider(name: ProviderName | undefined): PaymentProvider {
    const n = name ?? this.#ctx.defaultProvider;
    const p = this.#ctx.providers[n];
    if (!p) throw new VitaliveError('PAYMENT_PROVIDER_UNKNOWN', { provider: n });
    return p;
  }
}

function orderRow(
  card: CardForOrder,
  actor: Actor,
  input: PlaceOrderInput,
  provider: PaymentProvider,
  nowMs: number,
): Selectable<OrdersTable> {
  const unit = Number(card.price_minor);
  return {
    id: randomUUID(),
    person_id: actor.personId,
    session_id: card.session_id,
    card_id: card.id,
    sku_id: card.sku_id,
    quantity: input.quantity,
    unit_price_minor: unit,
    total_minor: unit * input.quantity,
    currency: card.currency,
    status: 'placed',
    provider: provider.name,
    fulfilment: JSON.stringify(input.fulfilment),
    reserved_until_ms: nowMs + provider.reservationMs,
    paid_at_ms: null,
    credit_minor: 0,
    created_at_ms: nowMs,
    updated_at_ms: nowMs,
  };
}
