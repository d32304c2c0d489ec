// A member's own orders as the member page shows them: what was bought (product name and photo), and
// for an unpaid order where to pay it (the provider's pay link; the member page adds the manual
// instructions staff configure) and that it may still be cancelled.
import { imagesOf } from '../sales/product-images.ts';
import type { ImageUrls, Localised } from '../sales/views.ts';
import { type Order, orderView } from './order-view.ts';
import type { OrdersContext } from './orders-context.ts';

export interface MyOrder extends Order {
  productId: string;
  titles: Localised;
  image: ImageUrls | null;
  /** Set while the order is unpaid; `instructions` is filled by the caller for manual payments. */
  pay: { checkoutUrl: string | null; instructions: string | null } | null;
  cancellable: boolean;
}

export async function myOrders(
  ctx: OrdersContext,
  personId: string,
  page: { limit: number; offset: number },
): Promise<MyOrder[]> {
  const rows = await ctx.store.db
    .selectFrom('orders')
    .innerJoin('skus', 'skus.id', 'orders.sku_id')
    .selectAll('orders')
    .select(['skus.titles', 'skus.product_id'])
    .where('orders.person_id', '=', personId)
    .orderBy('orders.created_at_ms', 'desc')
    .orderBy('orders.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const images = await imagesOf(ctx.store.db, [...new Set(rows.map((r) => r.product_id))]);
  return rows.map((r) => {
    const { titles, product_id, ...row } = r;
    const order = orderView(row);
    const unpaid = order.status === 'placed';
    return {
      ...order,
      productId: product_id,
      titles: JSON.parse(titles) as Localised,
      image: images.get(product_id)?.[0]?.urls ?? null,
      pay: unpaid
        ? {
            checkoutUrl: ctx.providers[order.provider]?.checkoutUrl?.(order.orderId) ?? null,
            instructions: null,
          }
        : null,
      cancellable: unpaid,
    };
  });
}
