// Orders: placed from a pinned card under an Idempotency-Key, never oversold (conditional decrement in
// the order's transaction), per-member limits held under concurrency (a conditional upsert per card and
// person), reservations that expire per payment provider, and a state machine for payment, fulfilment,
// cancellation and refund. Every change writes its events in the same transaction.
import { randomUUID } from 'node:crypto';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Logger } from 'pino';
import { isVitaliveError, VitaliveError } from '../../protocols/index.ts';
import { appendEvent } from '../outbox.ts';
import type { Actor } from '../people/person-model.ts';
import { uniqueViolation } from '../people/unique-violation.ts';
import { type CardView, cardView } from '../sales/views.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { remember, replay, requestHash, type StoredResponse } from './idempotency.ts';
import { assertTransition, type Fulfilment, type Order, orderView } from './order-view.ts';
import type { PaymentProvider } from './payments.ts';
import { LocalStockGate, type StockGate } from './stock-gate.ts';
import type { OrderStatus, OrdersTable, ProviderName } from './tables.ts';

export interface PlaceOrderInput {
  cardId: string;
  quantity: number;
  provider?: ProviderName | undefined;
  fulfilment: Fulfilment;
}

export interface OrdersOptions {
  store: Store;
  logger: Logger;
  providers: Partial<Record<ProviderName, PaymentProvider>>;
  /** @default 'manual' */
  defaultProvider?: ProviderName;
  /** @default in-process */
  gate?: StockGate;
  /** A refund puts the units back on the card while its session is live. @default true */
  refundRestocksLiveCard?: boolean;
  /** Called after each commit that wrote events (wakes the event dispatcher). */
  onEvents?: (() => void) | undefined;
}

/** What an order placement answers: the HTTP status and JSON body, identical over HTTP and sockets. */
export type PlaceOrderReply = StoredResponse;

/** The whole public card, for the `card.sold_out` frame (read inside the order transaction). */
async function soldOutView(trx: Kysely<Database>, cardId: string): Promise<CardView> {
  const row = await trx
    .selectFrom('cards')
    .innerJoin('skus', 'skus.id', 'cards.sku_id')
    .selectAll('cards')
    .select('skus.titles')
    .where('cards.id', '=', cardId)
    .executeTakeFirstOrThrow();
  return cardView(row, row.titles);
}

const isStaff = (a: Actor) => a.roles.includes('staff') || a.roles.includes('admin');

function errorReply(err: VitaliveError): PlaceOrderReply {
  return { status: err.statusCode, body: err.toJSON() };
}

class SoldOut extends Error {}

export class Orders {
  readonly #o: Required<Omit<OrdersOptions, 'onEvents'>> & { onEvents: (() => void) | undefined };
  /** In-flight placements per member and key: concurrent duplicates wait for the first. */
  readonly #inflight = new Map<string, { hash: string; reply: Promise<PlaceOrderReply> }>();

