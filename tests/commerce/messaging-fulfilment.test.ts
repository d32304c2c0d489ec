// "Order fulfilled" says which: ready for pickup (and where) or shipped. The trigger reads the order's
// fulfilment when `order.fulfilled` arrives and the text follows it in every language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagingConsumer, render } from '../../commerce/internals.ts';
import { actorOf, deliver, placeOrder } from '../helpers/ledger.ts';
import { openTestStore, seedPerson, seedStaff, type TestStore, testTokens } from '../helpers/people.ts';
import { liveCard, testOrders } from '../helpers/sales.ts';

const tokens = testTokens();

describe('order fulfilled message', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore('sqlite');
  }, 30_000);
  afterAll(() => t?.cleanup());

  it('a pickup order is ready at its clinic; a delivery order has shipped', async () => {
    const orders = testOrders(t.store);
    const staff = actorOf(await seedStaff(t.store, tokens));
    const buyer = await seedPerson(t.store, tokens, {});
    const { card } = await liveCard(t.store, tokens, { units: 5, priceMinor: 10_000 });
    const order = await placeOrder(orders, buyer, card.cardId);
    await orders.confirmManualPayment(staff, order.orderId);
    await orders.fulfil(staff, order.orderId);
    await deliver(t.store, messagingConsumer({}));
    const row = await t.store.db
      .selectFrom('messages')
      .select('params')
      .where('kind', '=', 'order_fulfilled')
      .where('person_id', '=', buyer.person.id)
      .executeTakeFirstOrThrow();
    const params = JSON.parse(row.params);
    expect(params).toMatchObject({ method: 'pickup', clinic: 'Clinic 1' });
    expect(render('order_fulfilled', 'en', 'Asia/Shanghai', params)).toEqual({
      subject: 'Your order is ready for pickup',
      text: 'Your order is ready for pickup at Clinic 1.',
    });
    expect(render('order_fulfilled', 'zh-Hant', 'Asia/Taipei', params).text).toBe(
      '您的訂單已可在Clinic 1自取。',
    );
    expect(render('order_fulfilled', 'zh-Hans', 'Asia/Shanghai', { method: 'delivery' }).subject).toBe(
      '订单已发货',
    );
  });
});
