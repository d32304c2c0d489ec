// The payout report: per channel and currency, the orders paid in a period, their GMV, refunds, and the
// commission they earned (net of reversals, split into pending and available). Staff and admins see
// every channel; a channel manager only their own (another channel is FORBIDDEN, not an empty report).
import { type Kysely, sql } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { isChannelManager, isStaff, managedChannelIds } from '../people/access-scope.ts';
import type { Actor } from '../people/person-model.ts';
import type { Database } from '../schema.ts';

export interface PayoutQuery {
  channelId?: string | undefined;
  /** Orders paid at or after this instant (epoch ms). */
  fromMs: number;
  /** Orders paid before this instant (epoch ms). */
  toMs: number;
}

export interface PayoutRow {
  channelId: string;
  channelName: string;
  currency: string;
  /** Orders paid in the period (refunded ones included). */
  orders: number;
  /** Total value of those orders, in minor units. */
  gmvMinor: number;
  refundedOrders: number;
  refundedGmvMinor: number;
  /** Commission owed for those orders: the sum of their commission entries and reversals. */
  commissionMinor: number;
  pendingMinor: number;
  /** Available and not yet in a payout run. */
  availableMinor: number;
  /** In a payout run not yet marked paid. */
  frozenMinor: number;
  /** Paid by payout runs marked paid. */
  paidOutMinor: number;
}

/** The CSV report's columns: a wire contract (protocols/http/ledger.ts). */
export { PAYOUT_COLUMNS } from '../../protocols/index.ts';

/** The channels the actor may read in this query; undefined means every channel. */
async function scope(db: Kysely<Database>, actor: Actor, channelId: string | undefined) {
  if (isStaff(actor)) return channelId === undefined ? undefined : [channelId];
  if (!isChannelManager(actor)) throw new VitaliveError('FORBIDDEN', { reason: 'payouts are for staff' });
  const own = await managedChannelIds(db, actor);
  if (channelId === undefined) return own;
  if (!own.includes(channelId))
    throw new VitaliveError('FORBIDDEN', { reason: 'that channel is not one of yours' });
  return [channelId];
}

export async function payoutReport(db: Kysely<Database>, actor: Actor, q: PayoutQuery): Promise<PayoutRow[]> {
  if (!(q.fromMs < q.toMs))
    throw new VitaliveError('VALIDATION_FAILED', { reason: 'from must be before to' });
  const channels = await scope(db, actor, q.channelId);
  if (channels?.length === 0) return [];
  const base = () => {
    let query = db
      .selectFrom('ledger_entries as e')
      .innerJoin('orders as o', 'o.id', 'e.order_id')
      .where('e.account_kind', '=', 'channel')
      .where('o.paid_at_ms', '>=', q.fromMs)
      .where('o.paid_at_ms', '<', q.toMs);
    if (channels) query = query.where('e.account_id', 'in', channels);
    return query;
  };
  const orders = await base()
    .where('e.rule', '=', 'commission')
    .select(['e.account_id as channelId', 'e.currency'])
    .select((eb) => [
      eb.fn.countAll<number>().as('orders'),
      eb.fn.sum<number>('o.total_minor').as('gmv'),
      sql<number>`sum(case when o.status = 'refunded' then 1 else 0 end)`.as('refunded'),
      sql<number>`sum(case when o.status = 'refunded' then o.total_minor else 0 end)`.as('refundedGmv'),
    ])
    .groupBy(['e.account_id', 'e.currency'])
    .execute();
  const money = await base()
    .where('e.rule', 'in', ['commission', 'commission.reversal'])
    .select(['e.account_id as channelId', 'e.currency'])
    .select((eb) => [
      eb.fn.sum<number>('e.amount_minor').as('net'),
      sql<number>`sum(case when e.status = 'pending' then e.amount_minor else 0 end)`.as('pending'),
      sql<number>`sum(case when e.status = 'available' and e.payout_run_id is null then e.amount_minor else 0 end)`.as(
        'available',
      ),
      sql<number>`sum(case when e.status = 'available' and e.payout_run_id is not null then e.amount_minor else 0 end)`.as(
        'frozen',
      ),
      sql<number>`sum(case when e.status = 'paid_out' then e.amount_minor else 0 end)`.as('paidOut'),
    ])
    .groupBy(['e.account_id', 'e.currency'])
    .execute();
  const names = new Map(
    orders.length === 0
      ? []
      : (
          await db
            .selectFrom('channels')
            .select(['id', 'name'])
            .where(
              'id',
              'in',
              orders.map((o) => o.channelId),
            )
            .execute()
        ).map((c) => [c.id, c.name]),
  );
  const key = (r: { channelId: string; currency: string }) => `${r.channelId}\u0000${r.currency}`;
  const sums = new Map(money.map((m) => [key(m), m]));
  return orders
    .map((o) => {
      const m = sums.get(key(o));
      return {
        channelId: o.channelId,
        channelName: names.get(o.channelId) ?? '',
        currency: o.currency,
        orders: Number(o.orders),
        gmvMinor: Number(o.gmv),
        refundedOrders: Number(o.refunded),
        refundedGmvMinor: Number(o.refundedGmv),
        commissionMinor: Number(m?.net ?? 0),
        pendingMinor: Number(m?.pending ?? 0),
        availableMinor: Number(m?.available ?? 0),
        frozenMinor: Number(m?.frozen ?? 0),
        paidOutMinor: Number(m?.paidOut ?? 0),
      };
    })
    .sort((a, b) => a.channelName.localeCompare(b.channelName) || a.currency.localeCompare(b.currency));
}
