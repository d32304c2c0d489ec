// The ledger's postings on a real SQLite store, called the way the ledger consumer calls them: what a
// paid order earns (on the amount paid in money, for the buyer's own referrer and the channel the buyer
// had when paying, every column of each entry), what a refund takes back inside and after the window,
// the credit a cancelled or refunded order gives back, and that each touches only its own order.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger, releaseDue } from '../../commerce/internals.ts';
import { post, postEarnings, returnCredit, reverseEarnings } from '../../commerce/ledger/postings.ts';
import type { Database } from '../../commerce/schema.ts';
import { actorOf, placeOrder, seedChannel } from '../helpers/ledger.ts';
import {
  openTestStore,
  type Seeded,
  seedPerson,
  seedStaff,
  type TestStore,
  testTokens,
} from '../helpers/people.ts';
import { liveCard, testOrders } from '../helpers/sales.ts';

const tokens = testTokens();
const WINDOW = 5_000;
const RULES = {
  referralRatesBps: { basic: 300, gold: 800 },
  refundWindowMs: WINDOW,
  redeemMaxShareBps: 5000,
};

type Entry = {
  rule: string;
  accountKind: string;
  accountId: string;
  amountMinor: number;
  currency: string;
  baseMinor: number;
  rateBps: number;
  status: string;
  availableAtMs: number;
  eventId: number | null;
  createdAtMs: number;
  updatedAtMs: number;
};

