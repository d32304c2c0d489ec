// The order HTTP API on both store backends: bad input answered with coded 4xx and nothing written,
// members confined to their own orders, the signed payment webhook (good, forged, stale, replayed)
// against a fake provider, every illegal transition refused, and reservations expiring per provider.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvents } from '../../commerce/internals.ts';
import { FakePaymentProvider } from '../helpers/fake-payments.ts';
import { call } from '../helpers/http-call.ts';
import {
  openTestStore,
  STORE_BACKENDS,
  seedPerson,
  startTestApi,
  type TestApi,
  type TestStore,
  testTokens,
} from '../helpers/people.ts';
import { liveCard, PICKUP, testOrders } from '../helpers/sales.ts';

const tokens = testTokens();

describe.each(STORE_BACKENDS)('orders API on $name', ({ name }) => {
  let t: TestStore;
  let api: TestApi;
  const provider = new FakePaymentProvider(() => `${api.url}/api/payments/webhook`);

  beforeAll(async () => {
    t = await openTestStore(name);
    await provider.start();
    api = await startTestApi(t.store, {
      env: { PAYMENT_WEBHOOK_SECRET: provider.secret, PAYMENT_CHECKOUT_URL: provider.url },
    });
  }, 30_000);
  afterAll(async () => {
    await api?.close();
    await provider.close();
    await t?.cleanup();
  });

  const countOrders = async () =>
    Number(
      (
        await t.store.db
          .selectFrom('orders')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('bad input: coded 4xx and nothing written', async () => {
    const { card } = await liveCard(t.store, tokens, { units: 5 });
    const buyer = await seedPerson(t.store, tokens);
    const key = { 'idempotency-key': 'bad-input-key-1' };
    const before = await countOrders();
    const cases: Array<[Parameters<typeof call>[3], number, string]> = [
      [{ raw: '{"cardId": ', headers: key }, 400, 'VALIDATION_FAILED'],
      [
        { body: { cardId: card.cardId, quantity: 'two', fulfilment: PICKUP }, headers: key },
        400,
        'VALIDATION_FAILED',
      ],
      [
        { body: { cardId: card.cardId, quantity: -1, fulfilment: PICKUP }, headers: key },
        400,
        'VALIDATION_FAILED',
      ],
      [
        { body: { cardId: card.cardId, quantity: 1, fulfilment: { method: 'teleport' } }, headers: key },
        400,
        'VALIDATION_FAILED',
      ],
      [
        { body: { cardId: card.cardId, quantity: 1, fulfilment: PICKUP, extra: 1 }, headers: key },
        400,
        'VALIDATION_FAILED',
      ],
      [{ body: { cardId: 'no-such-card', quantity: 1, fulfilment: PICKUP }, headers: key }, 404, 'NOT_FOUND'],
      [{ body: { cardId: card.cardId, quantity: 1, fulfilment: PICKUP } }, 400, 'IDEMPOTENCY_KEY_REQUIRED'],
      [
        {
          raw: JSON.stringify({
            cardId: card.cardId,
            quantity: 1,
            fulfilment: { method: 'pickup', clinic: 'x'.repeat(100_000) },
          }),
          headers: key,
        },
        413,
        'HTTP_BODY_TOO_LARGE',
      ],
    ];
    for (const [opts, status, code] of cases) {
      const res = await call(api.url, 'POST', '/api/orders', { token: buyer.token, ...opts });
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.code).toBe(code);
    }
    // Without a token, and for an unknown order id.
    expect((await call(api.url, 'POST', '/api/orders', { body: {} })).status).toBe(401);
    expect((await call(api.url, 'GET', '/api/orders/nope', { token: buyer.token })).body.code).toBe(
      'NOT_FOUND',
    );
    expect(await countOrders()).toBe(before);
  });

  it('members see only their own orders', async () => {
    const { card } = await liveCard(t.store, tokens, { units: 5 });
    const [alice, bob] = [await seedPerson(t.store, tokens), await seedPerson(t.store, tokens)];
    const placed = await call(api.url, 'POST', '/api/orders', {
      token: alice.token,
      headers: { 'idempotency-key': 'alice-order-1' },
      body: { cardId: card.cardId, quantity: 1, fulfilment: PICKUP },
    });
    expect(placed.status).toBe(201);
    const id = placed.body.orderId as string;
    expect((await call(api.url, 'GET', `/api/orders/${id}`, { token: alice.token })).status).toBe(200);
    expect((await call(api.url, 'GET', `/api/orders/${id}`, { token: bob.token })).status).toBe(404);
    expect((await call<unknown[]>(api.url, 'GET', '/api/orders', { token: bob.token })).body).toEqual([]);
    expect((await call(api.url, 'POST', `/api/orders/${id}/cancel`, { token: bob.token })).status).toBe(404);
    expect((await call(api.url, 'POST', `/api/orders/${id}/refund`, { token: alice.token })).status).toBe(
      403,
    );
  });

  it('webhook payments: paid once; forged, stale and replayed callbacks change nothing', async () => {
    const { card } = await liveCard(t.store, tokens, { units: 5, priceMinor: 12_345 });
    const buyer = await seedPerson(t.store, tokens);
    const placed = await call(api.url, 'POST', '/api/orders', {
      token: buyer.token,
      headers: { 'idempotency-key': 'webhook-order-1' },
      body: { cardId: card.cardId, quantity: 2, provider: 'webhook', fulfilment: PICKUP },
    });
    expect(placed.status).toBe(201);
    const checkout = placed.body.checkoutUrl as string;
    expect(checkout.startsWith(provider.url)).toBe(true);
    const pay = { amountMinor: 24_690, currency: 'CNY' };

    expect(await provider.pay(checkout, { ...pay, wrongKey: true })).toMatchObject({
      status: 401,
      body: { code: 'PAYMENT_SIGNATURE_INVALID' },
    });
    expect(await provider.pay(checkout, { ...pay, skewMs: -6 * 60_000 })).toMatchObject({
      status: 401,
      body: { code: 'PAYMENT_SIGNATURE_INVALID' },
    });
    // A verified payment of another amount is kept for a refund and does not pay the order.
    expect(await provider.pay(checkout, { ...pay, amountMinor: 1 })).toMatchObject({
      status: 200,
      body: { orphaned: 'amount_mismatch', status: 'placed' },
    });
    const orderId = placed.body.orderId as string;
    expect((await call(api.url, 'GET', `/api/orders/${orderId}`, { token: buyer.token })).body.status).toBe(
      'placed',
    );

    const ok = await provider.pay(checkout, { ...pay, eventId: 'evt_once' });
    expect(ok).toMatchObject({ status: 200, body: { duplicate: false, status: 'paid' } });
    expect(await provider.pay(checkout, { ...pay, eventId: 'evt_once' })).toMatchObject({
      status: 200,
      body: { duplicate: true, status: 'paid' },
    });
    // A second, different event for an order already paid is a double charge: recorded to refund.
    expect(await provider.pay(checkout, { ...pay, eventId: 'evt_twice' })).toMatchObject({
      status: 200,
      body: { duplicate: false, orphaned: 'order_not_payable', status: 'paid' },
    });
    const events = (await readEvents(t.store.db, 0, 100_000)).filter(
      (e) => e.type === 'order.paid' && e.aggregateId === orderId,
    );
    expect(events).toHaveLength(1);
  });

  it('refuses every illegal transition; a refund puts units back on the live card', async () => {
    const { card } = await liveCard(t.store, tokens, { units: 5 });
    const buyer = await seedPerson(t.store, tokens);
    const staff = await seedPerson(t.store, tokens, { roles: ['staff'] });
    const placed = await call(api.url, 'POST', '/api/orders', {
      token: buyer.token,
      headers: { 'idempotency-key': 'transitions-1' },
      body: { cardId: card.cardId, quantity: 2, fulfilment: PICKUP },
    });
    const id = placed.body.orderId as string;
    const step = (path: string, token = staff.token) =>
      call(api.url, 'POST', `/api/orders/${id}/${path}`, { token });
    const illegal = async (path: string) => {
      const res = await step(path);
      expect(res.status, path).toBe(409);
      expect(res.body.code).toBe('ORDER_INVALID_TRANSITION');
    };
    // placed
    for (const p of ['fulfil', 'complete', 'refund']) await illegal(p);
    expect((await step('confirm-payment')).body.status).toBe('paid');
    for (const p of ['confirm-payment', 'cancel', 'complete']) await illegal(p);
    expect((await step('fulfil')).body.status).toBe('fulfilled');
    for (const p of ['confirm-payment', 'cancel', 'fulfil']) await illegal(p);
    expect((await step('complete')).body.status).toBe('completed');
    for (const p of ['confirm-payment', 'cancel', 'fulfil', 'complete']) await illegal(p);
    const left = async () =>
      Number(
        (
          await t.store.db
            .selectFrom('cards')
            .select('remaining')
            .where('id', '=', card.cardId)
            .executeTakeFirstOrThrow()
        ).remaining,
      );
    expect(await left()).toBe(3);
    expect((await step('refund')).body.status).toBe('refunded');
    expect(await left()).toBe(5);
    for (const p of ['confirm-payment', 'cancel', 'fulfil', 'complete', 'refund']) await illegal(p);
  });

  it('reservations expire per provider: stock returns with a stock.changed event', async () => {
    const orders = testOrders(t.store, {
      providers: {
        manual: { name: 'manual', reservationMs: 48 * 3600_000 },
        webhook: { name: 'webhook', reservationMs: 15 * 60_000 },
      },
    });
    const { card } = await liveCard(t.store, tokens, { units: 4 });
    const buyer = await seedPerson(t.store, tokens);
    const actor = { personId: buyer.person.id, roles: buyer.person.roles };
    const manual = await orders.place(
      actor,
      { cardId: card.cardId, quantity: 1, fulfilment: PICKUP },
      'exp-manual-1',
    );
    const hooked = await orders.place(
      actor,
      { cardId: card.cardId, quantity: 2, provider: 'webhook', fulfilment: PICKUP },
      'exp-webhook-1',
    );
    expect([manual.status, hooked.status]).toEqual([201, 201]);
    const now = Date.now();
    expect(await orders.expireDue(now + 16 * 60_000)).toBe(1);
    const status = async (r: typeof manual) =>
      (await orders.get(actor, (r.body as { orderId: string }).orderId)).status;
    expect(await status(hooked)).toBe('expired');
    expect(await status(manual)).toBe('placed');
    // Every manual reservation of this store is due by then (other tests' orders included).
    expect(await orders.expireDue(now + 49 * 3600_000)).toBeGreaterThanOrEqual(1);
    expect(await status(manual)).toBe('expired');
    // Running again (another process) changes nothing.
    expect(await orders.expireDue(now + 49 * 3600_000)).toBe(0);
    const remaining = await t.store.db
      .selectFrom('cards')
      .select('remaining')
      .where('id', '=', card.cardId)
      .executeTakeFirstOrThrow();
    expect(Number(remaining.remaining)).toBe(4);
    const stock = (await readEvents(t.store.db, 0, 100_000)).filter(
      (e) => e.type === 'stock.changed' && e.aggregateId === card.cardId,
    );
    expect(stock.map((e) => e.payload.remaining)).toEqual([3, 1, 3, 4]);
  });
});
