// The ledger over HTTP on both store backends: 50 concurrent deliveries of one payment webhook, with two
// delivery loops racing for the ledger consumer, leave exactly one set of entries; members read their
// own credit, staff anyone's; the payout report per channel and period in JSON and CSV, with channel
// managers confined to their own channels (403 FORBIDDEN for another's); every route in OpenAPI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPosition } from '../../commerce/events/index.ts';
import { Ledger, LocalEventBus } from '../../commerce/internals.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { FakePaymentProvider } from '../helpers/fake-payments.ts';
import { call } from '../helpers/http-call.ts';
import { actorOf, entriesOfOrder, placeOrder, referredBuyer, seedChannel } from '../helpers/ledger.ts';
import { testLogger } from '../helpers/logger.ts';
import {
  openTestStore,
  STORE_BACKENDS,
  seedPerson,
  seedStaff,
  startTestApi,
  type TestApi,
  type TestStore,
  testTokens,
} from '../helpers/people.ts';
import { liveCard, PICKUP, testOrders } from '../helpers/sales.ts';

const tokens = testTokens();

describe.each(STORE_BACKENDS)('ledger API on $name', ({ name }) => {
  let t: TestStore;
  let api: TestApi;
  let bus: LocalEventBus;
  let otherNode: LocalEventBus;
  const provider = new FakePaymentProvider(() => `${api.url}/api/payments/webhook`);

  beforeAll(async () => {
    t = await openTestStore(name);
    await provider.start();
    bus = new LocalEventBus({ db: t.store.db, logger: testLogger, nodeId: 'a', pollMs: 10 });
    api = await startTestApi(t.store, {
      env: { PAYMENT_WEBHOOK_SECRET: provider.secret, PAYMENT_CHECKOUT_URL: provider.url },
      events: bus,
    });
    // A second delivery loop for the same consumer, as another process without Redis would run.
    otherNode = new LocalEventBus({ db: t.store.db, logger: testLogger, nodeId: 'b', pollMs: 10 });
    otherNode.subscribe(new Ledger(t.store, api.config.ledger).consumer());
    await bus.start();
    await otherNode.start();
  }, 30_000);
  afterAll(async () => {
    await otherNode?.close();
    await bus?.close();
    await api?.close();
    await provider.close();
    await t?.cleanup();
  });

  /** Waits until the ledger consumer has seen every event written so far. */
  async function settled(): Promise<void> {
    const last = await t.store.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirstOrThrow();
    bus.notify();
    otherNode.notify();
    await waitFor(async () => (await readPosition(t.store.db, 'ledger')) >= Number(last.id ?? 0));
  }

  it('50 concurrent deliveries of the same payment webhook: one payment, one set of entries', async () => {
    const channelId = await seedChannel(t.store, { commissionBps: 1000 });
    const { referrer, buyer } = await referredBuyer(t.store, tokens, { tier: 'silver', channelId });
    const { card } = await liveCard(t.store, tokens, { units: 5, priceMinor: 10_000 });
    const placed = await call(api.url, 'POST', '/api/orders', {
      token: buyer.token,
      headers: { 'idempotency-key': 'ledger-webhook-1' },
      body: { cardId: card.cardId, quantity: 1, provider: 'webhook', fulfilment: PICKUP },
    });
    expect(placed.status).toBe(201);
    const checkout = placed.body.checkoutUrl as string;
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        provider.pay(checkout, { amountMinor: 10_000, currency: 'CNY', eventId: 'evt_ledger_once' }),
      ),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    await settled();
    const orderId = placed.body.orderId as string;
    expect((await entriesOfOrder(t.store, orderId)).map((e) => [e.rule, e.accountId, e.amountMinor])).toEqual(
      [
        ['referral', referrer.person.id, 500],
        ['commission', channelId, 1000],
      ],
    );
    const mine = await call(api.url, 'GET', '/api/me/credit', { token: referrer.token });
    expect(mine.status).toBe(200);
    expect(mine.body.balances).toEqual([{ currency: 'CNY', pendingMinor: 500, availableMinor: 0 }]);
    expect((mine.body.entries as unknown[]).length).toBe(1);
  });

  it('credit of another person: staff only', async () => {
    const member = await seedPerson(t.store, tokens);
    const other = await seedPerson(t.store, tokens);
    const staff = await seedStaff(t.store, tokens);
    const path = `/api/people/${other.person.id}/credit`;
    expect(await call(api.url, 'GET', path, { token: member.token })).toMatchObject({
      status: 403,
      body: { code: 'FORBIDDEN' },
    });
    expect(await call(api.url, 'GET', path, { token: staff.token })).toMatchObject({
      status: 200,
      body: { personId: other.person.id, balances: [], entries: [] },
    });
    expect((await call(api.url, 'GET', '/api/people/nobody/credit', { token: staff.token })).status).toBe(
      404,
    );
    expect((await call(api.url, 'GET', '/api/me/credit')).status).toBe(401);
    expect((await call(api.url, 'GET', '/api/me/credit?limit=0', { token: member.token })).status).toBe(400);
  });

  it('payouts per channel and period, JSON and CSV; a channel manager sees only their own', async () => {
    const from = Date.now() - 1;
    const managerA = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    const managerB = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    const a = await seedChannel(t.store, {
      commissionBps: 500,
      managerId: managerA.person.id,
      name: 'A, the first',
    });
    const b = await seedChannel(t.store, { commissionBps: 1000, managerId: managerB.person.id, name: 'B' });
    const staff = await seedStaff(t.store, tokens);
    const orders = testOrders(t.store);
    const { card } = await liveCard(t.store, tokens, { units: 20, priceMinor: 19_900 });
    const paid = async (channelId: string) => {
      const { buyer } = await referredBuyer(t.store, tokens, { channelId });
      const o = await placeOrder(orders, buyer, card.cardId);
      await orders.confirmManualPayment(actorOf(staff), o.orderId);
      return o.orderId;
    };
    await paid(a);
    const refunded = await paid(a);
    await paid(b);
    await orders.refund(actorOf(staff), refunded);
    await settled();
    const to = Date.now() + 1;
    const q = (extra = '') => `/api/payouts?from=${from}&to=${to}${extra}`;

    const all = await call<{ rows: Array<Record<string, unknown>> }>(api.url, 'GET', q(), {
      token: staff.token,
    });
    expect(all.status).toBe(200);
    const rowA = {
      channelId: a,
      channelName: 'A, the first',
      currency: 'CNY',
      orders: 2,
      gmvMinor: 39_800,
      refundedOrders: 1,
      refundedGmvMinor: 19_900,
      commissionMinor: 995,
      pendingMinor: 995,
      availableMinor: 0,
      frozenMinor: 0,
      paidOutMinor: 0,
    };
    const rowB = { ...rowA, channelId: b, channelName: 'B', orders: 1, gmvMinor: 19_900 };
    Object.assign(rowB, {
      refundedOrders: 0,
      refundedGmvMinor: 0,
      commissionMinor: 1990,
      pendingMinor: 1990,
    });
    expect(all.body.rows).toEqual(expect.arrayContaining([rowA, rowB]));

    const own = await call<{ rows: unknown[] }>(api.url, 'GET', q(), { token: managerA.token });
    expect(own.body.rows).toEqual([rowA]);
    const foreign = await call(api.url, 'GET', q(`&channelId=${b}`), { token: managerA.token });
    expect(foreign).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    const member = await seedPerson(t.store, tokens);
    expect((await call(api.url, 'GET', q(), { token: member.token })).body).toMatchObject({
      code: 'FORBIDDEN',
    });

    const csv = await fetch(`${api.url}${q(`&channelId=${a}&format=csv`)}`, {
      headers: { authorization: `Bearer ${managerA.token}` },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect((await csv.text()).trim().split('\n')).toEqual([
      'channelId,channelName,currency,orders,gmvMinor,refundedOrders,refundedGmvMinor,commissionMinor,pendingMinor,availableMinor,frozenMinor,paidOutMinor',
      `${a},"A, the first",CNY,2,39800,1,19900,995,995,0,0,0`,
    ]);

    // Outside the period: nothing; a reversed period and a missing bound are coded 400s.
    expect(
      (await call(api.url, 'GET', `/api/payouts?from=0&to=${from}&channelId=${a}`, { token: staff.token }))
        .body,
    ).toMatchObject({ rows: [] });
    expect(
      (await call(api.url, 'GET', `/api/payouts?from=${to}&to=${from}`, { token: staff.token })).body,
    ).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await call(api.url, 'GET', `/api/payouts?to=${to}`, { token: staff.token })).body).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect((await call(api.url, 'GET', q('&format=xml'), { token: staff.token })).status).toBe(400);
  });

  it('documents the ledger routes in OpenAPI at /docs', async () => {
    const doc = await call<{ paths: Record<string, unknown> }>(api.url, 'GET', '/docs/json');
    for (const p of ['/api/me/credit', '/api/people/{id}/credit', '/api/payouts']) {
      expect(doc.body.paths, p).toHaveProperty([p]);
    }
  });
});
