// Credit messages follow the ledger: a referral entry posted for a paid order writes `ledger.credited`,
// which queues "credit earned" for the referrer; the sweeper making it available writes
// `ledger.released`, which queues "credit available"; a redelivery queues nothing more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger, messagingConsumer, readEvents, releaseDue } from '../../commerce/internals.ts';
import { actorOf, deliver, placeOrder, referredBuyer, seedChannel } from '../helpers/ledger.ts';
import { openTestStore, STORE_BACKENDS, seedStaff, type TestStore, testTokens } from '../helpers/people.ts';
import { liveCard, testOrders } from '../helpers/sales.ts';

const tokens = testTokens();
const WINDOW = 7 * 86_400_000;

describe.each(STORE_BACKENDS)('credit messages on $name', ({ name }) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(name);
  }, 30_000);
  afterAll(() => t?.cleanup());

  it('credited then released: one message each for the referrer', async () => {
    const ledger = new Ledger(t.store, { referralRatesBps: { basic: 500 }, refundWindowMs: WINDOW });
    const orders = testOrders(t.store);
    const channelId = await seedChannel(t.store, { commissionBps: 1000 });
    const { referrer, buyer } = await referredBuyer(t.store, tokens, { channelId });
    const { card } = await liveCard(t.store, tokens, { units: 5, priceMinor: 10_000 });
    const order = await placeOrder(orders, buyer, card.cardId);
    await orders.confirmManualPayment(actorOf(await seedStaff(t.store, tokens)), order.orderId);
    await deliver(t.store, ledger.consumer());
    const credited = (await readEvents(t.store.db, 0, 10_000)).filter((e) => e.type === 'ledger.credited');
    expect(credited).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({
          personId: referrer.person.id,
          amountMinor: 500,
          orderId: order.orderId,
        }),
      }),
    ]);
    await releaseDue(t.store, Date.now() + WINDOW + 1);
    const released = (await readEvents(t.store.db, 0, 10_000)).filter((e) => e.type === 'ledger.released');
    // The channel's commission is released too, but only a person's entry is announced.
    expect(released.map((e) => e.payload.personId)).toEqual([referrer.person.id]);
    const consumer = messagingConsumer({});
    await deliver(t.store, consumer);
    await deliver(t.store, { ...messagingConsumer({}), name: 'messaging-again' });
    const msgs = await t.store.db
      .selectFrom('messages')
      .select(['kind', 'person_id', 'params'])
      .where('person_id', '=', referrer.person.id)
      .orderBy('id')
      .execute();
    expect(msgs.map((m) => m.kind)).toEqual(['credit_earned', 'credit_available']);
    expect(JSON.parse(msgs[0]!.params)).toEqual({ amountMinor: 500, currency: 'CNY' });
  });
});
