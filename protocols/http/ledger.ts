// Referral credit and payouts on the wire: /api/me/credit, /api/people/:id/credit and /api/payouts
// (JSON, or CSV with PAYOUT_COLUMNS as its header).
import { type Static, Type } from 'typebox';
import { EpochMs, Id, PageQuery } from './common.ts';

export const BalanceSchema = Type.Object({
  currency: Type.String(),
  pendingMinor: Type.Integer(),
  availableMinor: Type.Integer(),
});
export type Balance = Static<typeof BalanceSchema>;

export const LedgerEntrySchema = Type.Object({
  entryId: Type.Integer(),
  orderId: Type.String(),
  rule: Type.String(),
  accountKind: Type.String(),
  accountId: Type.String(),
  amountMinor: Type.Integer(),
  currency: Type.String(),
  baseMinor: Type.Integer(),
  rateBps: Type.Integer(),
  status: Type.String(),
  availableAtMs: Type.Integer(),
  createdAtMs: Type.Integer(),
});
export type LedgerEntry = Static<typeof LedgerEntrySchema>;

/** A member's credit in one currency as `/me` shows it. */
export const CreditSummarySchema = Type.Object({
  currency: Type.String(),
  /** Referral credit earned, net of refunds (pending, available, frozen and paid out). */
  earnedMinor: Type.Integer(),
  /** Credit applied to orders, net of credit given back by cancellations and refunds. */
  spentMinor: Type.Integer(),
  pendingMinor: Type.Integer(),
  availableMinor: Type.Integer(),
  /** In a payout run not yet marked paid: no longer spendable. */
  frozenMinor: Type.Integer(),
  /** Paid by payout runs marked paid. */
  paidOutMinor: Type.Integer(),
});
export type CreditSummary = Static<typeof CreditSummarySchema>;

export const CreditSchema = Type.Object({
  personId: Type.String(),
  balances: Type.Array(BalanceSchema),
  summary: Type.Array(CreditSummarySchema),
  entries: Type.Array(LedgerEntrySchema),
});
export type Credit = Static<typeof CreditSchema>;

export const CreditQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export type CreditQuery = Static<typeof CreditQuery>;

export const PayoutRowSchema = Type.Object({
  channelId: Type.String(),
  channelName: Type.String(),
  currency: Type.String(),
  /** Orders paid in the period (refunded ones included). */
  orders: Type.Integer(),
  gmvMinor: Type.Integer(),
  refundedOrders: Type.Integer(),
  refundedGmvMinor: Type.Integer(),
  /** Commission owed for those orders: their commission entries and reversals. */
  commissionMinor: Type.Integer(),
  pendingMinor: Type.Integer(),
  /** Available and not yet in a payout run. */
  availableMinor: Type.Integer(),
  /** In a payout run not yet marked paid. */
  frozenMinor: Type.Integer(),
  /** Paid by payout runs marked paid. */
  paidOutMinor: Type.Integer(),
});
export type PayoutRow = Static<typeof PayoutRowSchema>;

/** The CSV report's columns, in order. */
export const PAYOUT_COLUMNS = [
  'channelId',
  'channelName',
  'currency',
  'orders',
  'gmvMinor',
  'refundedOrders',
  'refundedGmvMinor',
  'commissionMinor',
  'pendingMinor',
  'availableMinor',
  'frozenMinor',
  'paidOutMinor',
] as const satisfies ReadonlyArray<keyof PayoutRow>;

export const PayoutQuery = Type.Object(
  {
    channelId: Type.Optional(Id),
    from: EpochMs,
    to: EpochMs,
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' })),
  },
  { additionalProperties: false },
);
export type PayoutQuery = Static<typeof PayoutQuery>;

export const PayoutReportSchema = Type.Object({
  fromMs: Type.Integer(),
  toMs: Type.Integer(),
  rows: Type.Array(PayoutRowSchema),
});
export type PayoutReport = Static<typeof PayoutReportSchema>;
