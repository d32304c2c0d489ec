// Reads of the conversion rollups. Every query sums a bounded number of pre-aggregated rows (channel ×
// day buckets, event × channel rows, referrer × day buckets): no query scans orders, readings or
// viewer events. A period is [fromMs, toMs) in whole UTC days: the day containing fromMs through the
// day containing toMs − 1. `channelIds` undefined means every channel; [] means none.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';
import { DAY_MS, dayOf } from './counters.ts';

export interface Period {
  fromMs: number;
  toMs: number;
}

export interface ChannelFunnel {
  channelId: string;
  invited: number;
  attended: number;
  tested: number;
  /** People whose first consultation was held (between tested and bought). */
  consulted: number;
  bought: number;
  ordersPaid: number;
  refunds: number;
  paidGmvMinor: number;
  refundedGmvMinor: number;
  /** paid − refunded */
  netGmvMinor: number;
  /** Commission on paid orders minus the commission of refunded ones (channel rate × paid total). */
  commissionMinor: number;
  commissionReversedMinor: number;
}

const FUNNEL_SUMS = [
  'invited',
  'attended',
  'tested',
  'consulted',
  'bought',
  'orders_paid',
  'refunds',
  'paid_gmv_minor',
  'refunded_gmv_minor',
  'commission_minor',
  'commission_reversed_minor',
] as const;

type SumRow = Record<(typeof FUNNEL_SUMS)[number], unknown>;

function toFunnel(channelId: string, r: SumRow | undefined): ChannelFunnel {
  const n = (k: (typeof FUNNEL_SUMS)[number]) => Number(r?.[k] ?? 0);
  return {
    channelId,
    invited: n('invited'),
    attended: n('attended'),
    tested: n('tested'),
    consulted: n('consulted'),
    bought: n('bought'),
    ordersPaid: n('orders_paid'),
    refunds: n('refunds'),
    paidGmvMinor: n('paid_gmv_minor'),
    refundedGmvMinor: n('refunded_gmv_minor'),
    netGmvMinor: n('paid_gmv_minor') - n('refunded_gmv_minor'),
    commissionMinor: n('commission_minor') - n('commission_reversed_minor'),
    commissionReversedMinor: n('commission_reversed_minor'),
  };
}

function days(p: Period): [number, number] {
  return [dayOf(p.fromMs), dayOf(p.toMs - 1)];
}

/** Per channel totals over the period, one row per channel in scope that has any figure. */
export async function channelFunnels(
  db: Kysely<Database>,
  period: Period,
  channelIds?: readonly string[],
): Promise<ChannelFunnel[]> {
  if (channelIds?.length === 0) return [];
  const [from, to] = days(period);
  let q = db
    .selectFrom('channel_daily')
    .select('channel_id')
    .select((eb) => FUNNEL_SUMS.map((k) => eb.fn.sum<number>(k).as(k)))
    .where('day', '>=', from)
    .where('day', '<=', to);
  if (channelIds) q = q.where('channel_id', 'in', [...channelIds]);
  const rows = await q.groupBy('channel_id').orderBy('channel_id').execute();
  return rows.map((r) => toFunnel(r.channel_id, r as unknown as SumRow));
}

/** One channel, per UTC day, over the period. */
export async function channelSeries(
  db: Kysely<Database>,
  channelId: string,
  period: Period,
): Promise<Array<ChannelFunnel & { day: number }>> {
  const [from, to] = days(period);
  const rows = await db
    .selectFrom('channel_daily')
    .selectAll()
    .where('channel_id', '=', channelId)
    .where('day', '>=', from)
    .where('day', '<=', to)
    .orderBy('day')
    .execute();
  return rows.map((r) => ({ day: Number(r.day), ...toFunnel(channelId, r as unknown as SumRow) }));
}

export interface EventFunnel {
  eventId: string;
  total: ChannelFunnel;
  channels: ChannelFunnel[];
}

