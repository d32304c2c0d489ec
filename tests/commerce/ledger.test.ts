// The ledger on both store backends: a paid order posts referral credit (referrer's tier rate) and
// channel commission (channel rate), rounded down, pending until the refund window passes; a redelivered
// event adds nothing; a refund inside the window voids both, after it posts an available negative
// adjustment; the channel is the one the buyer had when paying; concurrent sweepers flip each entry once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger, readEvents, releaseDue, shareOf } from '../../commerce/internals.ts';
import {
  actorOf,
  countEntries,
  deliver,
  entriesOfOrder,
  placeOrder,
  referredBuyer,
  seedChannel,
} from '../helpers/ledger.ts';
import { openTestStore, STORE_BACKENDS, seedStaff, type TestStore, testTokens } from '../helpers/people.ts';
import { liveCard, testOrders } from '../helpers/sales.ts';

const tokens = testTokens();
const WINDOW = 7 * 86_400_000;

describe('shareOf rounds down to the minor unit', () => {
  it('floors, and is exact beyond 2^53 intermediate products', () => {
    expect(shareOf(19_900, 300)).toBe(597);
    expect(shareOf(19_999, 333)).toBe(665); // 665.9667
    expect(shareOf(1, 9999)).toBe(0);
    expect(shareOf(999_999_999_999, 9_999)).toBe(999_899_999_999);
    expect(() => shareOf(-1, 10)).toThrow(TypeError);
  });
});

