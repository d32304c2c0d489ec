// A payment the provider confirms for an order that can no longer take it (cancelled, expired, already
// paid) must never vanish: it is acknowledged, recorded as an orphaned payment with an outbox event,
// listed for staff to refund, and counted on the /staff stream. A signed body that is not a JSON
// object is a coded 400, never a 500.
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvents } from '../../commerce/internals.ts';
import { FakePaymentProvider } from '../helpers/fake-payments.ts';
import { call, postOk } from '../helpers/http-call.ts';
import { type LiveNode, socketTo, startLiveNode } from '../helpers/live-platform.ts';
import { seedPerson, testTokens } from '../helpers/people.ts';
import { TEST_METRICS_TOKEN } from '../helpers/platform-process.ts';
import { PICKUP } from '../helpers/sales.ts';

const tokens = testTokens();

describe('late webhook payments over HTTP', () => {
  let node: LiveNode;
  const provider = new FakePaymentProvider(() => `${node.url}/api/payments/webhook`);
  const sockets: Socket[] = [];

  beforeAll(async () => {
    await provider.start();
    node = await startLiveNode({
      PAYMENT_WEBHOOK_SECRET: provider.secret,
      PAYMENT_CHECKOUT_URL: provider.url,
      ORDERS_PER_MEMBER_PER_MIN: '1000',
    });
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await node?.close();
    await provider.close();
  });

  async function pinnedCard(units: number): Promise<string> {
    const { store } = node.platform;
    const staff = await seedPerson(store, tokens, { roles: ['staff'] });
    const host = await seedPerson(store, tokens, { roles: ['host'] });
    const p = await postOk(node.url, staff.token, '/api/products', {
      titles: { en: 'Shake', 'zh-Hans': 'Shake', 'zh-Hant': 'Shake' },
      skus: [{ code: `LATE-${Date.now()}`, priceMinor: 5_000, currency: 'CNY', stock: units }],
    });
    const skuId = (p.skus as Array<{ skuId: string }>)[0]!.skuId;
    const sessionId = (await postOk(node.url, host.token, '/api/live-sessions', { title: 'Late' }))
      .sessionId as string;
    await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/go-live`);
    const card = await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/cards`, {
      skuId,
      quantity: units,
      perMemberLimit: 5,
    });
    await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/cards/${card.cardId}/pin`);
    return card.cardId as string;
  }

  it('a payment for a cancelled order is recorded, listed for a refund and shown to staff', async () => {
    const { store } = node.platform;
    const cardId = await pinnedCard(5);
    const buyer = await seedPerson(store, tokens);
    const staff = await seedPerson(store, tokens, { roles: ['staff'] });
    const placed = await call(node.url, 'POST', '/api/orders', {
      token: buyer.token,
      headers: { 'idempotency-key': 'late-payment-1' },
      body: { cardId, quantity: 2, provider: 'webhook', fulfilment: PICKUP },
    });
    expect(placed.status).toBe(201);
    const orderId = placed.body.orderId as string;
    await postOk(node.url, buyer.token, `/api/orders/${orderId}/cancel`);

    const frames: Array<{ payments?: { orphaned: number } }> = [];
    const stream = await socketTo(node.url, '/staff', staff.token, {
      listen: (s) => {
        s.on('staff:snapshot', (f) => frames.push(f));
        s.on('staff:update', (f) => frames.push(f));
      },
    });
    sockets.push(stream);

    // The buyer pays on the hosted page after cancelling: the provider confirms a real charge.
    const paid = await provider.pay(placed.body.checkoutUrl as string, {
      amountMinor: 10_000,
      currency: 'CNY',
      eventId: 'evt_late_1',
    });
    expect(paid).toMatchObject({
      status: 200,
      body: { received: true, duplicate: false, orphaned: 'order_not_payable', status: 'cancelled' },
    });
    // The provider retries the same event: the same record, nothing new.
    const again = await provider.pay(placed.body.checkoutUrl as string, {
      amountMinor: 10_000,
      currency: 'CNY',
      eventId: 'evt_late_1',
    });
    expect(again).toMatchObject({ status: 200, body: { duplicate: true, orphaned: 'order_not_payable' } });

    const listed = await call<Array<Record<string, unknown>>>(node.url, 'GET', '/api/payments/orphaned', {
      token: staff.token,
    });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([
      expect.objectContaining({
        provider: 'webhook',
        eventId: 'evt_late_1',
        orderId,
        personId: buyer.person.id,
        orderStatus: 'cancelled',
        amountMinor: 10_000,
        currency: 'CNY',
        reason: 'order_not_payable',
        resolvedAtMs: null,
      }),
    ]);
    // Members do not see it.
    expect((await call(node.url, 'GET', '/api/payments/orphaned', { token: buyer.token })).status).toBe(403);
    const events = (await readEvents(store.db, 0, 100_000)).filter((e) => e.type === 'payment.orphaned');
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({ orderId, amountMinor: 10_000, currency: 'CNY' });
    // The order itself stays cancelled.
    const order = await call(node.url, 'GET', `/api/orders/${orderId}`, { token: buyer.token });
    expect(order.body.status).toBe('cancelled');

    // Counted for monitoring.
    const metrics = await (
      await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } })
    ).text();
    expect(metrics).toMatch(/^vitalive_payments_orphaned 1$/m);

    // Staff are told on the stream (the next update carries the count).
    await expect.poll(() => frames.at(-1)?.payments?.orphaned, { timeout: 10_000, interval: 100 }).toBe(1);

    // Refunded at the provider: staff settle it, and it leaves the count.
    const settled = await postOk(node.url, staff.token, '/api/payments/orphaned/webhook/evt_late_1/resolve');
    expect(settled.resolvedAtMs).toEqual(expect.any(Number));
    await expect.poll(() => frames.at(-1)?.payments?.orphaned, { timeout: 10_000, interval: 100 }).toBe(0);
  });

  it('a payment for an unknown order is recorded too', async () => {
    const res = await provider.deliverRaw(
      JSON.stringify({
        id: 'evt_unknown_order',
        type: 'payment.succeeded',
        orderId: 'no-such-order',
        amountMinor: 700,
        currency: 'cny',
      }),
    );
    expect(res).toMatchObject({ status: 200, body: { orphaned: 'order_unknown', status: null } });
  });

  it.each(['null', '[]', '42', '"text"', 'true'])('a signed body %s is a coded 400', async (raw) => {
    const res = await provider.deliverRaw(raw);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });
});
