// Redemption through a whole platform node on both store backends: the platform's own ledger consumer
// and sweeper turn a referee's payment into available credit, the referrer redeems it in an order placed
// over the /live socket (validated like the HTTP body), pays the rest through the webhook provider (which
// must charge the payable amount, not the total), and a cancelled order's credit comes back.
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../loadtest/clients/postgres.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { FakePaymentProvider } from '../helpers/fake-payments.ts';
import { call } from '../helpers/http-call.ts';
import { referredBuyer, seedChannel } from '../helpers/ledger.ts';
import { type LiveNode, socketTo, startLiveNode } from '../helpers/live-platform.ts';
import { STORE_BACKENDS, seedStaff, testTokens } from '../helpers/people.ts';
import { liveCard, PICKUP } from '../helpers/sales.ts';

const tokens = testTokens();

describe.each(STORE_BACKENDS)('redemption over /live and HTTP on $name', ({ name }) => {
  let node: LiveNode;
  let pg: ScratchDatabase | undefined;
  let socket: Socket | undefined;
  const provider = new FakePaymentProvider(() => `${node.url}/api/payments/webhook`);

  beforeAll(async () => {
    pg = name === 'postgres' ? await createScratchDatabase() : undefined;
    await provider.start();
    node = await startLiveNode({
      ...(pg ? { DATABASE_URL: pg.url } : {}),
      PAYMENT_WEBHOOK_SECRET: provider.secret,
      PAYMENT_CHECKOUT_URL: provider.url,
      // Available at the next sweep, every 100 ms.
      LEDGER_REFUND_WINDOW_MS: '0',
      LEDGER_SWEEP_PERIOD_MS: '100',
    });
  }, 60_000);
  afterAll(async () => {
    socket?.disconnect();
    await node?.close();
    await provider.close();
    await pg?.drop();
  });

  it('credit earned, redeemed in a socket order, the rest paid by webhook, given back on cancel', async () => {
    const store = node.platform.store;
    const channelId = await seedChannel(store, { commissionBps: 1000 });
    const { referrer, buyer } = await referredBuyer(store, tokens, { tier: 'gold', channelId });
    const staff = await seedStaff(store, tokens);
    const { card, session } = await liveCard(store, tokens, { units: 10, priceMinor: 50_000 });
    const placed = await call(node.url, 'POST', '/api/orders', {
      token: buyer.token,
      headers: { 'idempotency-key': 'referee-order-1' },
      body: { cardId: card.cardId, quantity: 1, fulfilment: PICKUP },
    });
    const confirm = `/api/orders/${placed.body.orderId}/confirm-payment`;
    expect((await call(node.url, 'POST', confirm, { token: staff.token })).status).toBe(200);
    const credit = () =>
      call<{ balances: Array<{ availableMinor: number }> }>(node.url, 'GET', '/api/me/credit', {
        token: referrer.token,
      });
    // 8 % of 500.00, made available by the platform's sweeper.
    await waitFor(async () => (await credit()).body.balances[0]?.availableMinor === 4000);

    socket = await socketTo(node.url, '/live', referrer.token);
    await socket
      .timeout(5000)
      .emitWithAck('live:join', { sessionId: session.sessionId, viewerId: 'redeemer-1' });
    const place = (order: Record<string, unknown>, key: string) =>
      socket!
        .timeout(5000)
        .emitWithAck('order:place', { sessionId: session.sessionId, idempotencyKey: key, order });
    const bad = await place(
      { cardId: card.cardId, quantity: 1, fulfilment: PICKUP, redeemCreditMinor: -5 },
      'bad-redeem-1',
    );
    expect(bad).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });

    const order = {
      cardId: card.cardId,
      quantity: 1,
      provider: 'webhook',
      fulfilment: PICKUP,
      redeemCreditMinor: 3000,
    };
    const reply = await place(order, 'redeem-order-1');
    expect(reply).toMatchObject({
      status: 201,
      body: { totalMinor: 50_000, creditMinor: 3000, payableMinor: 47_000 },
    });
    await waitFor(async () => (await credit()).body.balances[0]?.availableMinor === 1000);
    // The provider must charge what is payable: another amount is kept aside for a refund.
    const checkout = reply.body.checkoutUrl as string;
    expect(await provider.pay(checkout, { amountMinor: 50_000, currency: 'CNY' })).toMatchObject({
      status: 200,
      body: { orphaned: 'amount_mismatch', status: 'placed' },
    });
    expect(await provider.pay(checkout, { amountMinor: 47_000, currency: 'CNY' })).toMatchObject({
      status: 200,
      body: { status: 'paid' },
    });

    // A second redemption, then its order is cancelled: the credit comes back.
    const second = await place(
      { cardId: card.cardId, quantity: 1, fulfilment: PICKUP, redeemCreditMinor: 5000 },
      'redeem-order-2',
    );
    expect(second.body.creditMinor).toBe(1000);
    await waitFor(async () => (await credit()).body.balances[0]?.availableMinor === 0);
    const refused = await place(
      { cardId: card.cardId, quantity: 1, fulfilment: PICKUP, redeemCreditMinor: 5000 },
      'redeem-order-3',
    );
    expect(refused).toMatchObject({ status: 409, body: { code: 'CREDIT_UNAVAILABLE' } });
    const cancel = `/api/orders/${second.body.orderId}/cancel`;
    expect((await call(node.url, 'POST', cancel, { token: referrer.token })).status).toBe(200);
    await waitFor(async () => (await credit()).body.balances[0]?.availableMinor === 1000);
  }, 60_000);
});