export async function eventFunnel(
  db: Kysely<Database>,
  eventId: string,
  channelIds?: readonly string[],
): Promise<EventFunnel> {
  const total = toFunnel('*', undefined);
  // An empty scope (a manager with no channel) is answered without a query: PostgreSQL refuses a NUL
  // placeholder in text, and `in ()` is no SQL.
  if (channelIds?.length === 0) return { eventId, total, channels: [] };
  let q = db.selectFrom('event_funnel').selectAll().where('event_id', '=', eventId);
  if (channelIds) q = q.where('channel_id', 'in', [...channelIds]);
  const rows = await q.orderBy('channel_id').execute();
  const channels = rows.map((r) => toFunnel(r.channel_id, r as unknown as SumRow));
  for (const c of channels)
    for (const k of Object.keys(total) as Array<keyof ChannelFunnel>)
      if (k !== 'channelId') (total[k] as number) += c[k] as number;
  return { eventId, total, channels };
}

export interface ReferrerFigures {
  referrerId: string;
  signups: number;
  ordersPaid: number;
  refunds: number;
  paidGmvMinor: number;
  refundedGmvMinor: number;
  netGmvMinor: number;
}

/**
 * Referrers over the period, highest referred GMV first. `channelIds` limits them to referrers who
 * belong to those channels (a channel manager's view).
 */
export async function referrerFigures(
  db: Kysely<Database>,
  period: Period,
  opts: { channelIds?: readonly string[] | undefined; referrerId?: string | undefined; limit: number },
): Promise<ReferrerFigures[]> {
  if (opts.channelIds?.length === 0) return [];
  const [from, to] = days(period);
  let q = db
    .selectFrom('referrer_daily as r')
    .select('r.referrer_id')
    .select((eb) => [
      eb.fn.sum<number>('r.signups').as('signups'),
      eb.fn.sum<number>('r.orders_paid').as('orders_paid'),
      eb.fn.sum<number>('r.refunds').as('refunds'),
      eb.fn.sum<number>('r.paid_gmv_minor').as('paid'),
      eb.fn.sum<number>('r.refunded_gmv_minor').as('refunded'),
    ])
    .where('r.day', '>=', from)
    .where('r.day', '<=', to);
  if (opts.referrerId) q = q.where('r.referrer_id', '=', opts.referrerId);
  if (opts.channelIds)
    q = q.where('r.referrer_id', 'in', (eb) =>
      eb
        .selectFrom('people')
        .select('id')
        .where('channel_id', 'in', [...opts.channelIds!]),
    );
  const rows = await q
    .groupBy('r.referrer_id')
    .orderBy(sql`sum(r.paid_gmv_minor)`, 'desc')
    .orderBy('r.referrer_id')
    .limit(opts.limit)
    .execute();
  return rows.map((r) => ({
    referrerId: r.referrer_id,
    signups: Number(r.signups),
    ordersPaid: Number(r.orders_paid),
    refunds: Number(r.refunds),
    paidGmvMinor: Number(r.paid),
    refundedGmvMinor: Number(r.refunded),
    netGmvMinor: Number(r.paid) - Number(r.refunded),
  }));
}

export interface Aarrr {
  period: Period;
  acquisition: { newPeople: number; byChannel: Array<{ channelId: string; newPeople: number }> };
  /** People whose first test or first paid order fell in the period. */
  activation: { activated: number };
  /** Of the people whose first purchase fell in the period, how many bought again within 30 / 90 days. */
  retention: { firstBuyers: number; repeat30: number; repeat90: number; rate30: number; rate90: number };
  referral: { signups: number; referredSignups: number; referredShare: number };
  /** ARPU = net GMV of the period ÷ people acquired up to the end of the period. */
  revenue: {
    paidGmvMinor: number;
    refundedGmvMinor: number;
    netGmvMinor: number;
    userBase: number;
    arpuMinor: number;
  };
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : 0);

