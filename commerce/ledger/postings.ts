// The postings themselves, each inside the caller's transaction: earnings on a paid order, their
// reversal on a refund, and the give-back of credit an order had redeemed. Every insert is keyed by
// (order_id, rule) and ignores a conflict, so applying the same event twice changes nothing.
import { type Kysely, sql } from 'kysely';
import { appendEvent } from '../outbox.ts';
import type { Database } from '../schema.ts';
import { type LedgerRules, shareOf } from './rules.ts';
import type { LedgerAccountKind, LedgerRule, LedgerStatus } from './tables.ts';

export interface NewEntry {
  orderId: string;
  rule: LedgerRule;
  accountKind: LedgerAccountKind;
  accountId: string;
  amountMinor: number;
  currency: string;
  baseMinor: number;
  rateBps: number;
  status: LedgerStatus;
  availableAtMs: number;
  eventId: number | null;
}

/** Inserts unless (order, rule) exists; true when this call wrote it. */
export async function post(trx: Kysely<Database>, e: NewEntry, nowMs: number): Promise<boolean> {
  const res = await trx
    .insertInto('ledger_entries')
    .values({
      order_id: e.orderId,
      rule: e.rule,
      account_kind: e.accountKind,
      account_id: e.accountId,
      amount_minor: e.amountMinor,
      currency: e.currency,
      base_minor: e.baseMinor,
      rate_bps: e.rateBps,
      status: e.status,
      available_at_ms: e.availableAtMs,
      event_id: e.eventId,
      created_at_ms: nowMs,
      updated_at_ms: nowMs,
    })
    .onConflict((oc) => oc.columns(['order_id', 'rule']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/**
 * The buyer's channel when the order was paid: a later admin change recorded its `from`, so the first
 * change after the payment names the channel at payment time; without one, the current channel.
 */
async function channelAt(trx: Kysely<Database>, personId: string, atMs: number): Promise<string | null> {
  const later = await trx
    .selectFrom('person_channel_changes')
    .select('from_channel_id')
    .where('person_id', '=', personId)
    .where('changed_at_ms', '>', atMs)
    .orderBy('changed_at_ms')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (later) return later.from_channel_id;
  const person = await trx
    .selectFrom('people')
    .select('channel_id')
    .where('id', '=', personId)
    .executeTakeFirst();
  return person?.channel_id ?? null;
}

/**
 * A paid order: the buyer's referrer earns credit at the rate of the referrer's tier, the buyer's
 * channel earns its commission rate, both on the amount paid in money (total less redeemed credit) and
 * pending until the refund window has passed. An entry is written even when it rounds to zero, so the
 * payout report still counts the order.
 */
export async function postEarnings(
  trx: Kysely<Database>,
  rules: LedgerRules,
  orderId: string,
  eventId: number,
  nowMs: number,
): Promise<void> {
  const order = await trx
    .selectFrom('orders')
    .select(['person_id', 'total_minor', 'currency', 'paid_at_ms'])
    .select(sql<number>`credit_minor`.as('credit_minor'))
    .where('id', '=', orderId)
    .executeTakeFirst();
  if (!order) return;
  const paidAtMs = order.paid_at_ms === null ? nowMs : Number(order.paid_at_ms);
  const base = Number(order.total_minor) - Number(order.credit_minor);
  const common = {
    orderId,
    currency: order.currency,
    baseMinor: base,
    status: 'pending' as const,
    availableAtMs: paidAtMs + rules.refundWindowMs,
    eventId,
  };
  const buyer = await trx
    .selectFrom('people')
    .select('referred_by')
    .where('id', '=', order.person_id)
    .executeTakeFirst();
  const referrer = buyer?.referred_by
    ? await trx
        .selectFrom('people')
        .select(['id', 'tier'])
        .where('id', '=', buyer.referred_by)
        .executeTakeFirst()
    : undefined;
  if (referrer) {
    const rateBps = rules.referralRatesBps[referrer.tier] ?? 0;
    const amountMinor = shareOf(base, rateBps);
    const posted = await post(
      trx,
      {
        ...common,
        rule: 'referral',
        accountKind: 'person',
        accountId: referrer.id,
        amountMinor,
        rateBps,
      },
      nowMs,
    );
    if (posted && amountMinor > 0)
      await creditedEvent(trx, orderId, referrer.id, amountMinor, order.currency, nowMs);
  }
  const channelId = await channelAt(trx, order.person_id, paidAtMs);
  const channel = channelId
    ? await trx
        .selectFrom('channels')
        .select(['id', 'commission_bps'])
        .where('id', '=', channelId)
        .executeTakeFirst()
    : undefined;
  if (channel) {
    const rateBps = Number(channel.commission_bps);
    await post(
      trx,
      {
        ...common,
        rule: 'commission',
        accountKind: 'channel',
        accountId: channel.id,
        amountMinor: shareOf(base, rateBps),
        rateBps,
      },
      nowMs,
    );
  }
}

/**
 * A refund takes back what the order earned. Still pending (inside the window): the entry and its
 * reversal are voided together (`reversed`), so the credit never becomes available. Already available:
 * the reversal is an available negative adjustment, which may take the balance below zero when the
 * credit was spent. The status flip is conditional, so a sweeper racing this cannot make both happen.
 */
export async function reverseEarnings(
  trx: Kysely<Database>,
  orderId: string,
  eventId: number,
  nowMs: number,
): Promise<void> {
  for (const rule of ['referral', 'commission'] as const) {
    const reversal = `${rule}.reversal` as const;
    const entries = await trx
      .selectFrom('ledger_entries')
      .selectAll()
      .where('order_id', '=', orderId)
      .where('rule', 'in', [rule, reversal])
      .execute();
    const earned = entries.find((e) => e.rule === rule);
    if (!earned || entries.some((e) => e.rule === reversal)) continue;
    const voided = await trx
      .updateTable('ledger_entries')
      .set({ status: 'reversed', updated_at_ms: nowMs })
      .where('id', '=', earned.id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    const inWindow = Number(voided.numUpdatedRows) === 1;
    await post(
      trx,
      {
        orderId,
        rule: reversal,
        accountKind: earned.account_kind,
        accountId: earned.account_id,
        amountMinor: -Number(earned.amount_minor),
        currency: earned.currency,
        baseMinor: Number(earned.base_minor),
        rateBps: Number(earned.rate_bps),
        status: inWindow ? 'reversed' : 'available',
        availableAtMs: inWindow ? Number(earned.available_at_ms) : nowMs,
        eventId,
      },
      nowMs,
    );
  }
}

/** A cancelled, expired or refunded order gives back the credit it redeemed, at once and available. */
export async function returnCredit(
  trx: Kysely<Database>,
  orderId: string,
  eventId: number,
  nowMs: number,
): Promise<void> {
  const redeemed = await trx
    .selectFrom('ledger_entries')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('rule', '=', 'redeem')
    .executeTakeFirst();
  if (!redeemed) return;
  await post(
    trx,
    {
      orderId,
      rule: 'redeem.return',
      accountKind: 'person',
      accountId: redeemed.account_id,
      amountMinor: -Number(redeemed.amount_minor),
      currency: redeemed.currency,
      baseMinor: 0,
      rateBps: 0,
      status: 'available',
      availableAtMs: nowMs,
      eventId,
    },
    nowMs,
  );
}

/** `ledger.credited`: a person earned pending credit (their referral entry of an order). */
async function creditedEvent(
  trx: Kysely<Database>,
  orderId: string,
  personId: string,
  amountMinor: number,
  currency: string,
  nowMs: number,
): Promise<void> {
  const entry = await trx
    .selectFrom('ledger_entries')
    .select('id')
    .where('order_id', '=', orderId)
    .where('rule', '=', 'referral')
    .executeTakeFirstOrThrow();
  await appendEvent(
    trx,
    {
      type: 'ledger.credited',
      aggregateId: personId,
      payload: { entryId: Number(entry.id), orderId, personId, amountMinor, currency, rule: 'referral' },
    },
    nowMs,
  );
}