  constructor(opts: OrdersOptions) {
    this.#o = {
      defaultProvider: 'manual',
      gate: new LocalStockGate(),
      refundRestocksLiveCard: true,
      onEvents: undefined,
      ...opts,
    };
  }

  get gate(): StockGate {
    return this.#o.gate;
  }

  /** Places an order; returns what the API answers. Throws only on unexpected failures. */
  async place(
    actor: Actor,
    input: PlaceOrderInput,
    idempotencyKey: string | undefined,
  ): Promise<PlaceOrderReply> {
    if (!idempotencyKey) return errorReply(new VitaliveError('IDEMPOTENCY_KEY_REQUIRED'));
    const hash = requestHash(input);
    const flightKey = `${actor.personId}\u0000${idempotencyKey}`;
    const running = this.#inflight.get(flightKey);
    if (running) {
      if (running.hash !== hash) return errorReply(new VitaliveError('IDEMPOTENCY_KEY_REUSED'));
      return running.reply;
    }
    const reply = this.#place(actor, input, idempotencyKey, hash).finally(() =>
      this.#inflight.delete(flightKey),
    );
    this.#inflight.set(flightKey, { hash, reply });
    return reply;
  }

  async #place(actor: Actor, input: PlaceOrderInput, key: string, hash: string): Promise<PlaceOrderReply> {
    const { store, gate } = this.#o;
    try {
      const provider = this.#provider(input.provider);
      if ((await gate.check(input.cardId, input.quantity)) === 'sold_out') {
        // A retry of an order that succeeded before the sell-out still gets its answer.
        return (
          (await replay(store.db, actor.personId, key, hash)) ??
          errorReply(new VitaliveError('CARD_SOLD_OUT'))
        );
      }
      const stored = await replay(store.db, actor.personId, key, hash);
      if (stored) {
        await gate.release(input.cardId, input.quantity);
        return stored;
      }
      let result: { reply: PlaceOrderReply; remaining: number };
      try {
        result = await store.transaction((trx) => this.#placeIn(trx, actor, input, provider, key, hash));
      } catch (err) {
        if (err instanceof SoldOut) {
          await gate.settle(input.cardId, 0);
          return errorReply(new VitaliveError('CARD_SOLD_OUT'));
        }
        await gate.release(input.cardId, input.quantity);
        // Another process committed the same key first (PostgreSQL): answer with its response.
        if (uniqueViolation(err)?.includes('key') || uniqueViolation(err)?.includes('person_id')) {
          const again = await replay(store.db, actor.personId, key, hash);
          if (again) return again;
        }
        throw err;
      }
      await gate.settle(input.cardId, result.remaining);
      this.#o.onEvents?.();
      return result.reply;
    } catch (err) {
      if (isVitaliveError(err)) return errorReply(err);
      throw err;
    }
  }

  async #placeIn(
    trx: Kysely<Database>,
    actor: Actor,
    input: PlaceOrderInput,
    provider: PaymentProvider,
    key: string,
    hash: string,
  ): Promise<{ reply: PlaceOrderReply; remaining: number }> {
    const nowMs = Date.now();
    const card = await trx
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
      .where('cards.id', '=', input.cardId)
      .executeTakeFirst();
    if (!card) throw new VitaliveError('NOT_FOUND', { what: `Card ${input.cardId}` });
    if (card.state === 'sold_out') throw new SoldOut();
    if (card.session_state !== 'live')
      throw new VitaliveError('SESSION_STATE_INVALID', { state: card.session_state, action: 'buy' });
    if (card.state !== 'pinned')
      throw new VitaliveError('CARD_STATE_INVALID', { state: card.state, action: 'buy' });
    if (card.starts_at_ms !== null && nowMs < Number(card.starts_at_ms))
      throw new VitaliveError('CARD_STATE_INVALID', { state: 'not open yet', action: 'buy' });
    if (card.ends_at_ms !== null && nowMs >= Number(card.ends_at_ms))
      throw new VitaliveError('CARD_STATE_INVALID', { state: 'closed', action: 'buy' });
    const limit = Number(card.per_member_limit);
    if (input.quantity > limit) throw new VitaliveError('ORDER_LIMIT_EXCEEDED', { limit });

    // Per-member limit: one row per card and person, raised only while the sum stays within the limit.
    const held = await trx
      .insertInto('card_holdings')
      .values({ card_id: card.id, person_id: actor.personId, quantity: input.quantity })
      .onConflict((oc) =>
        oc
          .columns(['card_id', 'person_id'])
          .doUpdateSet({ quantity: sql`card_holdings.quantity + excluded.quantity` })
          .where(sql<number>`card_holdings.quantity + excluded.quantity`, '<=', limit),
      )
      .executeTakeFirst();
    if (Number(held.numInsertedOrUpdatedRows ?? 0) !== 1)
      throw new VitaliveError('ORDER_LIMIT_EXCEEDED', { limit });

    // The stock decision: only a pinned card with enough units left loses them.
    const taken = await trx
      .updateTable('cards')
      .set({
        remaining: sql`remaining - ${input.quantity}`,
        state: sql`case when remaining - ${input.quantity} = 0 then 'sold_out' else state end`,
        updated_at_ms: nowMs,
      })
      .where('id', '=', card.id)
      .where('state', '=', 'pinned')
      .where('remaining', '>=', input.quantity)
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) !== 1) {
      const now = await trx
        .selectFrom('cards')
        .select('remaining')
        .where('id', '=', card.id)
        .executeTakeFirstOrThrow();
      if (Number(now.remaining) === 0) throw new SoldOut();
      throw new VitaliveError('CARD_SOLD_OUT');
    }
    const remaining = Number(card.remaining) - input.quantity;
    const unit = Number(card.price_minor);
    const row: Selectable<OrdersTable> = {
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
      created_at_ms: nowMs,
      updated_at_ms: nowMs,
    };
    await trx.insertInto('orders').values(row).execute();
    const order = orderView(row);
    await this.#orderEvent(trx, 'order.placed', order);
    await appendEvent(trx, {
      type: 'stock.changed',
      aggregateId: card.id,
      sessionId: card.session_id,
      payload: { cardId: card.id, remaining },
    });
    if (remaining === 0) {
      await appendEvent(trx, {
        type: 'card.sold_out',
        aggregateId: card.id,
        sessionId: card.session_id,
        payload: { cardId: card.id, remaining: 0, state: 'sold_out', card: await soldOutView(trx, card.id) },
      });
    }
    const body = { ...order, checkoutUrl: provider.checkoutUrl?.(order.orderId) ?? null };
    const reply = { status: 201, body };
    await remember(trx, actor.personId, key, hash, reply, nowMs);
    return { reply, remaining };
  }

  async get(actor: Actor, orderId: string): Promise<Order> {
    const row = await this.#store.db
      .selectFrom('orders')
      .selectAll()
      .where('id', '=', orderId)
      .executeTakeFirst();
    // Someone else's order is as invisible as a missing one.
    if (!row || (row.person_id !== actor.personId && !isStaff(actor)))
      throw new VitaliveError('NOT_FOUND', { what: `Order ${orderId}` });
    return orderView(row);
  }

  async list(
    actor: Actor,
    q: {
      personId?: string | undefined;
      sessionId?: string | undefined;
      status?: OrderStatus | undefined;
      limit: number;
      offset: number;
    },
  ): Promise<Order[]> {
    let query = this.#store.db.selectFrom('orders').selectAll();
    const personId = isStaff(actor) ? q.personId : actor.personId;
    if (personId) query = query.where('person_id', '=', personId);
    if (q.sessionId) query = query.where('session_id', '=', q.sessionId);
    if (q.status) query = query.where('status', '=', q.status);
    const rows = await query
      .orderBy('created_at_ms', 'desc')
      .orderBy('id')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    return rows.map(orderView);
  }

  /** Staff confirm a manual payment (bank transfer, payment at the counter). */
  confirmManualPayment(actor: Actor, orderId: string): Promise<Order> {
    if (!isStaff(actor)) throw new VitaliveError('FORBIDDEN', { reason: 'staff confirm payments' });
    return this.#change(orderId, 'paid', async (_trx, order) => {
      if (order.provider !== 'manual')
        throw new VitaliveError('CONFLICT', { reason: `order is paid through ${order.provider}` });
    });
  }

  /**
   * A verified provider callback: marks the order paid once. The same event id again is a no-op that
   * answers with the order; a late payment for an order no longer payable is recorded and refused.
   */
  async recordProviderPayment(
    provider: ProviderName,
    event: { eventId: string; orderId: string; amountMinor: number; currency: string },
  ): Promise<{ duplicate: boolean; order: Order }> {
    try {
      const order = await this.#change(event.orderId, 'paid', async (trx, current) => {
        if (current.provider !== provider)
          throw new VitaliveError('CONFLICT', { reason: `order is paid through ${current.provider}` });
        if (current.totalMinor !== event.amountMinor || current.currency !== event.currency.toUpperCase())
          throw new VitaliveError('VALIDATION_FAILED', {
            reason: 'amount or currency does not match the order',
          });
        await trx
          .insertInto('payment_events')
          .values({
            provider,
            event_id: event.eventId,
            order_id: event.orderId,
            kind: 'payment.succeeded',
            amount_minor: event.amountMinor,
            received_at_ms: Date.now(),
          })
          .execute();
      });
      return { duplicate: false, order };
    } catch (err) {
      const seen = await this.#store.db
        .selectFrom('payment_events')
        .select('order_id')
        .where('provider', '=', provider)
        .where('event_id', '=', event.eventId)
        .executeTakeFirst();
      if (seen) {
        const row = await this.#store.db
          .selectFrom('orders')
          .selectAll()
          .where('id', '=', seen.order_id)
          .executeTakeFirstOrThrow();
        return { duplicate: true, order: orderView(row) };
      }
      throw err;
    }
  }

  cancel(actor: Actor, orderId: string): Promise<Order> {
    return this.#change(orderId, 'cancelled', async (trx, order) => {
      if (order.personId !== actor.personId && !isStaff(actor))
        throw new VitaliveError('NOT_FOUND', { what: `Order ${orderId}` });
      return this.#returnStock(trx, order, true);
    });
  }

  refund(actor: Actor, orderId: string): Promise<Order> {
    if (!isStaff(actor)) throw new VitaliveError('FORBIDDEN', { reason: 'staff refund orders' });
    return this.#change(orderId, 'refunded', (trx, order) =>
      this.#returnStock(trx, order, this.#o.refundRestocksLiveCard),
    );
  }

  fulfil(actor: Actor, orderId: string): Promise<Order> {
    if (!isStaff(actor)) throw new VitaliveError('FORBIDDEN', { reason: 'staff fulfil orders' });
    return this.#change(orderId, 'fulfilled', async () => {});
  }

  complete(actor: Actor, orderId: string): Promise<Order> {
    if (!isStaff(actor)) throw new VitaliveError('FORBIDDEN', { reason: 'staff complete orders' });
    return this.#change(orderId, 'completed', async () => {});
  }

  /** Unpaid orders past their reservation → expired, stock back. Safe with several processes. */
  async expireDue(nowMs = Date.now(), batch = 200): Promise<number> {
    const due = await this.#store.db
      .selectFrom('orders')
      .select('id')
      .where('status', '=', 'placed')
      .where('reserved_until_ms', '<=', nowMs)
      .orderBy('reserved_until_ms')
      .limit(batch)
      .execute();
    let expired = 0;
    for (const { id } of due) {
      try {
        await this.#change(id, 'expired', (trx, order) => this.#returnStock(trx, order, true));
        expired++;
      } catch (err) {
        // Paid or cancelled in the meantime, or expired by another process: nothing to do.
        if (!isVitaliveError(err)) throw err;
      }
    }
    return expired;
  }

  get #store(): Store {
    return this.#o.store;
  }

  #provider(name: ProviderName | undefined): PaymentProvider {
    const n = name ?? this.#o.defaultProvider;
    const p = this.#o.providers[n];
    if (!p) throw new VitaliveError('PAYMENT_PROVIDER_UNKNOWN', { provider: n });
    return p;
  }

  /** One legal transition in one transaction, conditional on the status it was decided from. */
  async #change(
    orderId: string,
    to: OrderStatus,
    /** Resolves true when units went back on the card. */
    effect: (trx: Kysely<Database>, order: Order) => Promise<unknown>,
  ): Promise<Order> {
    const nowMs = Date.now();
    const { order, restocked } = await this.#store.transaction(async (trx) => {
      const row = await trx.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
      if (!row) throw new VitaliveError('NOT_FOUND', { what: `Order ${orderId}` });
      assertTransition(row.status, to);
      const res = await trx
        .updateTable('orders')
        .set({ status: to, updated_at_ms: nowMs, ...(to === 'paid' ? { paid_at_ms: nowMs } : {}) })
        .where('id', '=', orderId)
        .where('status', '=', row.status)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1)
        throw new VitaliveError('ORDER_INVALID_TRANSITION', { from: row.status, to });
      const next = orderView({
        ...row,
        status: to,
        updated_at_ms: nowMs,
        paid_at_ms: to === 'paid' ? nowMs : row.paid_at_ms,
      });
      const restocked = (await effect(trx, orderView(row))) === true;
      await this.#orderEvent(trx, `order.${to}` as const, next);
      return { order: next, restocked };
    });
    if (restocked) await this.#o.gate.invalidate(order.cardId);
    this.#o.onEvents?.();
    return order;
  }

  async #returnStock(trx: Kysely<Database>, order: Order, toCard: boolean): Promise<boolean> {
    await trx
      .updateTable('card_holdings')
      .set({ quantity: sql`quantity - ${order.quantity}` })
      .where('card_id', '=', order.cardId)
      .where('person_id', '=', order.personId)
      .execute();
    const card = await trx
      .selectFrom('cards')
      .innerJoin('live_sessions', 'live_sessions.id', 'cards.session_id')
      .select(['cards.state', 'cards.remaining', 'live_sessions.state as session_state'])
      .where('cards.id', '=', order.cardId)
      .executeTakeFirstOrThrow();
    const live = card.session_state === 'live' && card.state !== 'expired';
    if (!toCard || !live) {
      // The units go back to the warehouse instead.
      await trx
        .updateTable('skus')
        .set({ stock_on_hand: sql`stock_on_hand + ${order.quantity}` })
        .where('id', '=', order.skuId)
        .execute();
      return false;
    }
    const remaining = Number(card.remaining) + order.quantity;
    await trx
      .updateTable('cards')
      .set({
        remaining: sql`remaining + ${order.quantity}`,
        state: sql`case when state = 'sold_out' then 'pinned' else state end`,
        updated_at_ms: Date.now(),
      })
      .where('id', '=', order.cardId)
      .execute();
    await appendEvent(trx, {
      type: 'stock.changed',
      aggregateId: order.cardId,
      sessionId: order.sessionId,
      payload: { cardId: order.cardId, remaining, state: card.state === 'sold_out' ? 'pinned' : card.state },
    });
    return true;
  }

  #orderEvent(trx: Kysely<Database>, type: `order.${OrderStatus}`, order: Order) {
    return appendEvent(trx, {
      type: type as 'order.placed',
      aggregateId: order.orderId,
      sessionId: order.sessionId,
      payload: {
        orderId: order.orderId,
        personId: order.personId,
        cardId: order.cardId,
        quantity: order.quantity,
        totalMinor: order.totalMinor,
        currency: order.currency,
        status: order.status,
      },
    });
  }
}
