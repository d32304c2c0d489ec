// Payout runs (激励发放): staff pick a period; the run freezes each channel's whole available commission
// (and, when credit is paid in cash, each member's available referral credit) where it is positive, so
// a negative balance stays and is carried into the next run. A frozen entry leaves the spendable balance
// at once (see balances.ts), so it can never be both redeemed and paid. Marking the run paid moves its
// entries `available → paid_out` in one transaction, exactly once.
import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { isPostgres } from '../migrations/dialect.ts';
import { appendEvent } from '../outbox.ts';
import { isChannelManager, isStaff, managedChannelIds } from '../people/access-scope.ts';
import type { Actor } from '../people/person-model.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { payoutReport } from './payouts.ts';
import type { LedgerAccountKind } from './tables.ts';

export interface PayoutRunTotal {
  accountKind: LedgerAccountKind;
  currency: string;
  accounts: number;
  amountMinor: number;
}

export interface PayoutRun {
  runId: string;
  fromMs: number;
  toMs: number;
  status: 'frozen' | 'paid';
  includesCredit: boolean;
  createdBy: string;
  createdAtMs: number;
  paidReference: string | null;
  paidBy: string | null;
  paidAtMs: number | null;
  totals: PayoutRunTotal[];
}

/** One account's line of a run's statement. */
export interface StatementRow {
  runId: string;
  status: 'frozen' | 'paid';
  accountKind: LedgerAccountKind;
  accountId: string;
  accountName: string;
  currency: string;
  /** Orders paid in the run's period, their GMV and refunds (channels; 0 for members). */
  orders: number;
  gmvMinor: number;
  refundedOrders: number;
  refundedGmvMinor: number;
  /** Commission (or referral credit) of the period's orders that this run pays. */
  commissionMinor: number;
  /** Everything else the run pays: reversals of refunds, entries carried in from earlier periods. */
  adjustmentsMinor: number;
  /** What the run pays this account: commissionMinor + adjustmentsMinor. */
  payableMinor: number;
  paidReference: string | null;
  paidAtMs: number | null;
}

export const STATEMENT_COLUMNS = [
  'runId',
  'status',
  'accountKind',
  'accountId',
  'accountName',
  'currency',
  'orders',
  'gmvMinor',
  'refundedOrders',
  'refundedGmvMinor',
  'commissionMinor',
  'adjustmentsMinor',
  'payableMinor',
  'paidReference',
  'paidAtMs',
] as const satisfies ReadonlyArray<keyof StatementRow>;

function requireStaff(actor: Actor): void {
  if (!isStaff(actor)) throw new VitaliveError('FORBIDDEN', { reason: 'payout runs are made by staff' });
}

/**
 * Freezes one account's available, unfrozen entries into the run when their sum is positive. The
 * account's row is locked first on PostgreSQL — the same lock a redemption takes on a member — so a
 * redemption and a freeze of one member run one after the other, never interleaved.
 */
async function freezeAccount(
  trx: Kysely<Database>,
  runId: string,
  kind: LedgerAccountKind,
  accountId: string,
  currency: string,
  nowMs: number,
): Promise<number> {
  if (isPostgres(trx as Kysely<unknown>)) {
    if (kind === 'person') await sql`select id from people where id = ${accountId} for update`.execute(trx);
    else await sql`select id from channels where id = ${accountId} for update`.execute(trx);
  }
  const sum = await trx
    .selectFrom('ledger_entries')
    .select((eb) => eb.fn.sum<number>('amount_minor').as('total'))
    .where('account_kind', '=', kind)
    .where('account_id', '=', accountId)
    .where('currency', '=', currency)
    .where('status', '=', 'available')
    .where('payout_run_id', 'is', null)
    .executeTakeFirst();
  const total = Number(sum?.total ?? 0);
  if (total <= 0) return 0;
  await trx
    .updateTable('ledger_entries')
    .set({ payout_run_id: runId, updated_at_ms: nowMs })
    .where('account_kind', '=', kind)
    .where('account_id', '=', accountId)
    .where('currency', '=', currency)
    .where('status', '=', 'available')
    .where('payout_run_id', 'is', null)
    .execute();
  return total;
}

