// Orders: placed from a pinned card under an Idempotency-Key, never oversold (conditional decrement in
// the order's transaction), per-member limits held under concurrency (a conditional upsert per card and
// person), reservations that expire per payment provider, and a state machine for payment, fulfilment,
// cancellation and refund. Every change writes its events in the same transaction.
import { randomUUID } from 'node:crypto';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Logger } from 'pino';
import { isVitaliveError, VitaliveError } from '../../protocols/index.ts';
import { appendEvent, type NewDomainEvent } from '../outbox.ts';
import type { Actor } from '../people/person-model.ts';
import { uniqueViolation } from '../people/unique-violation.ts';
import { cardView } from '../sales/views.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { requestHash, type StoredResponse } from './idempotency.ts';
import { assertTransition, type Fulfilment, type Order, orderView } from './order-view.ts';
import type { PaymentProvider } from './payments.ts';
import {
  type CardForOrder,
  type PlacementSql,
  type PlacementStore,
  placementStore,
} from './placement-sql.ts';
import { LocalStockGate, type StockGate } from './stock-gate.ts';
import type { OrderStatus, OrdersTable, ProviderName } from './tables.ts';

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
  /** Pinned cards per session (SALES_MAX_PINNED): a sold-out card restocked beyond it is unpinned. @default 3 */
  maxPinned?: number;
  /** Called after each commit that wrote events (wakes the event dispatcher). */
  onEvents?: (() => void) | undefined;
  /** Credit redemption; without it, an order asking to redeem is refused with CREDIT_UNAVAILABLE. */
  credit?: OrderCredit | undefined;
}

/** Why a verified payment could not be applied to its order. */
export type OrphanReason = 'order_not_payable' | 'order_unknown' | 'amount_mismatch' | 'provider_mismatch';

export interface ProviderPaymentResult {
  /** The same provider event was recorded before: nothing changed. */
  duplicate: boolean;
  /** Set when the payment was recorded as `payment.orphaned` (to refund) instead of paying the order. */
  orphaned: OrphanReason | null;
  /** The order as it stands, or undefined when no such order exists. */
  order: Order | undefined;
}

/** A verified payment that no order took (staff refund it). */
export interface OrphanedPayment {
  provider: string;
  eventId: string;
  orderId: string;
  personId: string | null;
  orderStatus: OrderStatus | null;
  amountMinor: number;
  currency: string;
  reason: OrphanReason;
  receivedAtMs: number;
  resolvedAtMs: number | null;
}

