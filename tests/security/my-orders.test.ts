// A member's own orders on /api/me/orders, on both stores: the list shows only their orders, with the
// product, photo and how to pay while unpaid; they cancel their own unpaid order once (the units go back
// exactly once); a paid order refuses; another member's order, or staff reaching for one through their
// own page, is NOT_FOUND; a cancel racing the provider's payment callback has exactly one winner, and the
// units come back only when the cancel won.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../loadtest/clients/postgres.ts';
import { FakePaymentProvider } from '../helpers/fake-payments.ts';
import { call } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { type Seeded, seedPerson, testTokens } from '../helpers/people.ts';
import {
  cardAction,
  cardsOf,
  liveSessionOf,
  newCard,
  newProduct,
  placeOrder,
  type Shop,
} from '../helpers/shop.ts';

const tokens = testTokens();
const INSTRUCTIONS = 'Pay at the clinic counter, 9:00-18:00, or by transfer to 6222 0000 1111.';

describe.each([{ name: 'sqlite' }, { name: 'postgres' }])('my orders on $name', ({ name }) => {
  let node: LiveNode;
  let pg: ScratchDatabase | undefined;
  let shop: Shop;
  const provider = new FakePaymentProvider(() => `${node.url}/api/payments/webhook`);

  beforeAll(async () => {
    await provider.start();
    const env: Record<string, string> = {
      ORDERS_PER_MEMBER_PER_MIN: '1000',
      PAYMENT_WEBHOOK_SECRET: provider.secret,
      PAYMENT_CHECKOUT_URL: provider.url,
      PAYMENT_MANUAL_INSTRUCTIONS: INSTRUCTIONS,
    };
    if (name === 'postgres') {
      pg = await createScratchDatabase();
      env.DATABASE_URL = pg.url;
    }
    node = await startLiveNode(env);
    shop = {
      node,
      staff: await seedPerson(node.platform.store, tokens, { roles: ['staff'] }),
      host: await seedPerson(node.platform.store, tokens, { roles: ['host'] }),
    };
  }, 60_000);
  afterAll(async () => {
    await node?.close();
    await pg?.drop();
    await provider.close();
  });

  async function openCard(units: number) {
    const { skuId } = await newProduct(shop, { stock: units, title: `Bar ${name}` });
    const sessionId = await liveSessionOf(shop);
    const cardId = await newCard(shop, sessionId, skuId, units);
    await cardAction(shop, sessionId, cardId, 'pin');
    return { sessionId, cardId };
  }
  const remainingOf = async (sessionId: string, cardId: string) =>
    (await cardsOf(shop, sessionId)).find((c) => c.cardId === cardId)!.remaining;
  const cancel = (who: Seeded, orderId: string) =>
    call(node.url, 'POST', `/api/me/orders/${orderId}/cancel`, { token: who.token });

  it('lists only my orders, with the product and how to pay while unpaid', async () => {
    const { cardId } = await openCard(5);
    const me = await seedPerson(node.platform.store, tokens);
    const other = await seedPerson(node.platform.store, tokens);
    const manual = (await placeOrder(shop, me, cardId, 1)).body.orderId as string;
    const webhook = (await placeOrder(shop, me, cardId, 2, 'webhook')).body.orderId as string;
    const theirs = (await placeOrder(shop, other, cardId, 1)).body.orderId as string;
    const res = await call(node.url, 'GET', '/api/me/orders', { token: me.token });
    expect(res.status).toBe(200);
    const list = res.body as unknown as Array<Record<string, unknown>>;
    expect(list.map((o) => o.orderId)).toEqual([webhook, manual]);
    expect(JSON.stringify(list)).not.toContain(theirs);
    expect(list[1]).toMatchObject({
      titles: { en: `Bar ${name}` },
      quantity: 1,
      status: 'placed',
      cancellable: true,
      pay: { checkoutUrl: null, instructions: INSTRUCTIONS },
    });
    expect(list[0]).toMatchObject({
      quantity: 2,
      totalMinor: 10_000,
      pay: { checkoutUrl: `${provider.url}/pay/${webhook}`, instructions: null },
    });
    expect((await call(node.url, 'GET', '/api/me/orders')).body.code).toBe('AUTH_REQUIRED');
  });

  it('I cancel my unpaid order once: the units return exactly once', async () => {
    const { sessionId, cardId } = await openCard(5);
    const me = await seedPerson(node.platform.store, tokens);
    const orderId = (await placeOrder(shop, me, cardId, 3)).body.orderId as string;
    expect(await remainingOf(sessionId, cardId)).toBe(2);
    const [a, b] = await Promise.all([cancel(me, orderId), cancel(me, orderId)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect([a.body.code, b.body.code]).toContain('ORDER_INVALID_TRANSITION');
    expect(await remainingOf(sessionId, cardId)).toBe(5);
    expect((await cancel(me, orderId)).body.code).toBe('ORDER_INVALID_TRANSITION');
    expect(await remainingOf(sessionId, cardId)).toBe(5);
    const mine = (await call(node.url, 'GET', '/api/me/orders', { token: me.token }))
      .body as unknown as Array<Record<string, unknown>>;
    expect(mine[0]).toMatchObject({ orderId, status: 'cancelled', cancellable: false, pay: null });
  });

  it("a paid order refuses; another member's order and staff through their own page are NOT_FOUND", async () => {
    const { sessionId, cardId } = await openCard(5);
    const me = await seedPerson(node.platform.store, tokens);
    const other = await seedPerson(node.platform.store, tokens);
    const orderId = (await placeOrder(shop, me, cardId, 1)).body.orderId as string;
    expect((await cancel(other, orderId)).body.code).toBe('NOT_FOUND');
    expect((await cancel(shop.staff, orderId)).body.code).toBe('NOT_FOUND');
    const garbage = await call(node.url, 'POST', '/api/me/orders/..%2F..%2Fx/cancel', { token: me.token });
    expect(garbage.body.code).toBe('VALIDATION_FAILED');
    await call(node.url, 'POST', `/api/orders/${orderId}/confirm-payment`, { token: shop.staff.token });
    expect((await cancel(me, orderId)).body).toMatchObject({
      code: 'ORDER_INVALID_TRANSITION',
      params: { from: 'paid', to: 'cancelled' },
    });
    expect(await remainingOf(sessionId, cardId)).toBe(4);
  });

  it('a cancel racing the payment callback: exactly one wins, units return only if the cancel won', async () => {
    for (let round = 0; round < 6; round++) {
      const { sessionId, cardId } = await openCard(4);
      const me = await seedPerson(node.platform.store, tokens);
      const placed = await placeOrder(shop, me, cardId, 2, 'webhook');
      const orderId = placed.body.orderId as string;
      const [cancelled, paid] = await Promise.all([
        cancel(me, orderId),
        provider.pay(placed.body.checkoutUrl as string, { amountMinor: 10_000, currency: 'CNY' }),
      ]);
      const order = (await call(node.url, 'GET', `/api/orders/${orderId}`, { token: me.token })).body;
      const cancelWon = cancelled.status === 200;
      expect(order.status).toBe(cancelWon ? 'cancelled' : 'paid');
      // The payment is always acknowledged; when the cancel won, it is kept for a refund.
      expect(paid.status).toBe(200);
      expect(Boolean(paid.body.orphaned)).toBe(cancelWon);
      if (!cancelWon) expect(cancelled.body.code).toBe('ORDER_INVALID_TRANSITION');
      expect(await remainingOf(sessionId, cardId)).toBe(cancelWon ? 4 : 2);
    }
  });
});