export async function createPayoutRun(
  store: Store,
  actor: Actor,
  period: { fromMs: number; toMs: number },
  opts: { payCreditInCash: boolean; nowMs: number },
): Promise<PayoutRun> {
  requireStaff(actor);
  if (!(period.fromMs < period.toMs))
    throw new VitaliveError('VALIDATION_FAILED', { reason: 'from must be before to' });
  const runId = randomUUID();
  const kinds: LedgerAccountKind[] = opts.payCreditInCash ? ['channel', 'person'] : ['channel'];
  await store.transaction(async (trx) => {
    await trx
      .insertInto('payout_runs')
      .values({
        id: runId,
        from_ms: period.fromMs,
        to_ms: period.toMs,
        status: 'frozen',
        includes_credit: opts.payCreditInCash ? 1 : 0,
        created_by: actor.personId,
        created_at_ms: opts.nowMs,
        paid_reference: null,
        paid_by: null,
        paid_at_ms: null,
      })
      .execute();
    // Accounts with anything open, in a fixed order (two runs lock accounts in the same order).
    const accounts = await trx
      .selectFrom('ledger_entries')
      .select(['account_kind', 'account_id', 'currency'])
      .where('account_kind', 'in', kinds)
      .where('status', '=', 'available')
      .where('payout_run_id', 'is', null)
      .groupBy(['account_kind', 'account_id', 'currency'])
      .orderBy('account_kind')
      .orderBy('account_id')
      .orderBy('currency')
      .execute();
    let frozen = 0;
    for (const a of accounts)
      if ((await freezeAccount(trx, runId, a.account_kind, a.account_id, a.currency, opts.nowMs)) > 0)
        frozen++;
    if (frozen === 0) throw new VitaliveError('PAYOUT_RUN_EMPTY', { toMs: period.toMs });
    const totals = await totalsOf(trx, runId);
    await appendEvent(
      trx,
      {
        type: 'payout_run.created',
        aggregateId: runId,
        payload: { runId, fromMs: period.fromMs, toMs: period.toMs, totals, by: actor.personId },
      },
      opts.nowMs,
    );
  });
  return getRun(store.db, runId);
}

/**
 * Marks a run paid with the payment's reference: the run's status flips `frozen → paid` conditionally
 * and its entries move `available → paid_out`, together. A second call (or a concurrent one, which waits
 * for the first's row lock and then finds the run paid) is PAYOUT_RUN_ALREADY_PAID and changes nothing.
 */
export async function markRunPaid(
  store: Store,
  actor: Actor,
  runId: string,
  reference: string,
  nowMs: number,
): Promise<PayoutRun> {
  requireStaff(actor);
  await store.transaction(async (trx) => {
    const res = await trx
      .updateTable('payout_runs')
      .set({ status: 'paid', paid_reference: reference, paid_by: actor.personId, paid_at_ms: nowMs })
      .where('id', '=', runId)
      .where('status', '=', 'frozen')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) {
      const exists = await trx
        .selectFrom('payout_runs')
        .select('id')
        .where('id', '=', runId)
        .executeTakeFirst();
      if (!exists) throw new VitaliveError('NOT_FOUND', { what: 'payout run' });
      throw new VitaliveError('PAYOUT_RUN_ALREADY_PAID', { runId });
    }
    const moved = await trx
      .updateTable('ledger_entries')
      .set({ status: 'paid_out', updated_at_ms: nowMs })
      .where('payout_run_id', '=', runId)
      .where('status', '=', 'available')
      .executeTakeFirst();
    await appendEvent(
      trx,
      {
        type: 'payout_run.paid',
        aggregateId: runId,
        payload: {
          runId,
          reference,
          entries: Number(moved.numUpdatedRows),
          totals: await totalsOf(trx, runId),
          by: actor.personId,
        },
      },
      nowMs,
    );
  });
  return getRun(store.db, runId);
}

async function totalsOf(db: Kysely<Database>, runId: string, channelIds?: readonly string[]) {
  let q = db
    .selectFrom('ledger_entries')
    .select(['account_kind', 'currency'])
    .select((eb) => [
      eb.fn.sum<number>('amount_minor').as('amount'),
      sql<number>`count(distinct account_id)`.as('accounts'),
    ])
    .where('payout_run_id', '=', runId);
  if (channelIds) q = q.where('account_kind', '=', 'channel').where('account_id', 'in', [...channelIds]);
  const rows = await q
    .groupBy(['account_kind', 'currency'])
    .orderBy('account_kind')
    .orderBy('currency')
    .execute();
  return rows.map((r) => ({
    accountKind: r.account_kind,
    currency: r.currency,
    accounts: Number(r.accounts),
    amountMinor: Number(r.amount),
  }));
}

async function getRun(
  db: Kysely<Database>,
  runId: string,
  channelIds?: readonly string[],
): Promise<PayoutRun> {
  const r = await db.selectFrom('payout_runs').selectAll().where('id', '=', runId).executeTakeFirst();
  if (!r) throw new VitaliveError('NOT_FOUND', { what: 'payout run' });
  return {
    runId: r.id,
    fromMs: Number(r.from_ms),
    toMs: Number(r.to_ms),
    status: r.status,
    includesCredit: Number(r.includes_credit) === 1,
    createdBy: r.created_by,
    createdAtMs: Number(r.created_at_ms),
    paidReference: r.paid_reference,
    paidBy: r.paid_by,
    paidAtMs: r.paid_at_ms === null ? null : Number(r.paid_at_ms),
    totals: await totalsOf(db, runId, channelIds),
  };
}

