// The ledger's public face: its rules, its outbox consumer, and the reads (a person's credit, the payout
// report), each checking who asks.
import type { Kysely } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import type { EventConsumer } from '../events/index.ts';
import { isStaff } from '../people/access-scope.ts';
import type { Actor } from '../people/person-model.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import {
  type Balance,
  balancesOf,
  type CreditSummary,
  creditSummary,
  entriesOf,
  type LedgerEntry,
} from './balances.ts';
import { ledgerConsumer } from './consumer.ts';
import {
  createPayoutRun,
  listRuns,
  markRunPaid,
  type PayoutRun,
  runDocument,
  runStatement,
  type StatementRow,
} from './payout-runs.ts';
import { type PayoutQuery, type PayoutRow, payoutReport } from './payouts.ts';
import { type RedeemRequest, redeemCredit } from './redeem.ts';
import { DEFAULT_LEDGER_RULES, type LedgerRules } from './rules.ts';

export interface Credit {
  personId: string;
  balances: Balance[];
  /** Earned, spent, pending, available, frozen and paid out, per currency. */
  summary: CreditSummary[];
  /** Newest first. */
  entries: LedgerEntry[];
}

export class Ledger {
  readonly rules: LedgerRules;
  readonly #store: Store;

  constructor(store: Store, rules: Partial<LedgerRules> = {}) {
    this.#store = store;
    this.rules = { ...DEFAULT_LEDGER_RULES, ...rules };
    for (const [tier, bps] of Object.entries(this.rules.referralRatesBps)) {
      if (!Number.isInteger(bps) || bps < 0 || bps > 10_000)
        throw new TypeError(`referral rate of tier ${tier} must be an integer in 0..10000`);
    }
    if (!Number.isInteger(this.rules.redeemMaxShareBps) || this.rules.redeemMaxShareBps < 0)
      throw new TypeError('redeemMaxShareBps must be an integer ≥ 0');
    if (this.rules.redeemMaxShareBps >= 10_000)
      throw new TypeError('redeemMaxShareBps must stay below 10000: every order pays something');
  }

  /** Subscribe this to the event bus (one per cluster: scope 'shared'). */
  consumer(now?: () => number): EventConsumer {
    return ledgerConsumer(this.rules, now);
  }

  /** A person's referral credit: their own, or anyone's for staff and admins. */
  async credit(
    actor: Actor,
    personId: string,
    page: { limit: number; offset: number } = { limit: 50, offset: 0 },
  ): Promise<Credit> {
    if (actor.personId !== personId && !isStaff(actor))
      throw new VitaliveError('FORBIDDEN', { reason: 'staff read other people’s credit' });
    if (actor.personId !== personId) {
      const exists = await this.#store.db
        .selectFrom('people')
        .select('id')
        .where('id', '=', personId)
        .executeTakeFirst();
      if (!exists) throw new VitaliveError('NOT_FOUND', { what: `Person ${personId}` });
    }
    const db = this.#store.db;
    return {
      personId,
      balances: await balancesOf(db, 'person', personId),
      summary: await creditSummary(db, personId),
      entries: await entriesOf(db, 'person', personId, page),
    };
  }

  /** Order placement's credit port: redeems inside the order's transaction (see OrderCredit). */
  redeem(trx: Kysely<Database>, req: RedeemRequest, nowMs: number): Promise<number> {
    return redeemCredit(trx, this.rules, req, nowMs);
  }

  payouts(actor: Actor, q: PayoutQuery): Promise<PayoutRow[]> {
    return payoutReport(this.#store.db, actor, q);
  }

  /** Staff: freeze what is available to pay (see payout-runs.ts). */
  createPayoutRun(
    actor: Actor,
    period: { fromMs: number; toMs: number },
    nowMs = Date.now(),
  ): Promise<PayoutRun> {
    return createPayoutRun(this.#store, actor, period, {
      payCreditInCash: this.rules.payCreditInCash,
      nowMs,
    });
  }

  /** Staff: the run was paid (e.g. the bank batch id as reference); exactly once. */
  markPayoutRunPaid(actor: Actor, runId: string, reference: string, nowMs = Date.now()): Promise<PayoutRun> {
    return markRunPaid(this.#store, actor, runId, reference, nowMs);
  }

  /** Staff: every run; a channel manager: the runs paying their channels, with their own totals. */
  payoutRuns(actor: Actor, page: { limit: number; offset: number }): Promise<PayoutRun[]> {
    return listRuns(this.#store.db, actor, page);
  }

  /** One line per account the run pays; a channel manager sees only their channels' lines. */
  payoutStatement(actor: Actor, runId: string): Promise<StatementRow[]> {
    return runStatement(this.#store.db, actor, runId);
  }

  /** The run and its statement lines (the printable statement); totals over the lines the viewer sees. */
  payoutStatementDocument(actor: Actor, runId: string): Promise<{ run: PayoutRun; rows: StatementRow[] }> {
    return runDocument(this.#store.db, actor, runId);
  }
}
