// Redemption on both store backends: credit pays part of an order inside its transaction (capped at the
// configured share), an order that fails consumes nothing (sold out, over the limit, or no credit: then no
// order and no stock taken either), cancelled, expired and refunded orders give the credit back, and
// concurrent orders of one member never spend the same credit twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger, type Order, releaseDue } from '../../commerce/internals.ts';
import {
  actorOf,
  deliver,
  entriesOfOrder,
  placeOrder,
  referredBuyer,
  seedChannel,
} from '../helpers/ledger.ts';
import type { Seeded } from '../helpers/people.ts';
import { openTestStore, STORE_BACKENDS, seedStaff, type TestStore, testTokens } from '../helpers/people.ts';
import { liveCard, PICKUP, testOrders } from '../helpers/sales.ts';

const tokens = testTokens();
const WINDOW = 1000;

describe.each(STORE_BACKENDS)('redemption on $name', ({ name }) => {
  let t: TestStore;
  let ledger: Ledger;
  const orders = () => testOrders(t.store, { credit: ledger });
  beforeAll(async () => {
    t = await openTestStore(name);
    ledger = new Ledger(t.store, {
      referralRatesBps: { gold: 800 },
      refundWindowMs: WINDOW,
      redeemMaxShareBps: 5000,
    });
  }, 30_000);
  afterAll(() => t?.cleanup());

  /** A member holding `8000` CNY of available credit (8 % of a 100,000 order their referee paid). */
  async function memberWithCredit(): Promise<Seeded> {
    const o = orders();
    const channelId = await seedChannel(t.store, { commissionBps: 0 });
    const { referrer, buyer } = await referredBuyer(t.store, tokens, { tier: 'gold', channelId });
    const { card } = await liveCard(t.store, tokens, { units: 1, priceMinor: 100_000 });
    const paid = await placeOrder(o, buyer, card.cardId);
    await o.confirmManualPayment(actorOf(await seedStaff(t.store, tokens)), paid.orderId);
    await deliver(t.store, ledger.consumer());
    await releaseDue(t.store, Date.now() + WINDOW);
    expect(await available(referrer)).toBe(8000);
    return referrer;
  }

  async function available(p: Seeded): Promise<number> {
    const credit = await ledger.credit(actorOf(p), p.person.id);
    return credit.balances.find((b) => b.currency === 'CNY')?.availableMinor ?? 0;
  }

  const codeOf = (err: unknown) =>
    ((err as { reply?: { body?: { code?: string } } }).reply?.body?.code ?? String(err)) as string;

  it('pays part of the order, capped at the share of the order; the buyer pays the rest', async () => {
    const member = await memberWithCredit();
    const { card } = await liveCard(t.store, tokens, { units: 5, priceMinor: 10_000 });
    const order = await placeOrder(orders(), member, card.cardId, { redeemCreditMinor: 99_999 });
    expect(order).toMatchObject({ totalMinor: 10_000, creditMinor: 5000, payableMinor: 5000 });
    expect(await available(member)).toBe(3000);
    const smaller = await placeOrder(orders(), member, card.cardId, { redeemCreditMinor: 1200 });
    expect(smaller).toMatchObject({ creditMinor: 1200, payableMinor: 8800 });
    expect(await available(member)).toBe(1800);
  });

  it('an order that fails consumes no credit: sold out, over the limit, or no credit at all', async () => {
    const member = await memberWithCredit();
    const soldOut = await liveCard(t.store, tokens, { units: 1, priceMinor: 10_000 });
    const rival = await seedStaff(t.store, tokens);
    await placeOrder(orders(), rival, soldOut.card.cardId);
    await expect(
      placeOrder(orders(), member, soldOut.card.cardId, { redeemCreditMinor: 1000 }),
    ).rejects.toSatisfy((e) => codeOf(e) === 'CARD_SOLD_OUT');
    const limited = await liveCard(t.store, tokens, { units: 5, perMemberLimit: 1 });
    await placeOrder(orders(), member, limited.card.cardId);
    await expect(
      placeOrder(orders(), member, limited.card.cardId, { redeemCreditMinor: 1000 }),
    ).rejects.toSatisfy((e) => codeOf(e) === 'ORDER_LIMIT_EXCEEDED');
    expect(await available(member)).toBe(8000);

    // No credit: the placement is undone — no order, units and holding unchanged.
    const broke = await seedStaff(t.store, tokens);
    const { card } = await liveCard(t.store, tokens, { units: 3 });
    await expect(placeOrder(orders(), broke, card.cardId, { redeemCreditMinor: 100 })).rejects.toSatisfy(
      (e) => codeOf(e) === 'CREDIT_UNAVAILABLE',
    );
    const left = await t.store.db
      .selectFrom('cards')
      .select('remaining')
      .where('id', '=', card.cardId)
      .executeTakeFirstOrThrow();
    expect(Number(left.remaining)).toBe(3);
    const placed = await t.store.db
      .selectFrom('orders')
      .select('id')
      .where('person_id', '=', broke.person.id)
      .execute();
    expect(placed).toEqual([]);
    const held = await t.store.db
      .selectFrom('card_holdings')
      .select('quantity')
      .where('card_id', '=', card.cardId)
      .where('person_id', '=', broke.person.id)
      .executeTakeFirst();
    expect(Number(held?.quantity ?? 0)).toBe(0);
    // Without a ledger plugged in, redeeming is refused the same way.
    await expect(
      placeOrder(testOrders(t.store), member, card.cardId, { redeemCreditMinor: 100 }),
    ).rejects.toSatisfy((e) => codeOf(e) === 'CREDIT_UNAVAILABLE');
  });

  it('cancelled, expired and refunded orders give the credit back, once', async () => {
    const member = await memberWithCredit();
    const staff = actorOf(await seedStaff(t.store, tokens));
    const o = orders();
    const { card } = await liveCard(t.store, tokens, { units: 5, priceMinor: 4000 });
    const cancelled = await placeOrder(o, member, card.cardId, { redeemCreditMinor: 2000 });
    const expiring = await placeOrder(o, member, card.cardId, { redeemCreditMinor: 2000 });
    const refunded = await placeOrder(o, member, card.cardId, { redeemCreditMinor: 2000 });
    expect(await available(member)).toBe(2000);
    await o.cancel(actorOf(member), cancelled.orderId);
    await o.confirmManualPayment(staff, refunded.orderId);
    await o.expireDue(Date.now() + 49 * 3600_000, 1_000_000);
    await o.refund(staff, refunded.orderId);
    await deliver(t.store, ledger.consumer());
    await deliver(t.store, ledger.consumer());
    expect(await available(member)).toBe(8000);
    for (const id of [cancelled.orderId, expiring.orderId, refunded.orderId]) {
      const rules = (await entriesOfOrder(t.store, id)).map((e) => [e.rule, e.amountMinor]);
      expect(rules).toEqual([
        ['redeem', -2000],
        ['redeem.return', 2000],
      ]);
    }
  });

  it('concurrent orders of one member spend the credit at most once', async () => {
    const member = await memberWithCredit();
    const { card } = await liveCard(t.store, tokens, { units: 10, priceMinor: 10_000, perMemberLimit: 10 });
    const o = orders();
    const replies = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        o.place(
          actorOf(member),
          { cardId: card.cardId, quantity: 1, fulfilment: PICKUP, redeemCreditMinor: 5000 },
          `concurrent-redeem-${i}`,
        ),
      ),
    );
    const applied = replies
      .filter((r) => r.status === 201)
      .map((r) => (r.body as Order).creditMinor)
      .sort((a, b) => b - a);
    expect(applied).toEqual([5000, 3000]);
    expect(replies.filter((r) => (r.body as { code?: string }).code === 'CREDIT_UNAVAILABLE')).toHaveLength(
      4,
    );
    expect(await available(member)).toBe(0);
  });
});