/** The channels a manager may read runs of; undefined for staff (everything). */
async function runScope(db: Kysely<Database>, actor: Actor): Promise<string[] | undefined> {
  if (isStaff(actor)) return undefined;
  if (!isChannelManager(actor)) throw new VitaliveError('FORBIDDEN', { reason: 'payout runs are for staff' });
  return managedChannelIds(db, actor);
}

/** Runs newest first; a channel manager sees the runs that pay one of their channels, with their totals. */
export async function listRuns(
  db: Kysely<Database>,
  actor: Actor,
  page: { limit: number; offset: number },
): Promise<PayoutRun[]> {
  const scope = await runScope(db, actor);
  if (scope?.length === 0) return [];
  let q = db.selectFrom('payout_runs').select('id');
  if (scope)
    q = q.where('id', 'in', (eb) =>
      eb
        .selectFrom('ledger_entries')
        .select('payout_run_id')
        .where('account_kind', '=', 'channel')
        .where('account_id', 'in', scope)
        .where('payout_run_id', 'is not', null)
        .$narrowType<{ payout_run_id: string }>(),
    );
  const ids = await q
    .orderBy('created_at_ms', 'desc')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const out: PayoutRun[] = [];
  for (const { id } of ids) out.push(await getRun(db, id, scope));
  return out;
}

/** A run with its statement as the viewer may see it, the run's totals over the same accounts. */
export async function runDocument(
  db: Kysely<Database>,
  actor: Actor,
  runId: string,
): Promise<{ run: PayoutRun; rows: StatementRow[] }> {
  const rows = await runStatement(db, actor, runId);
  return { run: await getRun(db, runId, await runScope(db, actor)), rows };
}

/** A run's statement, one line per account; a channel manager gets only their channels' lines. */
export async function runStatement(
  db: Kysely<Database>,
  actor: Actor,
  runId: string,
): Promise<StatementRow[]> {
  const scope = await runScope(db, actor);
  const run = await getRun(db, runId);
  if (scope?.length === 0) throw new VitaliveError('NOT_FOUND', { what: 'payout run' });
  let q = db
    .selectFrom('ledger_entries as e')
    .leftJoin('orders as o', 'o.id', 'e.order_id')
    .select(['e.account_kind', 'e.account_id', 'e.currency'])
    .select((eb) => [
      eb.fn.sum<number>('e.amount_minor').as('payable'),
      sql<number>`sum(case when e.rule in ('commission', 'referral') and o.paid_at_ms >= ${run.fromMs}
        and o.paid_at_ms < ${run.toMs} then e.amount_minor else 0 end)`.as('earned'),
    ])
    .where('e.payout_run_id', '=', runId);
  if (scope) q = q.where('e.account_kind', '=', 'channel').where('e.account_id', 'in', scope);
  const lines = await q
    .groupBy(['e.account_kind', 'e.account_id', 'e.currency'])
    .orderBy('e.account_kind')
    .orderBy('e.account_id')
    .execute();
  if (scope && lines.length === 0) throw new VitaliveError('NOT_FOUND', { what: 'payout run' });
  const report = await payoutReport(
    db,
    { personId: actor.personId, roles: ['staff'] },
    {
      fromMs: run.fromMs,
      toMs: run.toMs,
    },
  );
  const figures = new Map(report.map((r) => [`${r.channelId}\u0000${r.currency}`, r]));
  const names = new Map<string, string>();
  const channelIds = lines.filter((l) => l.account_kind === 'channel').map((l) => l.account_id);
  const personIds = lines.filter((l) => l.account_kind === 'person').map((l) => l.account_id);
  if (channelIds.length > 0)
    for (const c of await db
      .selectFrom('channels')
      .select(['id', 'name'])
      .where('id', 'in', channelIds)
      .execute())
      names.set(`channel:${c.id}`, c.name);
  if (personIds.length > 0)
    for (const p of await db
      .selectFrom('people')
      .select(['id', 'display_name'])
      .where('id', 'in', personIds)
      .execute())
      names.set(`person:${p.id}`, p.display_name);
  return lines.map((l) => {
    const f = l.account_kind === 'channel' ? figures.get(`${l.account_id}\u0000${l.currency}`) : undefined;
    const payable = Number(l.payable);
    const earned = Number(l.earned);
    return {
      runId,
      status: run.status,
      accountKind: l.account_kind,
      accountId: l.account_id,
      accountName: names.get(`${l.account_kind}:${l.account_id}`) ?? '',
      currency: l.currency,
      orders: f?.orders ?? 0,
      gmvMinor: f?.gmvMinor ?? 0,
      refundedOrders: f?.refundedOrders ?? 0,
      refundedGmvMinor: f?.refundedGmvMinor ?? 0,
      commissionMinor: earned,
      adjustmentsMinor: payable - earned,
      payableMinor: payable,
      paidReference: run.paidReference,
      paidAtMs: run.paidAtMs,
    };
  });
}
