// The ledger's business rules as data (rates, refund window, redemption cap) and its one rounding rule.

export interface LedgerRules {
  /**
   * Referral credit per tier of the referrer, in basis points of the amount the buyer paid
   * (1 bp = 0.01 %). Tiers not listed earn nothing.
   */
  referralRatesBps: Readonly<Record<string, number>>;
  /** Entries stay pending this long after payment, then become available. @default 604800000 (7 days) */
  refundWindowMs: number;
  /** Largest share of an order's total that credit may pay, in basis points; 0 disables redemption. */
  redeemMaxShareBps: number;
  /**
   * Payout runs also pay members' available referral credit in cash (and freeze it). @default false:
   * credit stays spendable credit; only channels' commission is paid.
   */
  payCreditInCash: boolean;
}

export const DEFAULT_LEDGER_RULES: LedgerRules = {
  referralRatesBps: { basic: 300, silver: 500, gold: 800 },
  refundWindowMs: 7 * 86_400_000,
  redeemMaxShareBps: 5000,
  payCreditInCash: false,
};

/**
 * `bps` basis points of `baseMinor`, rounded down to a whole minor unit: a fraction of a cent is never
 * owed, and the sum of entries stays an integer. BigInt, since amount × rate can pass 2^53.
 */
export function shareOf(baseMinor: number, bps: number): number {
  if (!Number.isInteger(baseMinor) || baseMinor < 0) throw new TypeError('baseMinor must be an integer ≥ 0');
  if (!Number.isInteger(bps) || bps < 0 || bps > 10_000) throw new TypeError('bps must be in 0..10000');
  return Number((BigInt(baseMinor) * BigInt(bps)) / 10_000n);
}
