// Payout runs (激励发放) on the wire: /api/payout-runs — a run freezes what is available to pay for a
// period, its statement lists each account's lines, and marking it paid records the payment's reference.
import { type Static, Type } from 'typebox';
import { EpochMs, Nullable } from './common.ts';

const Int = Type.Integer();
const NullableInt = Nullable(Int);
const Str = Type.String();

export const PayoutRunSchema = Type.Object({
  runId: Str,
  fromMs: Int,
  toMs: Int,
  status: Str,
  includesCredit: Type.Boolean(),
  createdBy: Str,
  createdAtMs: Int,
  paidReference: Nullable(Str),
  paidBy: Nullable(Str),
  paidAtMs: NullableInt,
  totals: Type.Array(Type.Object({ accountKind: Str, currency: Str, accounts: Int, amountMinor: Int })),
});
export type PayoutRunView = Static<typeof PayoutRunSchema>;

export const StatementRowSchema = Type.Object({
  runId: Str,
  status: Str,
  accountKind: Str,
  accountId: Str,
  accountName: Str,
  currency: Str,
  orders: Int,
  gmvMinor: Int,
  refundedOrders: Int,
  refundedGmvMinor: Int,
  commissionMinor: Int,
  adjustmentsMinor: Int,
  payableMinor: Int,
  paidReference: Nullable(Str),
  paidAtMs: NullableInt,
});
export type StatementRowView = Static<typeof StatementRowSchema>;

export const PayoutRunBody = Type.Object({ from: EpochMs, to: EpochMs }, { additionalProperties: false });
export type PayoutRunBody = Static<typeof PayoutRunBody>;

export const PayoutPaidBody = Type.Object(
  { reference: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }) },
  { additionalProperties: false },
);
export type PayoutPaidBody = Static<typeof PayoutPaidBody>;
