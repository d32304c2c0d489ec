// A live session's sales as its host console shows them: orders, units and GMV so far, and the latest
// orders naming the buyer (display name only, for shout-outs) and the product. Read by the session's
// host and staff only; buyer names never reach viewers.
import type { Kysely } from 'kysely';
import type { SaleLine, SalesTotal, SessionSales } from '../../protocols/index.ts';
import type { Database } from '../schema.ts';
import type { Localised } from './views.ts';

/** Orders that count as sales: placed and not given up (cancelled, expired) or refunded. */
const SOLD = ['placed', 'paid', 'fulfilled', 'completed'] as const;
const PAID = ['paid', 'fulfilled', 'completed'] as const;
/** How many of the latest orders the panel lists. */
export const SALES_FEED_LENGTH = 50;

// The wire shapes of `host:sales` (protocols/sockets/host.ts) are what this read returns.
export type { SaleLine, SalesTotal, SessionSales };

export async function sessionSales(db: Kysely<Database>, sessionId: string): Promise<SessionSales> {
  const sums = await db
    .selectFrom('orders')
    .select((eb) => [
      'currency',
      eb.fn.countAll<number>().as('orders'),
      eb.fn.sum<number>('quantity').as('units'),
      eb.fn.sum<number>('total_minor').as('gmv'),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when('status', 'in', [...PAID])
            .then(eb.ref('total_minor'))
            .else(0)
            .end(),
        )
        .as('paid'),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when('status', 'in', [...PAID])
            .then(1)
            .else(0)
            .end(),
        )
        .as('paid_orders'),
    ])
    .where('session_id', '=', sessionId)
    .where('status', 'in', [...SOLD])
    .groupBy('currency')
    .execute();
  const rows = await db
    .selectFrom('orders as o')
    .innerJoin('people as p', 'p.id', 'o.person_id')
    .innerJoin('skus as s', 's.id', 'o.sku_id')
    .select([
      'o.id',
      'o.card_id',
      'p.display_name',
      's.titles',
      'o.quantity',
      'o.total_minor',
      'o.currency',
      'o.status',
      'o.created_at_ms',
    ])
    .where('o.session_id', '=', sessionId)
    .orderBy('o.created_at_ms', 'desc')
    .orderBy('o.id', 'desc')
    .limit(SALES_FEED_LENGTH)
    .execute();
  return {
    sessionId,
    orders: sums.reduce((n, r) => n + Number(r.orders), 0),
    units: sums.reduce((n, r) => n + Number(r.units ?? 0), 0),
    paidOrders: sums.reduce((n, r) => n + Number(r.paid_orders ?? 0), 0),
    totals: sums.map((r) => ({
      currency: r.currency,
      gmvMinor: Number(r.gmv ?? 0),
      paidMinor: Number(r.paid ?? 0),
    })),
    recent: rows.map((r) => ({
      orderId: r.id,
      cardId: r.card_id,
      buyerName: r.display_name,
      titles: JSON.parse(r.titles) as Localised,
      quantity: Number(r.quantity),
      totalMinor: Number(r.total_minor),
      currency: r.currency,
      status: r.status,
      createdAtMs: Number(r.created_at_ms),
    })),
  };
}

/** The buyer's display name and the product's titles of an order, for the host's order frame. */
export async function saleLabel(
  db: Kysely<Database>,
  personId: string,
  cardId: string,
): Promise<{ buyerName: string; titles: Localised } | undefined> {
  const row = await db
    .selectFrom(['people as p', 'cards as c'])
    .innerJoin('skus as s', 's.id', 'c.sku_id')
    .select(['p.display_name', 's.titles'])
    .where('p.id', '=', personId)
    .where('c.id', '=', cardId)
    .executeTakeFirst();
  return row && { buyerName: row.display_name, titles: JSON.parse(row.titles) as Localised };
}
