// Balances are sums of entries, computed on read (never a stored counter), per account and currency.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { LedgerAccountKind, LedgerRule, LedgerStatus } from './tables.ts';

export interface Balance {
  currency: string;
  /** Earned, still inside the refund window. */
  pendingMinor: number;
  /** Spendable (persons) or payable (channels); may be negative after a refund of spent credit. */
  availableMinor: number;
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
  const rows = await db
    .selectFrom('ledger_entries')
    .select(['currency', 'status'])
    .select((eb) => eb.fn.sum<number>('amount_minor').as('total'))
    .where('account_kind', '=', kind)
    .where('account_id', '=', accountId)
    .where('status', 'in', ['pending', 'available'])
    .groupBy(['currency', 'status'])
    .execute();
  const out = new Map<string, Balance>();
  for (const r of rows) {
    const b = out.get(r.currency) ?? { currency: r.currency, pendingMinor: 0, availableMinor: 0 };
    if (r.status === 'pending') b.pendingMinor += Number(r.total);
    else b.availableMinor += Number(r.total);
    out.set(r.currency, b);
  }
  return [...out.values()].sort((a, b) => a.currency.localeCompare(b.currency));
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
