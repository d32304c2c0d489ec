// Orders: placed from an open card (pinned now or earlier in the live session) under an Idempotency-Key, never oversold (conditional decrement in
// the order's transaction), per-member limits held under concurrency (a conditional upsert per card and
// person), reservations that expire per payment provider, and a state machine for payment, fulfilment,
// cancellation and refund. Every change writes its events in the same transaction. The class resolves
// its options and delegates: placement in place.ts, the state machine in transitions.ts, provider
// payments in payment-events.ts, reads in queries.ts.
import type { Logger } from 'pino';
import type { Actor } from '../people/person-model.ts';
import type { Store } from '../store.ts';
import { type MyOrder, myOrders } from './my-orders.ts';
import type { Order } from './order-view.ts';
import type { OrderCounters, OrdersContext } from './orders-context.ts';
import type { OrphanedPayment, OrphanedPaymentQuery, ProviderPaymentResult } from './payment-events.ts';
import * as payments from './payment-events.ts';
import type { PaymentProvider } from './payments.ts';
import { type OrderCredit, Placement, type PlaceOrderInput, type PlaceOrderReply } from './place.ts';
import { getOrder, type ListedOrder, listOrders, type OrderListQuery } from './queries.ts';
import { LocalStockGate, type StockGate } from './stock-gate.ts';
import type { ProviderName } from './tables.ts';
import * as transitions from './transitions.ts';

export type { MyOrder } from './my-orders.ts';
export type { OrderCounters } from './orders-context.ts';
export {
  countOrphanedPayments,
  type OrphanedPayment,
  type OrphanReason,
  type ProviderPaymentResult,
} from './payment-events.ts';
export type { OrderCredit, PlaceOrderInput, PlaceOrderReply } from './place.ts';

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

export class Orders {
  readonly counters: OrderCounters = { refused: {}, orphanedPayments: 0, gateReleases: 0 };
  readonly #ctx: OrdersContext;
  readonly #placement: Placement;

  constructor(opts: OrdersOptions) {
    this.#ctx = {
      defaultProvider: 'manual',
      gate: new LocalStockGate(),
      refundRestocksLiveCard: true,
      maxPinned: 3,
      onEvents: undefined,
      ...opts,
      counters: this.counters,
    };
    this.#placement = new Placement(this.#ctx);
  }

  get gate(): StockGate {
    return this.#ctx.gate;
  }

  /** Places an order; returns what the API answers. Throws only on unexpected failures. */
  place(actor: Actor, input: PlaceOrderInput, idempotencyKey: string | undefined): Promise<PlaceOrderReply> {
    return this.#placement.place(actor, input, idempotencyKey);
  }

  get(actor: Actor, orderId: string): Promise<Order> {
    return getOrder(this.#ctx, actor, orderId);
  }

  list(actor: Actor, q: OrderListQuery): Promise<ListedOrder[]> {
    return listOrders(this.#ctx, actor, q);
  }

  /** The person's own orders, newest first, with product name and photo and, while unpaid, the pay link. */
  mine(personId: string, page: { limit: number; offset: number }): Promise<MyOrder[]> {
    return myOrders(this.#ctx, personId, page);
  }

  /** Staff confirm a manual payment (bank transfer, payment at the counter). */
  confirmManualPayment(actor: Actor, orderId: string): Promise<Order> {
    return transitions.confirmManualPayment(this.#ctx, actor, orderId);
  }

  /**
   * A verified provider callback: marks the order paid once. The same event id again is a no-op that
   * answers as the first time. Every verified payment is recorded: one the order can no longer take
   * (expired, cancelled, already paid, another amount or provider, an unknown order) becomes a
   * `payment.orphaned` row and event, for staff to refund — the money is never lost from view.
   */
  recordProviderPayment(
    provider: ProviderName,
    event: { eventId: string; orderId: string; amountMinor: number; currency: string },
  ): Promise<ProviderPaymentResult> {
    return payments.recordProviderPayment(this.#ctx, provider, event);
  }

  /** Verified payments that could not be applied, newest first (staff: to refund). */
  orphanedPayments(actor: Actor, q: OrphanedPaymentQuery): Promise<OrphanedPayment[]> {
    return payments.orphanedPayments(this.#ctx, actor, q);
  }

  /** Staff refunded an orphaned payment at the provider: it leaves the "to refund" list. Audited by event. */
  resolveOrphanedPayment(actor: Actor, provider: string, eventId: string): Promise<OrphanedPayment> {
    return payments.resolveOrphanedPayment(this.#ctx, actor, provider, eventId);
  }

  cancel(actor: Actor, orderId: string): Promise<Order> {
    return transitions.cancel(this.#ctx, actor, orderId);
  }

  refund(actor: Actor, orderId: string): Promise<Order> {
    return transitions.refund(this.#ctx, actor, orderId);
  }

  fulfil(actor: Actor, orderId: string): Promise<Order> {
    return transitions.fulfil(this.#ctx, actor, orderId);
  }

  complete(actor: Actor, orderId: string): Promise<Order> {
    return transitions.complete(this.#ctx, actor, orderId);
  }

  /** Unpaid orders past their reservation → expired, stock back. Safe with several processes. */
  expireDue(nowMs = Date.now(), batch = 200): Promise<number> {
    return transitions.expireDue(this.#ctx, nowMs, batch);
  }
}
