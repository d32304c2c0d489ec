// Reading orders: one order (the buyer's own, or any for staff) and filtered lists.
import { VitaliveError } from '../../protocols/index.ts';
import type { Actor } from '../people/person-model.ts';
import type { Localised } from '../sales/views.ts';
import { type Order, orderView } from './order-view.ts';
import { isStaff, type OrdersContext } from './orders-context.ts';
import type { OrderStatus } from './tables.ts';

export async function getOrder(ctx: OrdersContext, actor: Actor, orderId: string): Promise<Order> {
  const row = await ctx.store.db
    .selectFrom('orders')
    .selectAll()
    .where('id', '=', orderId)
    .executeTakeFirst();
  // Someone else's order is as invisible as a missing one.
  if (!row || (row.person_id !== actor.personId && !isStaff(actor)))
    throw new VitaliveError('NOT_FOUND', { what: `Order ${orderId}` });
  return orderView(row);
}

/** A page of orders: members get their own; staff may narrow by person, session and status. */
export interface OrderListQuery {
  personId?: string | undefined;
  sessionId?: string | undefined;
  status?: OrderStatus | undefined;
  limit: number;
  offset: number;
}

/** A listed order names its buyer and product, so the orders page shows people by name, not by id. */
export interface ListedOrder extends Order {
  buyerName: string;
  productTitles: Localised;
}

export async function listOrders(
  ctx: OrdersContext,
  actor: Actor,
  q: OrderListQuery,
): Promise<ListedOrder[]> {
  let query = ctx.store.db
    .selectFrom('orders')
    .innerJoin('people as p', 'p.id', 'orders.person_id')
    .innerJoin('skus as s', 's.id', 'orders.sku_id')
    .selectAll('orders')
    .select(['p.display_name', 's.titles']);
  const personId = isStaff(actor) ? q.personId : actor.personId;
  if (personId) query = query.where('orders.person_id', '=', personId);
  if (q.sessionId) query = query.where('orders.session_id', '=', q.sessionId);
  if (q.status) query = query.where('orders.status', '=', q.status);
  const rows = await query
    .orderBy('orders.created_at_ms', 'desc')
    .orderBy('orders.id')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  return rows.map(({ display_name, titles, ...row }) => ({
    ...orderView(row),
    buyerName: display_name,
    productTitles: JSON.parse(titles) as Localised,
  }));
}
