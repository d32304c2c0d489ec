// Property: over random sequences of payments, refunds, redemptions, cancellations, expiries, deliveries,
// redeliveries and time passing, on both store backends, a referrer's balances always equal the sums of
// their entries, no (order, rule) is ever applied twice, a redemption applies exactly
// min(asked, available, cap) and is refused at a balance ≤ 0, the available balance never exceeds what the
// rules allow (shares of orders paid less credit still in use), and once everything is delivered and the
// window has passed it equals that amount exactly.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger, type Order, readEvents, releaseDue, shareOf } from '../../commerce/internals.ts';
import { actorOf, deliver, referredBuyer, seedChannel } from '../helpers/ledger.ts';
import {
  openTestStore,
  type Seeded,
  STORE_BACKENDS,
  seedStaff,
  type TestStore,
  testTokens,
} from '../helpers/people.ts';
import { liveCard, PICKUP, testOrders } from '../helpers/sales.ts';

const tokens = testTokens();
const WINDOW = 60_000;
const RATE = 800;
const CAP = 5000;
const PRICES = [10_000, 3_333];

type Cmd =
  | { k: 'pay'; buyer: number; card: number }
  | { k: 'refund'; pick: number }
  | { k: 'redeem'; amount: number; card: number; pay: boolean }
  | { k: 'cancel'; pick: number }
  | { k: 'expire' }
  | { k: 'deliver' }
  | { k: 'redeliver' }
  | { k: 'time' };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ k: fc.constant('pay' as const), buyer: fc.nat(1), card: fc.nat(1) }),
  fc.record({ k: fc.constant('refund' as const), pick: fc.nat(20) }),
  fc.record({
    k: fc.constant('redeem' as const),
    amount: fc.integer({ min: 1, max: 6000 }),
    card: fc.nat(1),
    pay: fc.boolean(),
  }),
  fc.record({ k: fc.constant('cancel' as const), pick: fc.nat(20) }),
  fc.constant({ k: 'expire' as const }),
  fc.constant({ k: 'deliver' as const }),
  fc.constant({ k: 'redeliver' as const }),
  fc.constant({ k: 'time' as const }),
);

