// Follow-up fixtures: a buyer with readings around a paid purchase of a product that carries a reading
// range, made through the real Orders and Readings APIs (the product's range is set on the row).
import { Readings, type Store } from '../../commerce/internals.ts';
import type { TokenService } from '../../gateway/auth/index.ts';
import { actorOf, placeOrder } from './ledger.ts';
import { type Seeded, seedPerson } from './people.ts';
import { liveCard, testOrders } from './sales.ts';

export const BODY_FAT_RANGE = { metric: 'BODY_FAT_PCT', min: 18, max: 28 };

/** A card whose product addresses body fat 18–28 %. */
export async function rangedCard(store: Store, tokens: TokenService, units = 50) {
  const fixture = await liveCard(store, tokens, { units, priceMinor: 19_900 });
  await store.db
    .updateTable('products')
    .set({ metrics: JSON.stringify([BODY_FAT_RANGE]) })
    .where('id', '=', (eb) => eb.selectFrom('skus').select('product_id').where('id', '=', fixture.card.skuId))
    .execute();
  return fixture;
}

let seq = 0;

/**
 * A buyer of the card with body fat `before` a day before paying and `after` once paid (device readings
 * carrying their member code); resolves with the buyer and the paid order id.
 */
export async function trialBuyer(
  store: Store,
  tokens: TokenService,
  opts: { cardId: string; channelId: string; consent: boolean; before: number; after: number; staff: Seeded },
): Promise<{ buyer: Seeded; orderId: string }> {
  const buyer = await seedPerson(store, tokens, {
    channelId: opts.channelId,
    healthDataConsent: opts.consent,
  });
  const readings = new Readings(store);
  const reading = (value: number, atMs: number) => ({
    deviceId: 'trial-scale',
    bootId: process.pid,
    seq: ++seq,
    metric: BODY_FAT_RANGE.metric,
    value,
    measuredAtMs: atMs,
    memberCode: buyer.person.memberCode,
    eventId: null,
    receivedAtMs: Date.now(),
  });
  await readings.ingest([reading(opts.before, Date.now() - 86_400_000)]);
  const orders = testOrders(store);
  const placed = await placeOrder(orders, buyer, opts.cardId);
  const paid = await orders.confirmManualPayment(actorOf(opts.staff), placed.orderId);
  await readings.ingest([reading(opts.after, (paid.paidAtMs ?? Date.now()) + 60_000)]);
  return { buyer, orderId: placed.orderId };
}
