// Referral credit and channel commission: append-only entries, balances as sums, the payout report.
export type { Balance, CreditSummary, LedgerEntry } from './balances.ts';
export { LEDGER_CONSUMER, ledgerConsumer } from './consumer.ts';
export { type Credit, Ledger } from './ledger.ts';
export {
  type PayoutRun,
  type PayoutRunTotal,
  STATEMENT_COLUMNS,
  type StatementRow,
} from './payout-runs.ts';
export { PAYOUT_COLUMNS, type PayoutQuery, type PayoutRow } from './payouts.ts';
export { DEFAULT_LEDGER_RULES, type LedgerRules, shareOf } from './rules.ts';
export { LedgerSweeper, type LedgerSweeperOptions, releaseDue } from './sweeper.ts';
export type { LedgerAccountKind, LedgerRule, LedgerStatus } from './tables.ts';
