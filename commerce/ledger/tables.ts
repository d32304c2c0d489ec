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
 * reversed: a pending entry and its reversal, voided together by a refund inside the window.
 */
export type LedgerStatus = 'pending' | 'available' | 'reversed';

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
}