describe.each(STORE_BACKENDS)('ledger on $name', ({ name }) => {
  let t: TestStore;
  let ledger: Ledger;
  beforeAll(async () => {
    t = await openTestStore(name);
    ledger = new Ledger(t.store, { referralRatesBps: { basic: 300, gold: 800 }, refundWindowMs: WINDOW });
  }, 30_000);
  afterAll(() => t?.cleanup());

  async function paidOrder(opts: { tier?: string; commissionBps?: number; priceMinor?: number } = {}) {
    const orders = testOrders(t.store);
    const channelId = await seedChannel(t.store, { commissionBps: opts.commissionBps ?? 1000 });
    const { referrer, buyer } = await referredBuyer(t.store, tokens, { tier: opts.tier, channelId });
    const { card } = await liveCard(t.store, tokens, { units: 10, priceMinor: opts.priceMinor ?? 19_999 });
    const order = await placeOrder(orders, buyer, card.cardId);
    const staff = await seedStaff(t.store, tokens);
    await orders.confirmManualPayment(actorOf(staff), order.orderId);
    return { orders, staff, channelId, referrer, buyer, order };
  }

  it('paid: referral at the referrer’s tier rate and channel commission, pending, rounded down', async () => {
    const { order, referrer, channelId } = await paidOrder({ tier: 'gold', commissionBps: 1234 });
    await deliver(t.store, ledger.consumer());
    expect(await entriesOfOrder(t.store, order.orderId)).toEqual([
      expect.objectContaining({
        rule: 'referral',
        accountId: referrer.person.id,
        amountMinor: 1599, // 19999 × 8 % = 1599.92
        status: 'pending',
      }),
      expect.objectContaining({
        rule: 'commission',
        accountId: channelId,
        amountMinor: 2467, // 19999 × 12.34 % = 2467.87
        status: 'pending',
      }),
    ]);
    const credit = await ledger.credit(actorOf(referrer), referrer.person.id);
    expect(credit.balances).toEqual([{ currency: 'CNY', pendingMinor: 1599, availableMinor: 0 }]);
  });

  it('a tier without a rate earns a zero entry; a buyer without referrer or channel earns nothing', async () => {
    const { order } = await paidOrder({ tier: 'silver' });
    await deliver(t.store, ledger.consumer());
    const entries = await entriesOfOrder(t.store, order.orderId);
    expect(entries.find((e) => e.rule === 'referral')?.amountMinor).toBe(0);

    const orders = testOrders(t.store);
    const { card } = await liveCard(t.store, tokens, { units: 1 });
    const loner = await seedStaff(t.store, tokens);
    const o = await placeOrder(orders, loner, card.cardId);
    await orders.confirmManualPayment(actorOf(loner), o.orderId);
    await deliver(t.store, ledger.consumer());
    expect(await entriesOfOrder(t.store, o.orderId)).toEqual([]);
  });

  it('redelivered events (position reset to 0, a second consumer run) add nothing', async () => {
    await paidOrder();
    await deliver(t.store, ledger.consumer());
    const before = await countEntries(t.store);
    // Replay everything from the start, as a consumer that lost its position would.
    const consumer = ledger.consumer();
    const all = await readEvents(t.store.db, 0, 100_000);
    for (const e of all) await t.store.transaction((trx) => consumer.handleInTransaction!(trx, e));
    expect(await countEntries(t.store)).toBe(before);
  });

  it('refund inside the window voids credit and commission; they never become available', async () => {
    const { orders, staff, order, referrer } = await paidOrder();
    await orders.refund(actorOf(staff), order.orderId);
    await deliver(t.store, ledger.consumer());
    const entries = await entriesOfOrder(t.store, order.orderId);
    expect(entries.map((e) => [e.rule, e.amountMinor, e.status])).toEqual([
      ['referral', 599, 'reversed'],
      ['commission', 1999, 'reversed'],
      ['referral.reversal', -599, 'reversed'],
      ['commission.reversal', -1999, 'reversed'],
    ]);
    await releaseDue(t.store, Date.now() + WINDOW + 1);
    const credit = await ledger.credit(actorOf(referrer), referrer.person.id);
    expect(credit.balances).toEqual([]);
  });

  it('after the window: available; a later refund posts an available negative adjustment', async () => {
    const { orders, staff, order, referrer, channelId } = await paidOrder();
    await deliver(t.store, ledger.consumer());
    await releaseDue(t.store, Date.now() + WINDOW + 1);
    expect((await ledger.credit(actorOf(referrer), referrer.person.id)).balances).toEqual([
      { currency: 'CNY', pendingMinor: 0, availableMinor: 599 },
    ]);
    await orders.refund(actorOf(staff), order.orderId);
    await deliver(t.store, ledger.consumer());
    expect(
      (await entriesOfOrder(t.store, order.orderId)).map((e) => [
        e.rule,
        e.accountId,
        e.amountMinor,
        e.status,
      ]),
    ).toEqual([
      ['referral', referrer.person.id, 599, 'available'],
      ['commission', channelId, 1999, 'available'],
      ['referral.reversal', referrer.person.id, -599, 'available'],
      ['commission.reversal', channelId, -1999, 'available'],
    ]);
    expect((await ledger.credit(actorOf(referrer), referrer.person.id)).balances).toEqual([
      { currency: 'CNY', pendingMinor: 0, availableMinor: 0 },
    ]);
  });

  it('commission goes to the channel the buyer had when paying, not one an admin set later', async () => {
    const { order, buyer, channelId } = await paidOrder();
    const other = await seedChannel(t.store, { commissionBps: 500 });
    const admin = await seedStaff(t.store, tokens, { roles: ['admin'] });
    // The admin moves the buyer after the payment but before the ledger sees it.
    await t.store.transaction(async (trx) => {
      await trx.updateTable('people').set({ channel_id: other }).where('id', '=', buyer.person.id).execute();
      await trx
        .insertInto('person_channel_changes')
        .values({
          person_id: buyer.person.id,
          from_channel_id: channelId,
          to_channel_id: other,
          changed_by: admin.person.id,
          reason: 'moved',
          changed_at_ms: Date.now() + 1,
        })
        .execute();
    });
    await deliver(t.store, ledger.consumer());
    const commission = (await entriesOfOrder(t.store, order.orderId)).find((e) => e.rule === 'commission');
    expect(commission?.accountId).toBe(channelId);
  });

  it('concurrent sweepers flip each due entry exactly once', async () => {
    for (let i = 0; i < 5; i++) await paidOrder();
    await deliver(t.store, ledger.consumer());
    const due = Number(
      (
        await t.store.db
          .selectFrom('ledger_entries')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', '=', 'pending')
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(due).toBeGreaterThan(0);
    const flipped = await Promise.all(
      Array.from({ length: 6 }, () => releaseDue(t.store, Date.now() + WINDOW + 1, 3)),
    );
    expect(flipped.reduce((a, b) => a + b, 0)).toBe(due);
  });

  it('credit of someone else is staff-only', async () => {
    const { referrer, buyer } = await paidOrder();
    await expect(ledger.credit(actorOf(buyer), referrer.person.id)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const staff = await seedStaff(t.store, tokens);
    await expect(ledger.credit(actorOf(staff), 'no-such-person')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
