// Balances are sums of entries, computed on read (never a stored counter), per account and currency.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';
import type { LedgerAccountKind, LedgerRule, LedgerStatus } from './tables.ts';

export interface Balance {
  currency: string;
  /** Earned, still inside the refund window. */
  pendingMinor: number;
  /** Spendable (persons) or payable (channels); may be negative after a refund of spent credit. */
  availableMinor: number;
}

/** A balance with what payout runs hold: frozen (in a run not yet paid) and paid out. */
export interface FullBalance extends Balance {
  /** Frozen into a payout run not yet marked paid: no longer spendable. */
  frozenMinor: number;
  /** Paid out by payout runs marked paid. */
  paidOutMinor: number;
}

/** A member's credit in one currency as `/me` shows it. */
export interface CreditSummary {
  currency: string;
  /** Referral credit earned, net of refunds (pending, available, frozen and paid out). */
  earnedMinor: number;
  /** Credit applied to orders, net of credit given back by cancellations and refunds. */
  spentMinor: number;
  pendingMinor: number;
  availableMinor: number;
  frozenMinor: number;
  paidOutMinor: number;
}

export interface LedgerEntry {
  entryId: number;
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
  createdAtMs: number;
}

export async function balancesOf(
  db: Kysely<Database>,
  kind: LedgerAccountKind,
  accountId: string,
): Promise<Balance[]> {
  return (await fullBalancesOf(db, kind, accountId)).map((b) => ({
    currency: b.currency,
    pendingMinor: b.pendingMinor,
    availableMinor: b.availableMinor,
  }));
}

export async function fullBalancesOf(
  db: Kysely<Database>,
  kind: LedgerAccountKind,
  accountId: string,
): Promise<FullBalance[]> {
  const rows = await db
    .selectFrom('ledger_entries')
    .select(['currency', 'status'])
    .select((eb) => [
      eb.fn.sum<number>('amount_minor').as('total'),
      sql<number>`sum(case when payout_run_id is null then 0 else amount_minor end)`.as('frozen'),
    ])
    .where('account_kind', '=', kind)
    .where('account_id', '=', accountId)
    .where('status', 'in', ['pending', 'available', 'paid_out'])
    .groupBy(['currency', 'status'])
    .execute();
  const out = new Map<string, FullBalance>();
  for (const r of rows) {
    const b = out.get(r.currency) ?? {
      currency: r.currency,
      pendingMinor: 0,
      availableMinor: 0,
      frozenMinor: 0,
      paidOutMinor: 0,
    };
    if (r.status === 'pending') b.pendingMinor += Number(r.total);
    else if (r.status === 'paid_out') b.paidOutMinor += Number(r.total);
    else {
      // An available entry frozen into a payout run has left the spendable balance.
      b.frozenMinor += Number(r.frozen);
      b.availableMinor += Number(r.total) - Number(r.frozen);
    }
    out.set(r.currency, b);
  }
  return [...out.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

/** Earned, spent and the balances of a member's credit, per currency. */
export async function creditSummary(db: Kysely<Database>, personId: string): Promise<CreditSummary[]> {
  const rows = await db
    .selectFrom('ledger_entries')
    .select('currency')
    .select(() => [
      sql<number>`sum(case when rule in ('referral', 'referral.reversal') and status <> 'reversed'
        then amount_minor else 0 end)`.as('earned'),
      sql<number>`sum(case when rule in ('redeem', 'redeem.return') then -amount_minor else 0 end)`.as(
        'spent',
      ),
    ])
    .where('account_kind', '=', 'person')
    .where('account_id', '=', personId)
    .groupBy('currency')
    .execute();
  const balances = new Map((await fullBalancesOf(db, 'person', personId)).map((b) => [b.currency, b]));
  return rows
    .map((r) => {
      const b = balances.get(r.currency);
      return {
        currency: r.currency,
        earnedMinor: Number(r.earned),
        spentMinor: Number(r.spent),
        pendingMinor: b?.pendingMinor ?? 0,
        availableMinor: b?.availableMinor ?? 0,
        frozenMinor: b?.frozenMinor ?? 0,
        paidOutMinor: b?.paidOutMinor ?? 0,
      };
    })
    .sort((a, b) => a.currency.localeCompare(b.currency));
}

/** The available balance in one currency, inside the caller's transaction. */
export async function availableOf(
  trx: Kysely<Database>,
  personId: string,
  currency: string,
): Promise<number> {
  const row = await trx
    .selectFrom('ledger_entries')
    .select((eb) => eb.fn.sum<number>('amount_minor').as('total'))
    .where('account_kind', '=', 'person')
    .where('account_id', '=', personId)
    .where('currency', '=', currency)
    .where('status', '=', 'available')
    // Frozen into a payout run: on its way to be paid, so never spendable (payout-runs.ts).
    .where('payout_run_id', 'is', null)
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}

export async function entriesOf(
  db: Kysely<Database>,
  kind: LedgerAccountKind,
  accountId: string,
  page: { limit: number; offset: number },
): Promise<LedgerEntry[]> {
  const rows = await db
    .selectFrom('ledger_entries')
    .selectAll()
    .where('account_kind', '=', kind)
    .where('account_id', '=', accountId)
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map((r) => ({
    entryId: Number(r.id),
    orderId: r.order_id,
    rule: r.rule,
    accountKind: r.account_kind,
    accountId: r.account_id,
    amountMinor: Number(r.amount_minor),
    currency: r.currency,
    baseMinor: Number(r.base_minor),
    rateBps: Number(r.rate_bps),
    status: r.status,
    availableAtMs: Number(r.available_at_ms),
    createdAtMs: Number(r.created_at_ms),
  }));
}
