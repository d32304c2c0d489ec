// Row types of the ledger (migration 0009-ledger).
import type { Generated } from 'kysely';

/** What each rule records; a rule appears at most once per order. */
export type LedgerRule =
  /** The buyer's referrer earns credit on a paid order. */
  | 'referral'
  /** The buyer's channel earns commission on a paid order. */
  | 'commission'
  /** A refund takes back the referral credit (pending: voided with it; available: a negative adjustment). */
  | 'referral.reversal'
  | 'commission.reversal'
  /** A member applied available credit to this order (negative). */
  | 'redeem'
  /** The order was cancelled, expired or refunded: the applied credit comes back (positive). */
  | 'redeem.return';

export type LedgerAccountKind = 'person' | 'channel';

/**
 * pending: earned, inside the refund window; available: counts towards what can be spent or paid out;
 * reversed: a pending entry and its reversal, voided together by a refund inside the window;
 * paid_out: an available entry of a payout run that staff marked paid (0016).
 */
export type LedgerStatus = 'pending' | 'available' | 'reversed' | 'paid_out';

export interface LedgerEntriesTable {
  id: Generated<number>;
  order_id: string;
  rule: LedgerRule;
  account_kind: LedgerAccountKind;
  account_id: string;
  amount_minor: number;
  currency: string;
  base_minor: number;
  rate_bps: number;
  status: LedgerStatus;
  available_at_ms: number;
  event_id: number | null;
  created_at_ms: number;
  updated_at_ms: number;
  /** 0016: the payout run that froze the entry (set once; a frozen entry is no longer spendable). */
  payout_run_id: Generated<string | null>;
}

/** A payout run (0016): entries frozen for one payment, then marked paid with a reference. */
export interface PayoutRunsTable {
  id: string;
  from_ms: number;
  to_ms: number;
  status: 'frozen' | 'paid';
  includes_credit: number;
  created_by: string;
  created_at_ms: number;
  paid_reference: string | null;
  paid_by: string | null;
  paid_at_ms: number | null;
}