/** Verified payments not yet settled by staff (the /staff stream shows the count). */
export async function countOrphanedPayments(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('payment_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '=', 'payment.orphaned')
    .where('resolved_at_ms', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

function orphanReason(err: VitaliveError): OrphanReason {
  if (err.code === 'NOT_FOUND') return 'order_unknown';
  if (err.code === 'VALIDATION_FAILED') return 'amount_mismatch';
  if (err.code === 'CONFLICT') return 'provider_mismatch';
  return 'order_not_payable';
}

/** What an order placement answers: the HTTP status and JSON body, identical over HTTP and sockets. */
export type PlaceOrderReply = StoredResponse;

const isStaff = (a: Actor) => a.roles.includes('staff') || a.roles.includes('admin');

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
  if (card.state !== 'pinned')
    throw new VitaliveError('CARD_STATE_INVALID', { state: card.state, action: 'buy' });
  if (card.starts_at_ms !== null && nowMs < Number(card.starts_at_ms))
    throw new VitaliveError('CARD_STATE_INVALID', { state: 'not open yet', action: 'buy' });
  if (card.ends_at_ms !== null && nowMs >= Number(card.ends_at_ms))
    throw new VitaliveError('CARD_STATE_INVALID', { state: 'closed', action: 'buy' });
  const limit = Number(card.per_member_limit);
  if (input.quantity > limit) throw new VitaliveError('ORDER_LIMIT_EXCEEDED', { limit });
  return { card, limit };
}

/** A verified provider event, recorded once per (provider, event id): applied, or orphaned with why. */
function insertPaymentEvent(
  trx: Kysely<Database>,
  provider: ProviderName,
  event: { eventId: string; orderId: string; amountMinor: number; currency: string },
  kind: 'payment.succeeded' | 'payment.orphaned',
  reason: OrphanReason | null,
  nowMs: number,
): Promise<unknown> {
  return trx
    .insertInto('payment_events')
    .values({
      provider,
      event_id: event.eventId,
      order_id: event.orderId,
      kind,
      amount_minor: event.amountMinor,
      currency: event.currency.toUpperCase(),
      reason,
      received_at_ms: nowMs,
    })
    .execute();
}

function orderEvent(type: `order.${OrderStatus}`, order: Order): NewDomainEvent {
  return {
    type: type as 'order.placed',
    aggregateId: order.orderId,
    sessionId: order.sessionId,
    payload: {
      orderId: order.orderId,
      personId: order.personId,
      cardId: order.cardId,
      quantity: order.quantity,
      totalMinor: order.totalMinor,
      creditMinor: order.creditMinor,
      currency: order.currency,
      status: order.status,
    },
  };
}

/** What placement and payments refused or set aside since start (exported as metrics by the gateway). */
export interface OrderCounters {
  /** Placement refusals per error code (stored or not). */
  refused: Record<string, number>;
  /** Verified payments recorded as orphaned (to refund). */
  orphanedPayments: number;
  /** Attempts that took units from the stock gate and gave them back. */
  gateReleases: number;
}

export class Orders {
  readonly counters: OrderCounters = { refused: {}, orphanedPayments: 0, gateReleases: 0 };
  readonly #o: Required<Omit<OrdersOptions, 'onEvents' | 'credit'>> &
    Pick<OrdersOptions, 'onEvents' | 'credit'>;
  /** In-flight placements per member and key: concurrent duplicates wait for the first. */
  readonly #inflight = new Map<string, { hash: () => string; reply: Promise<PlaceOrderReply> }>();
  readonly #sql: PlacementStore;

  constructor(opts: OrdersOptions) {
    this.#o = {
      defaultProvider: 'manual',
      gate: new LocalStockGate(),
      refundRestocksLiveCard: true,
      maxPinned: 3,
      onEvents: undefined,
      ...opts,
    };
    this.#sql = placementStore(opts.store);
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
      const stored = await db.replay(actor.personId, key, hash);
      if (stored) return stored;
      reply = await this.#attempt(actor, input, key, hash);
    } catch (err) {
      if (!isVitaliveError(err)) throw err;
      reply = errorReply(err);
    }
    if (reply.status !== 201) {
      const code = String((reply.body as { code?: unknown }).code ?? 'UNKNOWN');
      this.counters.refused[code] = (this.counters.refused[code] ?? 0) + 1;
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
  ): Promise<PlaceOrderReply> {
    const { gate } = this.#o;
    const db = this.#sql;
    const provider = this.#provider(input.provider);
    // Limits before the gate: a request that can never become an order takes no units from it. The
    // transaction checks them again (the authoritative, concurrent-safe check).
    const allowance = await db.allowance(input.cardId, actor.personId);
    if (allowance && allowance.held + input.quantity > allowance.limit)
      throw new VitaliveError('ORDER_LIMIT_EXCEEDED', { limit: allowance.limit });
    const verdict = await gate.check(input.cardId, input.quantity);
    if (verdict === 'sold_out') return SOLD_OUT;
    const taken = typeof verdict === 'object' ? verdict : undefined;
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
        this.counters.gateReleases++;
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
    this.#o.onEvents?.();
    return result.reply;
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

    // The stock decision: only a pinned card with enough units left loses them.
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
    const credit = this.#o.credit;
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
   * answers as the first time. Every verified payment is recorded: one the order can no longer take
   * (expired, cancelled, already paid, another amount or provider, an unknown order) becomes a
   * `payment.orphaned` row and event, for staff to refund — the money is never lost from view.
   */
  async recordProviderPayment(
    provider: ProviderName,
    event: { eventId: string; orderId: string; amountMinor: number; currency: string },
  ): Promise<ProviderPaymentResult> {
    const seen = await this.#paymentEvent(provider, event.eventId);
    if (seen) return seen;
    let refusal: VitaliveError;
    try {
      const order = await this.#change(event.orderId, 'paid', async (trx, current) => {
        if (current.provider !== provider)
          throw new VitaliveError('CONFLICT', { reason: `order is paid through ${current.provider}` });
        if (current.payableMinor !== event.amountMinor || current.currency !== event.currency.toUpperCase())
          throw new VitaliveError('VALIDATION_FAILED', {
            reason: 'amount or currency does not match the order',
          });
        await insertPaymentEvent(trx, provider, event, 'payment.succeeded', null, Date.now());
      });
      return { duplicate: false, orphaned: null, order };
    } catch (err) {
      // The same event delivered twice at once: the other delivery recorded it.
      const again = await this.#paymentEvent(provider, event.eventId);
      if (again) return again;
      if (!isVitaliveError(err)) throw err;
      refusal = err;
    }
    return this.#recordOrphan(provider, event, orphanReason(refusal));
  }

  /** Verified payments that could not be applied, newest first (staff: to refund). */
  async orphanedPayments(
    actor: Actor,
    q: {
      unresolvedOnly?: boolean | undefined;
      limit: number;
      offset: number;
      eventId?: { provider: string; eventId: string };
    },
  ): Promise<OrphanedPayment[]> {
    if (!isStaff(actor)) throw new VitaliveError('FORBIDDEN', { reason: 'staff see orphaned payments' });
    let query = this.#store.db
      .selectFrom('payment_events')
      .leftJoin('orders', 'orders.id', 'payment_events.order_id')
      .select([
        'payment_events.provider',
        'payment_events.event_id',
        'payment_events.order_id',
        'payment_events.amount_minor',
        'payment_events.currency',
        'payment_events.reason',
        'payment_events.received_at_ms',
        'payment_events.resolved_at_ms',
        'orders.status as order_status',
        'orders.person_id',
      ])
      .where('payment_events.kind', '=', 'payment.orphaned');
    if (q.unresolvedOnly) query = query.where('payment_events.resolved_at_ms', 'is', null);
    if (q.eventId)
      query = query
        .where('payment_events.provider', '=', q.eventId.provider)
        .where('payment_events.event_id', '=', q.eventId.eventId);
    const rows = await query
      .orderBy('payment_events.received_at_ms', 'desc')
      .orderBy('payment_events.event_id')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    return rows.map((r) => ({
      provider: r.provider,
      eventId: r.event_id,
      orderId: r.order_id,
      personId: r.person_id ?? null,
      orderStatus: (r.order_status as OrderStatus | null) ?? null,
      amountMinor: Number(r.amount_minor),
      currency: r.currency ?? '',
      reason: (r.reason ?? 'order_not_payable') as OrphanReason,
      receivedAtMs: Number(r.received_at_ms),
      resolvedAtMs: r.resolved_at_ms === null ? null : Number(r.resolved_at_ms),
    }));
  }

  /** Staff refunded an orphaned payment at the provider: it leaves the "to refund" list. Audited by event. */
  async resolveOrphanedPayment(actor: Actor, provider: string, eventId: string): Promise<OrphanedPayment> {
    if (!isStaff(actor)) throw new VitaliveError('FORBIDDEN', { reason: 'staff settle orphaned payments' });
    const nowMs = Date.now();
    await this.#store.transaction(async (trx) => {
      const res = await trx
        .updateTable('payment_events')
        .set({ resolved_at_ms: nowMs })
        .where('provider', '=', provider)
        .where('event_id', '=', eventId)
        .where('kind', '=', 'payment.orphaned')
        .where('resolved_at_ms', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1)
        throw new VitaliveError('NOT_FOUND', { what: `Unsettled orphaned payment ${eventId}` });
      await appendEvent(trx, {
        type: 'payment.orphan_resolved',
        aggregateId: eventId,
        payload: { provider, eventId, resolvedBy: actor.personId },
      });
    });
    this.#o.onEvents?.();
    const rows = await this.orphanedPayments(actor, { limit: 1, offset: 0, eventId: { provider, eventId } });
    return rows[0]!;
  }

  async #paymentEvent(provider: ProviderName, eventId: string): Promise<ProviderPaymentResult | undefined> {
    const seen = await this.#store.db
      .selectFrom('payment_events')
      .select(['order_id', 'kind', 'reason'])
      .where('provider', '=', provider)
      .where('event_id', '=', eventId)
      .executeTakeFirst();
    if (!seen) return undefined;
    const row = await this.#store.db
      .selectFrom('orders')
      .selectAll()
      .where('id', '=', seen.order_id)
      .executeTakeFirst();
    const orphaned =
      seen.kind === 'payment.orphaned' ? ((seen.reason ?? 'order_not_payable') as OrphanReason) : null;
    return { duplicate: true, orphaned, order: row && orderView(row) };
  }

  async #recordOrphan(
    provider: ProviderName,
    event: { eventId: string; orderId: string; amountMinor: number; currency: string },
    reason: OrphanReason,
  ): Promise<ProviderPaymentResult> {
    const nowMs = Date.now();
    const currency = event.currency.toUpperCase();
    try {
      const order = await this.#store.transaction(async (trx) => {
        const row = await trx
          .selectFrom('orders')
          .selectAll()
          .where('id', '=', event.orderId)
          .executeTakeFirst();
        await insertPaymentEvent(trx, provider, event, 'payment.orphaned', reason, nowMs);
        await appendEvent(trx, {
          type: 'payment.orphaned',
          aggregateId: event.orderId,
          payload: {
            provider,
            eventId: event.eventId,
            orderId: event.orderId,
            personId: row?.person_id ?? null,
            orderStatus: row?.status ?? null,
            amountMinor: event.amountMinor,
            currency,
            reason,
          },
        });
        return row && orderView(row);
      });
      this.#o.onEvents?.();
      this.counters.orphanedPayments++;
      this.#o.logger.warn(
        { provider, eventId: event.eventId, orderId: event.orderId, reason },
        'payment could not be applied: recorded as orphaned for a refund',
      );
      return { duplicate: false, orphaned: reason, order };
    } catch (err) {
      const again = await this.#paymentEvent(provider, event.eventId);
      if (again) return again;
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
      await appendEvent(trx, orderEvent(`order.${to}`, next));
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
    // A sold-out card that gets units back goes back on screen only while the session has room for
    // another pinned card (SALES_MAX_PINNED); otherwise it comes down, and the host may pin it again.
    let state = card.state;
    if (card.state === 'sold_out') {
      const pinned = await trx
        .selectFrom('cards')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('session_id', '=', order.sessionId)
        .where('state', '=', 'pinned')
        .executeTakeFirstOrThrow();
      state = Number(pinned.n) < this.#o.maxPinned ? 'pinned' : 'unpinned';
    }
    const nowMs = Date.now();
    await trx
      .updateTable('cards')
      .set({
        remaining: sql`remaining + ${order.quantity}`,
        state: sql`case when state = 'sold_out' then ${state} else state end`,
        updated_at_ms: nowMs,
      })
      .where('id', '=', order.cardId)
      .execute();
    await appendEvent(trx, {
      type: 'stock.changed',
      aggregateId: order.cardId,
      sessionId: order.sessionId,
      payload: { cardId: order.cardId, remaining, state },
    });
    if (card.state === 'sold_out' && state === 'unpinned') {
      const row = await trx
        .selectFrom('cards')
        .innerJoin('skus', 'skus.id', 'cards.sku_id')
        .selectAll('cards')
        .select('skus.titles')
        .where('cards.id', '=', order.cardId)
        .executeTakeFirstOrThrow();
      await appendEvent(trx, {
        type: 'card.unpinned',
        aggregateId: order.cardId,
        sessionId: order.sessionId,
        payload: { card: cardView(row, row.titles) },
      });
    }
    return true;
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