describe.each(STORE_BACKENDS)('ledger properties on $name', ({ name }) => {
  let t: TestStore;
  let ledger: Ledger;
  beforeAll(async () => {
    t = await openTestStore(name);
    ledger = new Ledger(t.store, {
      referralRatesBps: { gold: RATE },
      refundWindowMs: WINDOW,
      redeemMaxShareBps: CAP,
    });
  }, 30_000);
  afterAll(() => t?.cleanup());

  /** Pending and available of a person, straight from their entry rows. */
  async function sums(personId: string) {
    const rows = await t.store.db
      .selectFrom('ledger_entries')
      .selectAll()
      .where('account_kind', '=', 'person')
      .where('account_id', '=', personId)
      .execute();
    const of = (s: string) =>
      rows.filter((r) => r.status === s).reduce((a, r) => a + Number(r.amount_minor), 0);
    return { rows, pending: of('pending'), available: of('available') };
  }

  async function run(cmds: Cmd[]): Promise<void> {
    const consumer = ledger.consumer();
    const orders = testOrders(t.store, { credit: ledger });
    const staff = actorOf(await seedStaff(t.store, tokens));
    const channelId = await seedChannel(t.store, { commissionBps: 1000 });
    const first = await referredBuyer(t.store, tokens, { tier: 'gold', channelId });
    const referrer: Seeded = first.referrer;
    const second = await seedStaff(t.store, tokens, { referredBy: referrer.person.id, channelId });
    const buyers = [first.buyer, second];
    const cards = await Promise.all(
      PRICES.map(
        async (priceMinor) =>
          (await liveCard(t.store, tokens, { units: 1000, priceMinor, perMemberLimit: 1000 })).card.cardId,
      ),
    );
    const startId = (await readEvents(t.store.db, 0, 1_000_000)).at(-1)?.id ?? 0;
    const paidByReferees: Array<{ orderId: string; base: number; refunded: boolean }> = [];
    const mine: Array<{ orderId: string; credit: number; status: string }> = [];
    let clock = Date.now();
    let key = 0;

    const check = async () => {
      const s = await sums(referrer.person.id);
      const api = await ledger.credit(actorOf(referrer), referrer.person.id, { limit: 100, offset: 0 });
      const cny = api.balances.find((b) => b.currency === 'CNY') ?? { pendingMinor: 0, availableMinor: 0 };
      expect([cny.pendingMinor, cny.availableMinor]).toEqual([s.pending, s.available]);
      const keys = s.rows.map((r) => `${r.order_id}/${r.rule}`);
      expect(new Set(keys).size).toBe(keys.length);
      for (const r of s.rows) {
        const referee = paidByReferees.find((o) => o.orderId === r.order_id);
        if (r.rule === 'referral') expect(Number(r.amount_minor)).toBe(shareOf(referee!.base, RATE));
        if (r.rule === 'referral.reversal')
          expect(Number(r.amount_minor)).toBe(-shareOf(referee!.base, RATE));
      }
      const earned = paidByReferees.reduce((a, o) => a + shareOf(o.base, RATE), 0);
      const inUse = mine
        .filter((o) => o.status === 'placed' || o.status === 'paid')
        .reduce((a, o) => a + o.credit, 0);
      expect(s.available).toBeLessThanOrEqual(earned - inUse);
    };

    for (const c of cmds) {
      switch (c.k) {
        case 'pay': {
          const buyer = buyers[c.buyer]!;
          const r = await orders.place(
            actorOf(buyer),
            { cardId: cards[c.card]!, quantity: 1, fulfilment: PICKUP },
            `prop-${startId}-${++key}`,
          );
          const order = r.body as Order;
          await orders.confirmManualPayment(staff, order.orderId);
          paidByReferees.push({ orderId: order.orderId, base: order.totalMinor, refunded: false });
          break;
        }
        case 'refund': {
          const open = [
            ...paidByReferees.filter((o) => !o.refunded),
            ...mine.filter((o) => o.status === 'paid'),
          ];
          const o = open[c.pick % Math.max(1, open.length)];
          if (!o) break;
          await orders.refund(staff, o.orderId);
          if ('refunded' in o) o.refunded = true;
          else o.status = 'refunded';
          break;
        }
        case 'redeem': {
          const before = (await sums(referrer.person.id)).available;
          const r = await orders.place(
            actorOf(referrer),
            { cardId: cards[c.card]!, quantity: 1, fulfilment: PICKUP, redeemCreditMinor: c.amount },
            `prop-${startId}-${++key}`,
          );
          if (r.status !== 201) {
            expect((r.body as { code: string }).code).toBe('CREDIT_UNAVAILABLE');
            expect(before).toBeLessThanOrEqual(0);
            break;
          }
          const order = r.body as Order;
          expect(order.creditMinor).toBe(Math.min(c.amount, before, shareOf(order.totalMinor, CAP)));
          const entry = { orderId: order.orderId, credit: order.creditMinor, status: 'placed' };
          mine.push(entry);
          if (c.pay) {
            await orders.confirmManualPayment(staff, order.orderId);
            entry.status = 'paid';
          }
          break;
        }
        case 'cancel': {
          const open = mine.filter((o) => o.status === 'placed');
          const o = open[c.pick % Math.max(1, open.length)];
          if (!o) break;
          await orders.cancel(actorOf(referrer), o.orderId);
          o.status = 'cancelled';
          break;
        }
        case 'expire': {
          // Far enough ahead for every unpaid reservation of this run (and older runs, harmlessly).
          await orders.expireDue(Date.now() + 49 * 3600_000, 1_000_000);
          for (const o of mine) if (o.status === 'placed') o.status = 'expired';
          break;
        }
        case 'deliver':
          await deliver(t.store, consumer);
          break;
        case 'redeliver': {
          // Every event of this run the ledger has seen, handed to it again, as a lost position would.
          const before = (await sums(referrer.person.id)).rows.length;
          const position = await t.store.db
            .selectFrom('consumer_positions')
            .select('position')
            .where('consumer', '=', consumer.name)
            .executeTakeFirst();
          const seen = (await readEvents(t.store.db, startId, 1_000_000)).filter(
            (e) => e.id <= Number(position?.position ?? 0),
          );
          for (const e of seen) await t.store.transaction((trx) => consumer.handleInTransaction!(trx, e));
          expect((await sums(referrer.person.id)).rows.length).toBe(before);
          break;
        }
        case 'time':
          clock += WINDOW;
          await releaseDue(t.store, clock);
          break;
      }
      await check();
    }

    // Settled: everything delivered, every window passed.
    await deliver(t.store, consumer);
    await releaseDue(t.store, Math.max(clock, Date.now()) + 2 * WINDOW);
    await check();
    const s = await sums(referrer.person.id);
    const earned = paidByReferees.filter((o) => !o.refunded).reduce((a, o) => a + shareOf(o.base, RATE), 0);
    const inUse = mine
      .filter((o) => o.status === 'placed' || o.status === 'paid')
      .reduce((a, o) => a + o.credit, 0);
    expect(s.pending).toBe(0);
    expect(s.available).toBe(earned - inUse);
  }

  it('balances are sums of entries, nothing applies twice, available stays within the rules', async () => {
    await fc.assert(fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 18 }), run), {
      numRuns: 25,
      endOnFailure: true,
    });
  }, 300_000);
});