export async function aarrr(
  db: Kysely<Database>,
  period: Period,
  channelIds?: readonly string[],
): Promise<Aarrr> {
  const [from, to] = days(period);
  const cols = [
    'new_people',
    'activated',
    'bought',
    'retained30',
    'retained90',
    'signups',
    'referred_signups',
    'paid_gmv_minor',
    'refunded_gmv_minor',
  ] as const;
  // An empty scope (a manager with no channel) counts nothing and is not queried: PostgreSQL refuses a
  // NUL placeholder in text, and `in ()` is no SQL.
  const none = channelIds?.length === 0;
  let q = db
    .selectFrom('channel_daily')
    .select('channel_id')
    .select((eb) => cols.map((k) => eb.fn.sum<number>(k).as(k)))
    .where('day', '>=', from)
    .where('day', '<=', to);
  if (channelIds) q = q.where('channel_id', 'in', [...channelIds]);
  const rows = none ? [] : await q.groupBy('channel_id').orderBy('channel_id').execute();
  let base = db
    .selectFrom('channel_daily')
    .select((eb) => eb.fn.sum<number>('new_people').as('n'))
    .where('day', '<=', to);
  if (channelIds) base = base.where('channel_id', 'in', [...channelIds]);
  const userBase = none ? 0 : Number((await base.executeTakeFirst())?.n ?? 0);
  const t = Object.fromEntries(
    cols.map((k) => [k, rows.reduce((a, r) => a + Number(r[k] ?? 0), 0)]),
  ) as Record<(typeof cols)[number], number>;
  const net = t.paid_gmv_minor - t.refunded_gmv_minor;
  return {
    period,
    acquisition: {
      newPeople: t.new_people,
      byChannel: rows
        .map((r) => ({ channelId: r.channel_id, newPeople: Number(r.new_people ?? 0) }))
        .filter((r) => r.newPeople > 0),
    },
    activation: { activated: t.activated },
    retention: {
      firstBuyers: t.bought,
      repeat30: t.retained30,
      repeat90: t.retained90,
      rate30: ratio(t.retained30, t.bought),
      rate90: ratio(t.retained90, t.bought),
    },
    referral: {
      signups: t.signups,
      referredSignups: t.referred_signups,
      referredShare: ratio(t.referred_signups, t.signups),
    },
    revenue: {
      paidGmvMinor: t.paid_gmv_minor,
      refundedGmvMinor: t.refunded_gmv_minor,
      netGmvMinor: net,
      userBase,
      arpuMinor: userBase > 0 ? Math.round(net / userBase) : 0,
    },
  };
}

export interface FollowUp {
  personId: string;
  displayName: string;
  memberCode: string;
  channelId: string | null;
  referredBy: string | null;
  referrerName: string | null;
  lastTestAtMs: number;
  lastTestEventId: string | null;
}

/**
 * People whose latest test is within `sinceMs`..now and who have paid no order since that test.
 * `consentedOnly` keeps only people who gave health-data consent: that someone took a device test, and
 * when, is derived from their readings.
 */
export async function followUps(
  db: Kysely<Database>,
  opts: {
    sinceMs: number;
    channelIds?: readonly string[] | undefined;
    limit: number;
    consentedOnly?: boolean;
  },
): Promise<FollowUp[]> {
  if (opts.channelIds?.length === 0) return [];
  let q = db
    .selectFrom('person_milestones as m')
    .innerJoin('people as p', 'p.id', 'm.person_id')
    .leftJoin('people as r', 'r.id', 'p.referred_by')
    .select([
      'm.person_id',
      'p.display_name',
      'p.member_code',
      'p.channel_id',
      'p.referred_by',
      'r.display_name as referrer_name',
      'm.last_test_at_ms',
      'm.last_test_event_id',
    ])
    .where('m.last_test_at_ms', '>=', opts.sinceMs)
    .where((eb) =>
      eb.or([eb('m.last_paid_at_ms', 'is', null), eb('m.last_paid_at_ms', '<', eb.ref('m.last_test_at_ms'))]),
    );
  if (opts.channelIds) q = q.where('p.channel_id', 'in', [...opts.channelIds]);
  if (opts.consentedOnly) q = q.where('p.consent_health_data', '=', 1);
  const rows = await q
    .orderBy('m.last_test_at_ms', 'desc')
    .orderBy('m.person_id')
    .limit(opts.limit)
    .execute();
  return rows.map((r) => ({
    personId: r.person_id,
    displayName: r.display_name,
    memberCode: r.member_code,
    channelId: r.channel_id,
    referredBy: r.referred_by,
    referrerName: r.referrer_name,
    lastTestAtMs: Number(r.last_test_at_ms),
    lastTestEventId: r.last_test_event_id,
  }));
}

export { DAY_MS };
