// Payout runs on both store backends: a run freezes each channel's available commission (frozen entries
// leave the available balance at once), its statement splits the period's commission from adjustments,
// two concurrent "mark paid" pay once, a refund after payout is a negative balance carried into the next
// run, and — when credit is paid in cash — a freeze racing a redemption never lets one entry be both
// redeemed and paid.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger, releaseDue } from '../../commerce/internals.ts';
import { actorOf, deliver, placeOrder, referredBuyer, seedChannel } from '../helpers/ledger.ts';
import {
  openTestStore,
  type Seeded,
  STORE_BACKENDS,
  seedPerson,
  seedStaff,
  type TestStore,
  testTokens,
} from '../helpers/people.ts';
import { liveCard, testOrders } from '../helpers/sales.ts';

const tokens = testTokens();
const WINDOW = 1000;

describe.each(STORE_BACKENDS)('payout runs on $name', ({ name }) => {
  let t: TestStore;
  let ledger: Ledger;
  let cashLedger: Ledger;
  let staff: Seeded;
  const orders = () => testOrders(t.store, { credit: ledger });

  beforeAll(async () => {
    t = await openTestStore(name);
    const rules = { referralRatesBps: { gold: 800 }, refundWindowMs: WINDOW, redeemMaxShareBps: 5000 };
    ledger = new Ledger(t.store, rules);
    cashLedger = new Ledger(t.store, { ...rules, payCreditInCash: true });
    staff = await seedStaff(t.store, tokens);
  }, 30_000);
  afterAll(() => t?.cleanup());

  /** A paid order of `priceMinor` by a buyer of the channel, its commission made available. */
  async function paidOrder(channelId: string, priceMinor: number, tier = 'basic') {
    const o = orders();
    const { referrer, buyer } = await referredBuyer(t.store, tokens, { tier, channelId });
    const { card } = await liveCard(t.store, tokens, { units: 1, priceMinor });
    const order = await placeOrder(o, buyer, card.cardId);
    await o.confirmManualPayment(actorOf(staff), order.orderId);
    await deliver(t.store, ledger.consumer());
    await releaseDue(t.store, Date.now() + WINDOW);
    return { order, referrer, buyer, orders: o };
  }

  const channelFigures = async (channelId: string) => {
    const [row] = await ledger.payouts(actorOf(staff), {
      channelId,
      fromMs: 0,
      toMs: Date.now() + 10 * WINDOW,
    });
    return row;
  };

  it('freezes available commission, pays it once under two concurrent "mark paid", carries a later refund', async () => {
    const manager = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    const channelId = await seedChannel(t.store, {
      commissionBps: 1000,
      managerId: manager.person.id,
      name: 'Paid',
    });
    const from = Date.now() - 1;
    const first = await paidOrder(channelId, 10_000);
    expect(await channelFigures(channelId)).toMatchObject({ availableMinor: 1000, frozenMinor: 0 });

    const run = await ledger.createPayoutRun(actorOf(staff), { fromMs: from, toMs: Date.now() + 1 });
    expect(run.status).toBe('frozen');
    expect(run.totals.filter((x) => x.accountKind === 'channel')).toEqual(
      expect.arrayContaining([expect.objectContaining({ currency: 'CNY' })]),
    );
    expect(await channelFigures(channelId)).toMatchObject({ availableMinor: 0, frozenMinor: 1000 });
    const statement = await ledger.payoutStatement(actorOf(manager), run.runId);
    expect(statement).toEqual([
      expect.objectContaining({
        accountKind: 'channel',
        accountId: channelId,
        accountName: 'Paid',
        orders: 1,
        gmvMinor: 10_000,
        commissionMinor: 1000,
        adjustmentsMinor: 0,
        payableMinor: 1000,
      }),
    ]);
    // Nothing left to freeze for anyone: a second run now is empty.
    await expect(
      ledger.createPayoutRun(actorOf(staff), { fromMs: from, toMs: Date.now() + 1 }),
    ).rejects.toMatchObject({ code: 'PAYOUT_RUN_EMPTY' });

    const results = await Promise.allSettled([
      ledger.markPayoutRunPaid(actorOf(staff), run.runId, 'BANK-1'),
      ledger.markPayoutRunPaid(actorOf(staff), run.runId, 'BANK-2'),
    ]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(refused.map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['PAYOUT_RUN_ALREADY_PAID']);
    const paidEvents = await t.store.db
      .selectFrom('outbox')
      .select('payload')
      .where('type', '=', 'payout_run.paid')
      .where('aggregate_id', '=', run.runId)
      .execute();
    expect(paidEvents).toHaveLength(1);
    expect(await channelFigures(channelId)).toMatchObject({
      availableMinor: 0,
      frozenMinor: 0,
      paidOutMinor: 1000,
    });
    const entries = await t.store.db
      .selectFrom('ledger_entries')
      .select(['status', 'payout_run_id'])
      .where('order_id', '=', first.order.orderId)
      .where('rule', '=', 'commission')
      .execute();
    expect(entries).toEqual([{ status: 'paid_out', payout_run_id: run.runId }]);

    // A refund after payout: a negative available balance, which no run pays…
    await first.orders.refund(actorOf(staff), first.order.orderId);
    await deliver(t.store, ledger.consumer());
    expect(await channelFigures(channelId)).toMatchObject({ availableMinor: -1000, paidOutMinor: 1000 });
    await expect(
      ledger.createPayoutRun(actorOf(staff), { fromMs: from, toMs: Date.now() + 1 }),
    ).rejects.toMatchObject({ code: 'PAYOUT_RUN_EMPTY' });
    // …and the next run deducts it: 1500 earned − 1000 carried = 500.
    const from2 = Date.now() - 1;
    await paidOrder(channelId, 15_000);
    const next = await ledger.createPayoutRun(actorOf(staff), { fromMs: from2, toMs: Date.now() + 1 });
    const [line] = (await ledger.payoutStatement(actorOf(staff), next.runId)).filter(
      (l) => l.accountId === channelId,
    );
    expect(line).toMatchObject({ commissionMinor: 1500, adjustmentsMinor: -1000, payableMinor: 500 });
  });

  it('staff only make and pay runs; a manager reads only their channels’ runs and lines', async () => {
    const mA = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    const mB = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    const a = await seedChannel(t.store, { commissionBps: 1000, managerId: mA.person.id });
    const b = await seedChannel(t.store, { commissionBps: 1000, managerId: mB.person.id });
    await paidOrder(a, 10_000);
    await paidOrder(b, 20_000);
    const member = await seedPerson(t.store, tokens);
    for (const who of [mA, member])
      await expect(
        ledger.createPayoutRun(actorOf(who), { fromMs: 0, toMs: Date.now() + 1 }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const run = await ledger.createPayoutRun(actorOf(staff), { fromMs: 0, toMs: Date.now() + 1 });
    await expect(ledger.markPayoutRunPaid(actorOf(mA), run.runId, 'X')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const linesA = await ledger.payoutStatement(actorOf(mA), run.runId);
    expect(linesA.map((l) => l.accountId)).toEqual([a]);
    const runsA = await ledger.payoutRuns(actorOf(mA), { limit: 10, offset: 0 });
    expect(runsA.map((r) => r.runId)).toContain(run.runId);
    expect(runsA.find((r) => r.runId === run.runId)!.totals).toEqual([
      { accountKind: 'channel', currency: 'CNY', accounts: 1, amountMinor: 1000 },
    ]);
    const stranger = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    await expect(ledger.payoutStatement(actorOf(stranger), run.runId)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(ledger.payoutStatement(actorOf(member), run.runId)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    // By default members' credit is not paid in cash: it stays spendable.
    expect(run.includesCredit).toBe(false);
    expect(run.totals.every((x) => x.accountKind === 'channel')).toBe(true);
  });

  /** A member holding 8000 CNY of available credit (gold referrer of a 100,000 order). */
  async function memberWithCredit(): Promise<Seeded> {
    const channelId = await seedChannel(t.store, { commissionBps: 0 });
    const { referrer } = await paidOrder(channelId, 100_000, 'gold');
    const credit = await ledger.credit(actorOf(referrer), referrer.person.id);
    expect(credit.balances).toEqual([{ currency: 'CNY', pendingMinor: 0, availableMinor: 8000 }]);
    return referrer;
  }

  it('frozen credit is no longer spendable: a redemption after the freeze is refused', async () => {
    const member = await memberWithCredit();
    const run = await cashLedger.createPayoutRun(actorOf(staff), { fromMs: 0, toMs: Date.now() + 1 });
    expect(run.includesCredit).toBe(true);
    const credit = await ledger.credit(actorOf(member), member.person.id);
    expect(credit.balances).toEqual([{ currency: 'CNY', pendingMinor: 0, availableMinor: 0 }]);
    expect(credit.summary).toEqual([
      expect.objectContaining({ earnedMinor: 8000, spentMinor: 0, availableMinor: 0, frozenMinor: 8000 }),
    ]);
    const { card } = await liveCard(t.store, tokens, { units: 1, priceMinor: 10_000 });
    await expect(placeOrder(orders(), member, card.cardId, { redeemCreditMinor: 1000 })).rejects.toSatisfy(
      (e) => JSON.stringify((e as { reply?: unknown }).reply).includes('CREDIT_UNAVAILABLE'),
    );
    await cashLedger.markPayoutRunPaid(actorOf(staff), run.runId, 'CASH-1');
    const paid = await ledger.credit(actorOf(member), member.person.id);
    expect(paid.summary).toEqual([
      expect.objectContaining({ earnedMinor: 8000, frozenMinor: 0, paidOutMinor: 8000 }),
    ]);
  });

  it('a freeze racing a redemption: what is redeemed is never also paid', async () => {
    for (let round = 0; round < 4; round++) {
      const member = await memberWithCredit();
      const { card } = await liveCard(t.store, tokens, { units: 1, priceMinor: 10_000 });
      const [freeze, redeem] = await Promise.allSettled([
        cashLedger.createPayoutRun(actorOf(staff), { fromMs: 0, toMs: Date.now() + 1 }),
        placeOrder(orders(), member, card.cardId, { redeemCreditMinor: 5000 }),
      ]);
      const redeemed = redeem.status === 'fulfilled' ? redeem.value.creditMinor : 0;
      const frozen = await t.store.db
        .selectFrom('ledger_entries')
        .select((eb) => eb.fn.sum<number>('amount_minor').as('n'))
        .where('account_kind', '=', 'person')
        .where('account_id', '=', member.person.id)
        .where('payout_run_id', 'is not', null)
        .executeTakeFirstOrThrow();
      const credit = await ledger.credit(actorOf(member), member.person.id);
      // Either order of the two: the credit is split between them, never counted twice.
      expect(redeemed + Number(frozen.n ?? 0), `round ${round}: ${freeze.status}/${redeem.status}`).toBe(
        8000,
      );
      expect(credit.balances[0]!.availableMinor).toBe(0);
      if (freeze.status === 'fulfilled')
        await cashLedger.markPayoutRunPaid(actorOf(staff), freeze.value.runId, `RACE-${round}`);
    }
  });
});
