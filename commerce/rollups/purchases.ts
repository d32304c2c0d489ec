// Paid orders and refunds into the rollups. At payment the buyer's channel (as of then) and its rate
// fix the commission by the ledger's rule (channel rate × what was paid in money, i.e. total less
// redeemed credit, rounded down), and the purchase is attributed to the buyer's latest device test when
// it was taken within the attribution window. Both are kept in one fact row per order, so a refund
// reverses exactly what the payment added.
import { shareOf } from '../ledger/rules.ts';
import { DAY_MS, dayOf, firstTime } from './counters.ts';
import { activate } from './milestones.ts';
import type { RollupBatch } from './rollup-batch.ts';

export interface PaidOrder {
  orderId: string;
  personId: string;
  sessionId: string | null;
  totalMinor: number;
  /** Credit redeemed on the order: earns no commission. */
  creditMinor: number;
  currency: string | null;
  paidAtMs: number;
}

const RETENTION = [
  { column: 'retained30', days: 30 },
  { column: 'retained90', days: 90 },
] as const;

function commissionBps(b: RollupBatch, channelId: string): Promise<number> {
  if (!channelId) return Promise.resolve(0);
  return b.memo(`rate\u0000${channelId}`, async () => {
    const row = await b.trx
      .selectFrom('channels')
      .select('commission_bps')
      .where('id', '=', channelId)
      .executeTakeFirst();
    return Number(row?.commission_bps ?? 0);
  });
}

export async function orderPaid(b: RollupBatch, o: PaidOrder, windowMs: number): Promise<void> {
  const { personId, paidAtMs: at, totalMinor: total } = o;
  if (await b.fact(o.orderId)) return;
  const { channelId, referredBy } = await b.person(personId);
  const bps = await commissionBps(b, channelId);
  const commission = shareOf(Math.max(0, total - o.creditMinor), bps);
  const m = await b.milestones(personId);
  const lastTest = m.last_test_at_ms;
  const attributed = lastTest !== null && lastTest <= at && at - lastTest <= windowMs;
  b.putFact({
    order_id: o.orderId,
    person_id: personId,
    channel_id: channelId,
    session_id: o.sessionId,
    referrer_id: referredBy,
    event_id: attributed ? m.last_test_event_id : null,
    reading_id: attributed ? m.last_test_reading_id : null,
    tested_at_ms: attributed ? lastTest : null,
    total_minor: total,
    currency: o.currency,
    commission_bps: bps,
    commission_minor: commission,
    paid_at_ms: at,
    refunded_at_ms: null,
  });

  const day = dayOf(at);
  const firstPaid = m.first_paid_at_ms === null;
  b.counters.add(
    'channel_daily',
    { channel_id: channelId, day },
    { orders_paid: 1, paid_gmv_minor: total, commission_minor: commission, bought: firstPaid ? 1 : 0 },
  );
  if (firstPaid) {
    m.first_paid_at_ms = at;
    m.first_paid_channel_id = channelId;
    m.last_paid_at_ms = at;
    b.changed(m);
    await activate(b, personId, channelId, at);
  } else {
    const first = m.first_paid_at_ms!;
    for (const r of RETENTION) {
      if (m[r.column] === 0 && at - first <= r.days * DAY_MS) {
        m[r.column] = 1;
        // Counted in the bucket of the first purchase: the cohort that came back.
        b.counters.add(
          'channel_daily',
          { channel_id: m.first_paid_channel_id ?? channelId, day: dayOf(first) },
          { [r.column]: 1 },
        );
      }
    }
    m.last_paid_at_ms = at;
    b.changed(m);
  }
  if (attributed && m.last_test_event_id) {
    const eventId = m.last_test_event_id;
    const first = await firstTime(b.trx, `e:${eventId}`, 'bought', personId);
    b.counters.add(
      'event_funnel',
      { event_id: eventId, channel_id: channelId },
      { bought: first ? 1 : 0, orders_paid: 1, paid_gmv_minor: total, commission_minor: commission },
    );
  }
  if (referredBy)
    b.counters.add(
      'referrer_daily',
      { referrer_id: referredBy, day },
      { orders_paid: 1, paid_gmv_minor: total },
    );
}

/** A refund reverses the order's GMV and commission in the refund's day bucket; "bought" stays counted. */
export async function orderRefunded(b: RollupBatch, orderId: string, atMs: number): Promise<void> {
  const f = await b.fact(orderId);
  if (!f || f.refunded_at_ms !== null) return;
  b.putFact({ ...f, refunded_at_ms: atMs });
  const total = f.total_minor;
  const commission = f.commission_minor;
  const day = dayOf(atMs);
  const reversal = { refunds: 1, refunded_gmv_minor: total, commission_reversed_minor: commission };
  b.counters.add('channel_daily', { channel_id: f.channel_id, day }, reversal);
  if (f.event_id)
    b.counters.add('event_funnel', { event_id: f.event_id, channel_id: f.channel_id }, reversal);
  if (f.referrer_id)
    b.counters.add(
      'referrer_daily',
      { referrer_id: f.referrer_id, day },
      { refunds: 1, refunded_gmv_minor: total },
    );
}
