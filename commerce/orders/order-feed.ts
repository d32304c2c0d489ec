// The latest orders as the staff dashboard lists them live: buyer's name, product, amount, status and the
// buyer's channel. Staff see every order; a channel manager only the orders of people now in their
// channels. The read is bounded whatever the scope: only the platform's newest RECENT_SCAN orders of the
// last RECENT_WINDOW_MS are looked at (the index orders_created, 0031), so a manager whose channels sell
// rarely costs no more than one who sells often.
import type { Kysely } from 'kysely';
import type { Localised } from '../sales/views.ts';
import type { Database } from '../schema.ts';
import type { OrderStatus } from './tables.ts';

/** How far back the dashboard's order list reaches. */
export const RECENT_WINDOW_MS = 86_400_000;
/** The newest orders one read examines (across all channels) before a manager's filter. */
export const RECENT_SCAN = 2_000;

export interface RecentOrder {
  orderId: string;
  buyerName: string;
  productTitles: Localised;
  quantity: number;
  totalMinor: number;
  currency: string;
  status: OrderStatus;
  channelId: string | null;
  channelName: string | null;
  createdAtMs: number;
}

export async function recentOrders(
  db: Kysely<Database>,
  channelIds: readonly string[] | undefined,
  opts: { limit: number; nowMs: number },
): Promise<RecentOrder[]> {
  // A manager without channels: nothing (`in ()` is no SQL).
  if (channelIds?.length === 0) return [];
  const newest = db
    .selectFrom('orders')
    .select(['id', 'person_id', 'sku_id', 'quantity', 'total_minor', 'currency', 'status', 'created_at_ms'])
    .where('created_at_ms', '>=', opts.nowMs - RECENT_WINDOW_MS)
    .orderBy('created_at_ms', 'desc')
    .orderBy('id', 'desc')
    .limit(RECENT_SCAN);
  let q = db
    .selectFrom(newest.as('o'))
    .innerJoin('people as p', 'p.id', 'o.person_id')
    .innerJoin('skus as s', 's.id', 'o.sku_id')
    .leftJoin('channels as c', 'c.id', 'p.channel_id')
    .select([
      'o.id',
      'p.display_name',
      's.titles',
      'o.quantity',
      'o.total_minor',
      'o.currency',
      'o.status',
      'p.channel_id',
      'c.name as channel_name',
      'o.created_at_ms',
    ]);
  if (channelIds) q = q.where('p.channel_id', 'in', [...channelIds]);
  const rows = await q.orderBy('o.created_at_ms', 'desc').orderBy('o.id', 'desc').limit(opts.limit).execute();
  return rows.map((r) => ({
    orderId: r.id,
    buyerName: r.display_name,
    productTitles: JSON.parse(r.titles) as Localised,
    quantity: Number(r.quantity),
    totalMinor: Number(r.total_minor),
    currency: r.currency,
    status: r.status,
    channelId: r.channel_id,
    channelName: r.channel_name,
    createdAtMs: Number(r.created_at_ms),
  }));
}
