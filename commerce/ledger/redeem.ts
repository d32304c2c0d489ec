// Redemption: a member's available credit pays part of a new order, inside the order's transaction, so
// an order that fails takes its redemption with it. Capped at a share of the order; refused while the
// member's available balance is zero or negative.
import { type Kysely, sql } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { isPostgres } from '../migrations/dialect.ts';
import type { Database } from '../schema.ts';
import { availableOf } from './balances.ts';
import { post } from './postings.ts';
import { type LedgerRules, shareOf } from './rules.ts';

export interface RedeemRequest {
  orderId: string;
  personId: string;
  totalMinor: number;
  currency: string;
  requestedMinor: number;
}

/** Posts the `redeem` entry (negative, available at once); resolves with the amount applied. */
export async function redeemCredit(
  trx: Kysely<Database>,
  rules: LedgerRules,
  req: RedeemRequest,
  nowMs: number,
): Promise<number> {
  if (rules.redeemMaxShareBps === 0)
    throw new VitaliveError('CREDIT_UNAVAILABLE', { reason: 'redemption is switched off' });
  // One redemption per member at a time on PostgreSQL (two orders must not spend the same credit);
  // SQLite runs one write transaction at a time anyway.
  if (isPostgres(trx as Kysely<unknown>))
    await sql`select id from people where id = ${req.personId} for update`.execute(trx);
  const available = await availableOf(trx, req.personId, req.currency);
  if (available <= 0)
    throw new VitaliveError('CREDIT_UNAVAILABLE', {
      reason: `available ${req.currency} credit is ${available}`,
    });
  const applied = Math.min(req.requestedMinor, available, shareOf(req.totalMinor, rules.redeemMaxShareBps));
  if (applied <= 0) return 0;
  await post(
    trx,
    {
      orderId: req.orderId,
      rule: 'redeem',
      accountKind: 'person',
      accountId: req.personId,
      amountMinor: -applied,
      currency: req.currency,
      baseMinor: req.totalMinor,
      rateBps: rules.redeemMaxShareBps,
      status: 'available',
      availableAtMs: nowMs,
      eventId: null,
    },
    nowMs,
  );
  return applied;
}
