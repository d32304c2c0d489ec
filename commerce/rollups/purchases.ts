// Paid orders and refunds into the rollups. At payment the buyer's channel (as of then) and its rate
// fix the commission by the ledger's rule (channel rate × what was paid in money, i.e. total less
// redeemed credit, rounded down), and the purchase is attributed to the buyer's latest device test when
// it was taken within the attribution window. Both are kept in one fact row per order, so a refund
// reverses exactly what the payment added.
import type { Kysely } from 'kysely';
import { shareOf } from '../ledger/rules.ts';
import type { Database } from '../schema.ts';
import { addTo, DAY_MS, dayOf, firstTime } from './counters.ts';
import { activate, ensureMilestones, personInfo } from './milestones.ts';

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

export async function orderPaid(trx: Kysely<Database>, o: PaidOrder, windowMs: number): Promise<void> {
  const { personId, paidAtMs: at, totalMinor: total } = o;
  const { channelId, referredBy } = await personInfo(trx, personId);
  const rate = channelId
    ? await trx.selectFrom('channels').select('commission_bps').where('id', '=', channelId).executeTakeFirst()
    : undefined;
  const bps = Number(rate?.commission_bps ?? 0);
  const commission = shareOf(Math.max(0, total - o.creditMinor), bps);
  await ensureMilestones(trx, personId);
  const m = await trx
    .selectFrom('person_milestones')
    .selectAll()
    .where('person_id', '=', personId)
    .executeTakeFirstOrThrow();
  const lastTest = m.last_test_at_ms === null ? null : Number(m.last_test_at_ms);
  const attributed = lastTest !== null && lastTest <= at && at - lastTest <= windowMs;
  const inserted = await trx
    .insertInto('order_facts')
    .values({
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
    })
    .onConflict((oc) => oc.column('order_id').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return;

  const day = dayOf(at);
  const firstPaid = m.first_paid_at_ms === null;
  await addTo(
    trx,
    'channel_daily',
    { channel_id: channelId, day },
    { orders_paid: 1, paid_gmv_minor: total, commission_minor: commission, bought: firstPaid ? 1 : 0 },
  );
  if (firstPaid) {
    await trx
      .updateTable('person_milestones')
      .set({ first_paid_at_ms: at, first_paid_channel_id: channelId, last_paid_at_ms: at })
      .where('person_id', '=', personId)
      .execute();
    await activate(trx, personId, channelId, at);
  } else {
    const first = Number(m.first_paid_at_ms);
    const set: Record<string, number> = { last_paid_at_ms: at };
    for (const r of RETENTION) {
      if (Number(m[r.column]) === 0 && at - first <= r.days * DAY_MS) {
        set[r.column] = 1;
        // Counted in the bucket of the first purchase: the cohort that came back.
        await addTo(
          trx,
          'channel_daily',
          { channel_id: m.first_paid_channel_id ?? channelId, day: dayOf(first) },
          { [r.column]: 1 },
        );
      }
    }
    await trx.updateTable('person_milestones').set(set).where('person_id', '=', personId).execute();
  }
  if (attributed && m.last_test_event_id) {
    const eventId = m.last_test_event_id;
    const first = await firstTime(trx, `e:${eventId}`, 'bought', personId);
    await addTo(
      trx,
      'event_funnel',
      { event_id: eventId, channel_id: channelId },
      { bought: first ? 1 : 0, orders_paid: 1, paid_gmv_minor: total, commission_minor: commission },
    );
  }
  if (referredBy)
    await addTo(
      trx,
      'referrer_daily',
      { referrer_id: referredBy, day },
      { orders_paid: 1, paid_gmv_minor: total },
    );
}

/** A refund reverses the order's GMV and commission in the refund's day bucket; "bought" stays counted. */
export async function orderRefunded(trx: Kysely<Database>, orderId: string, atMs: number): Promise<void> {
  const res = await trx
    .updateTable('order_facts')
    .set({ refunded_at_ms: atMs })
    .where('order_id', '=', orderId)
    .where('refunded_at_ms', 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (!res) return;
  const total = Number(res.total_minor);
  const commission = Number(res.commission_minor);
  const day = dayOf(atMs);
  const reversal = { refunds: 1, refunded_gmv_minor: total, commission_reversed_minor: commission };
  await addTo(trx, 'channel_daily', { channel_id: res.channel_id, day }, reversal);
  if (res.event_id)
    await addTo(trx, 'event_funnel', { event_id: res.event_id, channel_id: res.channel_id }, reversal);
  if (res.referrer_id)
    await addTo(
      trx,
      'referrer_daily',
      { referrer_id: res.referrer_id, day },
      { refunds: 1, refunded_gmv_minor: total },
    );
}
