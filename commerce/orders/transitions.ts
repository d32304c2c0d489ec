// The order state machine after placement: payment confirmed by staff, cancellation, refund, fulfilment,
// completion and expiry of unpaid reservations. Each change is one legal transition in one transaction,
// conditional on the status it was decided from; units that come back go to the card while its session
// is live, or to the warehouse.
import { type Kysely, sql } from 'kysely';
import { isVitaliveError, VitaliveError } from '../../protocols/index.ts';
import { appendEvent, type NewDomainEvent } from '../outbox.ts';
import type { Actor } from '../people/person-model.ts';
import { cardView } from '../sales/views.ts';
import type { Database } from '../schema.ts';
import { assertTransition, type Order, orderView } from './order-view.ts';
import { isStaff, type OrdersContext } from './orders-context.ts';
import type { OrderStatus } from './tables.ts';

/** The event of an order's new status, carrying the order as it now stands. */
export function orderEvent(type: `order.${OrderStatus}`, order: Order): NewDomainEvent {
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

/** Staff confirm a manual payment (bank transfer, payment at the counter). */
export function confirmManualPayment(ctx: OrdersContext, actor: Actor, orderId: string): Promise<Order> {
  if (!isStaff(actor)) throw new VitaliveError('FORBIDDEN', { reason: 'staff confirm payments' });
  return changeStatus(ctx, orderId, 'paid', async (_trx, order) => {
    if (order.provider !== 'manual')
      throw new VitaliveError('CONFLICT', { reason: `order is paid through ${order.provider}` });
  });
}

export function cancel(ctx: OrdersContext, actor: Actor, orderId: string): Promise<Order> {
  return changeStatus(ctx, orderId, 'cancelled', async (trx, order) => {
    if (order.personId !== actor.personId && !isStaff(actor))
      throw new VitaliveError('NOT_FOUND', { what: `Order ${orderId}` });
    return returnStock(ctx, trx, order, true);
  });
}

export function refund(ctx: OrdersContext, actor: Actor, orderId: string): Promise<Order> {
  if (!isStaff(actor)) throw new VitaliveError('FORBIDDEN', { reason: 'staff refund orders' });
  return changeStatus(ctx, orderId, 'refunded', (trx, order) =>
    returnStock(ctx, trx, order, ctx.refundRestocksLiveCard),
  );
}

export function fulfil(ctx: OrdersContext, actor: Actor, orderId: string): Promise<Order> {
  if (!isStaff(actor)) throw new VitaliveError('FORBIDDEN', { reason: 'staff fulfil orders' });
  return changeStatus(ctx, orderId, 'fulfilled', async () => {});
}

export function complete(ctx: OrdersContext, actor: Actor, orderId: string): Promise<Order> {
  if (!isStaff(actor)) throw new VitaliveError('FORBIDDEN', { reason: 'staff complete orders' });
  return changeStatus(ctx, orderId, 'completed', async () => {});
}

/** Unpaid orders past their reservation → expired, stock back. Safe with several processes. */
export async function expireDue(ctx: OrdersContext, nowMs = Date.now(), batch = 200): Promise<number> {
  const due = await ctx.store.db
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
      await changeStatus(ctx, id, 'expired', (trx, order) => returnStock(ctx, trx, order, true));
      expired++;
    } catch (err) {
      // Paid or cancelled in the meantime, or expired by another process: nothing to do.
      if (!isVitaliveError(err)) throw err;
    }
  }
  return expired;
}

/** One legal transition in one transaction, conditional on the status it was decided from. */
export async function changeStatus(
  ctx: OrdersContext,
  orderId: string,
  to: OrderStatus,
  /** Resolves true when units went back on the card. */
  effect: (trx: Kysely<Database>, order: Order) => Promise<unknown>,
): Promise<Order> {
  const nowMs = Date.now();
  const { order, restocked } = await ctx.store.transaction(async (trx) => {
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
  if (restocked) await ctx.gate.invalidate(order.cardId);
  ctx.onEvents?.();
  return order;
}

export async function returnStock(
  ctx: OrdersContext,
  trx: Kysely<Database>,
  order: Order,
  toCard: boolean,
): Promise<boolean> {
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
    state = Number(pinned.n) < ctx.maxPinned ? 'pinned' : 'unpinned';
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