describe('ledger postings', () => {
  let t: TestStore;
  let ledger: Ledger;
  let staff: Seeded;
  beforeAll(async () => {
    t = await openTestStore('sqlite');
    ledger = new Ledger(t.store, RULES);
    staff = await seedStaff(t.store, tokens);
  }, 30_000);
  afterAll(() => t?.cleanup());

  const tx = <T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> => t.store.transaction(fn);

  /** Every entry of the order, all columns, in the order written; `rules` narrows it. */
  async function entries(orderId: string, rules?: string[]): Promise<Entry[]> {
    const rows = await t.store.db
      .selectFrom('ledger_entries')
      .selectAll()
      .where('order_id', '=', orderId)
      .orderBy('id')
      .execute();
    return rows
      .filter((e) => !rules || rules.includes(e.rule))
      .map((e) => ({
        rule: e.rule,
        accountKind: e.account_kind,
        accountId: e.account_id,
        amountMinor: Number(e.amount_minor),
        currency: e.currency,
        baseMinor: Number(e.base_minor),
        rateBps: Number(e.rate_bps),
        status: e.status,
        availableAtMs: Number(e.available_at_ms),
        eventId: e.event_id === null ? null : Number(e.event_id),
        createdAtMs: Number(e.created_at_ms),
        updatedAtMs: Number(e.updated_at_ms),
      }));
  }

  /** Available credit for `person`, posted as an earlier order's released referral. */
  async function giveCredit(person: Seeded, amountMinor: number): Promise<void> {
    await tx((trx) =>
      post(
        trx,
        {
          orderId: `earlier-${randomUUID()}`,
          rule: 'referral',
          accountKind: 'person',
          accountId: person.person.id,
          amountMinor,
          currency: 'CNY',
          baseMinor: amountMinor * 10,
          rateBps: 1000,
          status: 'available',
          availableAtMs: 0,
          eventId: null,
        },
        Date.now(),
      ),
    );
  }

  /**
   * An order of `priceMinor` by a buyer referred by a referrer of `tier` (none when null), in a channel
   * of `commissionBps` (none when null), paying `redeemMinor` with credit; paid unless `paid` is false.
   */
  async function order(
    opts: {
      tier?: string | null;
      commissionBps?: number | null;
      priceMinor?: number;
      redeemMinor?: number;
      paid?: boolean;
    } = {},
  ) {
    const channelId =
      opts.commissionBps === null
        ? null
        : await seedChannel(t.store, { commissionBps: opts.commissionBps ?? 1000 });
    const referrer =
      opts.tier === null ? undefined : await seedPerson(t.store, tokens, { tier: opts.tier ?? 'basic' });
    const buyer = await seedPerson(t.store, tokens, { referredBy: referrer?.person.id ?? null, channelId });
    if (opts.redeemMinor) await giveCredit(buyer, opts.redeemMinor);
    const orders = testOrders(t.store, { credit: ledger });
    const { card } = await liveCard(t.store, tokens, { units: 5, priceMinor: opts.priceMinor ?? 10_000 });
    const placed = await placeOrder(
      orders,
      buyer,
      card.cardId,
      opts.redeemMinor ? { redeemCreditMinor: opts.redeemMinor } : {},
    );
    if (opts.paid !== false) await orders.confirmManualPayment(actorOf(staff), placed.orderId);
    const row = await t.store.db
      .selectFrom('orders')
      .select('paid_at_ms')
      .where('id', '=', placed.orderId)
      .executeTakeFirstOrThrow();
    return {
      orderId: placed.orderId,
      paidAtMs: row.paid_at_ms === null ? null : Number(row.paid_at_ms),
      referrer,
      buyer,
      channelId,
    };
  }

  const earn = (orderId: string, eventId: number, nowMs: number) =>
    tx((trx) => postEarnings(trx, ledger.rules, orderId, eventId, nowMs));
  const reverse = (orderId: string, eventId: number, nowMs: number) =>
    tx((trx) => reverseEarnings(trx, orderId, eventId, nowMs));
  const giveBack = (orderId: string, eventId: number, nowMs: number) =>
    tx((trx) => returnCredit(trx, orderId, eventId, nowMs));

  it('a paid order earns on what was paid in money: the referrer at their tier rate, the channel at its rate, pending for the window after payment', async () => {
    const o = await order({ tier: 'gold', commissionBps: 1234, priceMinor: 20_000, redeemMinor: 3_000 });
    const now = o.paidAtMs! + 1_234;
    await earn(o.orderId, 4242, now);
    const common = {
      currency: 'CNY',
      baseMinor: 17_000, // 20,000 less 3,000 of credit
      status: 'pending',
      availableAtMs: o.paidAtMs! + WINDOW,
      eventId: 4242,
      createdAtMs: now,
      updatedAtMs: now,
    };
    expect(await entries(o.orderId, ['referral', 'commission'])).toEqual([
      {
        ...common,
        rule: 'referral',
        accountKind: 'person',
        accountId: o.referrer!.person.id,
        amountMinor: 1360, // 8 % of 17,000
        rateBps: 800,
      },
      {
        ...common,
        rule: 'commission',
        accountKind: 'channel',
        accountId: o.channelId,
        amountMinor: 2097, // 12.34 % of 17,000 = 2097.8, rounded down
        rateBps: 1234,
      },
    ]);
    // The same event handled again (a redelivery) writes nothing and changes nothing.
    const before = await entries(o.orderId);
    await earn(o.orderId, 4243, now + 50);
    expect(await entries(o.orderId)).toEqual(before);
  });

  it('an order without a recorded payment time starts its window when the event is handled', async () => {
    const o = await order({ tier: 'basic', commissionBps: 500, paid: false });
    expect(o.paidAtMs).toBeNull();
    const now = Date.now() + 777;
    await earn(o.orderId, 1, now);
    const got = await entries(o.orderId);
    expect(got.map((e) => [e.rule, e.amountMinor, e.availableAtMs])).toEqual([
      ['referral', 300, now + WINDOW],
      ['commission', 500, now + WINDOW],
    ]);
  });

  it('a tier without a rate earns a zero entry; no referrer or no channel earns nothing for it; an unknown order posts nothing', async () => {
    const silver = await order({ tier: 'silver', commissionBps: null });
    await earn(silver.orderId, 2, Date.now());
    expect(
      (await entries(silver.orderId)).map((e) => [e.rule, e.accountId, e.amountMinor, e.rateBps]),
    ).toEqual([['referral', silver.referrer!.person.id, 0, 0]]);
    const unreferred = await order({ tier: null, commissionBps: 700 });
    await earn(unreferred.orderId, 3, Date.now());
    expect((await entries(unreferred.orderId)).map((e) => [e.rule, e.accountId, e.amountMinor])).toEqual([
      ['commission', unreferred.channelId, 700],
    ]);
    const neither = await order({ tier: null, commissionBps: null });
    await earn(neither.orderId, 4, Date.now());
    expect(await entries(neither.orderId)).toEqual([]);
    await earn('no-such-order', 5, Date.now());
    expect(await entries('no-such-order')).toEqual([]);
  });

  it("commission goes to the channel the buyer had when paying: the buyer's earliest change after the payment names it", async () => {
    const o = await order({ tier: null, commissionBps: 100 });
    const paidAt = o.paidAtMs!;
    const earlier = await seedChannel(t.store, { commissionBps: 200 });
    const second = await seedChannel(t.store, { commissionBps: 300 });
    const third = await seedChannel(t.store, { commissionBps: 400 });
    const someoneElses = await seedChannel(t.store, { commissionBps: 500 });
    const other = await seedPerson(t.store, tokens, { channelId: someoneElses });
    const change = (personId: string, from: string, to: string, atMs: number) => ({
      person_id: personId,
      from_channel_id: from,
      to_channel_id: to,
      changed_by: staff.person.id,
      reason: 'moved',
      changed_at_ms: atMs,
    });
    await t.store.db
      .insertInto('person_channel_changes')
      .values([
        // Written out of time order, so the first by id is not the first after the payment.
        change(o.buyer.person.id, second, third, paidAt + 20),
        change(o.buyer.person.id, earlier, o.channelId!, paidAt - 10), // before the payment: history
        change(other.person.id, someoneElses, third, paidAt + 5), // another person's move
        change(o.buyer.person.id, o.channelId!, second, paidAt + 10),
      ])
      .execute();
    await t.store.db
      .updateTable('people')
      .set({ channel_id: third })
      .where('id', '=', o.buyer.person.id)
      .execute();
    await earn(o.orderId, 6, paidAt + 30);
    expect((await entries(o.orderId)).map((e) => [e.rule, e.accountId, e.amountMinor, e.rateBps])).toEqual([
      ['commission', o.channelId, 100, 100],
    ]);
  });

  it('a refund inside the window voids the earnings and posts their reversals voided too; other orders keep theirs', async () => {
    const other = await order({ tier: 'basic', commissionBps: 1000 });
    await earn(other.orderId, 10, other.paidAtMs!);
    const otherBefore = await entries(other.orderId);
    const o = await order({ tier: 'gold', commissionBps: 1500, priceMinor: 10_000 });
    await earn(o.orderId, 11, o.paidAtMs!);
    const refundAt = o.paidAtMs! + 100;
    await reverse(o.orderId, 12, refundAt);
    const due = o.paidAtMs! + WINDOW;
    const earned = { currency: 'CNY', baseMinor: 10_000, availableAtMs: due, createdAtMs: o.paidAtMs! };
    expect(await entries(o.orderId)).toEqual([
      {
        ...earned,
        rule: 'referral',
        accountKind: 'person',
        accountId: o.referrer!.person.id,
        amountMinor: 800,
        rateBps: 800,
        status: 'reversed',
        eventId: 11,
        updatedAtMs: refundAt,
      },
      {
        ...earned,
        rule: 'commission',
        accountKind: 'channel',
        accountId: o.channelId,
        amountMinor: 1500,
        rateBps: 1500,
        status: 'reversed',
        eventId: 11,
        updatedAtMs: refundAt,
      },
      {
        ...earned,
        rule: 'referral.reversal',
        accountKind: 'person',
        accountId: o.referrer!.person.id,
        amountMinor: -800,
        rateBps: 800,
        status: 'reversed',
        eventId: 12,
        createdAtMs: refundAt,
        updatedAtMs: refundAt,
      },
      {
        ...earned,
        rule: 'commission.reversal',
        accountKind: 'channel',
        accountId: o.channelId,
        amountMinor: -1500,
        rateBps: 1500,
        status: 'reversed',
        eventId: 12,
        createdAtMs: refundAt,
        updatedAtMs: refundAt,
      },
    ]);
    expect(await entries(other.orderId)).toEqual(otherBefore);
    // A second refund event changes nothing.
    const after = await entries(o.orderId);
    await reverse(o.orderId, 13, refundAt + 1);
    expect(await entries(o.orderId)).toEqual(after);
  });

  it('after the window the reversal is an available negative adjustment from the refund on, and the earning stays', async () => {
    const o = await order({ tier: 'basic', commissionBps: null, priceMinor: 10_000 });
    await earn(o.orderId, 20, o.paidAtMs!);
    await releaseDue(t.store, o.paidAtMs! + WINDOW);
    const [released] = await entries(o.orderId);
    expect(released).toMatchObject({ rule: 'referral', status: 'available', amountMinor: 300 });
    const refundAt = o.paidAtMs! + WINDOW + 60_000;
    await reverse(o.orderId, 21, refundAt);
    expect(await entries(o.orderId)).toEqual([
      released,
      {
        ...released,
        rule: 'referral.reversal',
        amountMinor: -300,
        status: 'available',
        availableAtMs: refundAt,
        eventId: 21,
        createdAtMs: refundAt,
        updatedAtMs: refundAt,
      },
    ]);
    // An order that earned nothing has nothing to take back.
    const bare = await order({ tier: null, commissionBps: null });
    await reverse(bare.orderId, 22, refundAt);
    expect(await entries(bare.orderId)).toEqual([]);
  });

  it('a cancelled or refunded order gives back the credit it redeemed, available at once, once; only its own', async () => {
    const other = await order({ tier: null, commissionBps: null, redeemMinor: 1_000 });
    const o = await order({ tier: null, commissionBps: null, priceMinor: 10_000, redeemMinor: 2_500 });
    const now = Date.now() + 999;
    await giveBack(o.orderId, 30, now);
    expect(await entries(o.orderId, ['redeem.return'])).toEqual([
      {
        rule: 'redeem.return',
        accountKind: 'person',
        accountId: o.buyer.person.id,
        amountMinor: 2_500,
        currency: 'CNY',
        baseMinor: 0,
        rateBps: 0,
        status: 'available',
        availableAtMs: now,
        eventId: 30,
        createdAtMs: now,
        updatedAtMs: now,
      },
    ]);
    await giveBack(o.orderId, 31, now + 1);
    expect(await entries(o.orderId, ['redeem.return'])).toHaveLength(1);
    expect(await entries(other.orderId, ['redeem.return'])).toEqual([]);
    const none = await order({ tier: null, commissionBps: null });
    await giveBack(none.orderId, 32, now);
    expect(await entries(none.orderId)).toEqual([]);
  });

  it('post says whether it wrote the entry; the first entry for (order, rule) stays', async () => {
    const entry = {
      orderId: `order-${randomUUID()}`,
      rule: 'commission' as const,
      accountKind: 'channel' as const,
      accountId: 'ch-1',
      amountMinor: 5,
      currency: 'CNY',
      baseMinor: 50,
      rateBps: 1000,
      status: 'pending' as const,
      availableAtMs: 1,
      eventId: 7,
    };
    expect(await tx((trx) => post(trx, entry, 100))).toBe(true);
    expect(await tx((trx) => post(trx, { ...entry, amountMinor: 9, accountId: 'ch-2' }, 200))).toBe(false);
    expect((await entries(entry.orderId)).map((e) => [e.accountId, e.amountMinor, e.createdAtMs])).toEqual([
      ['ch-1', 5, 100],
    ]);
  });
});
