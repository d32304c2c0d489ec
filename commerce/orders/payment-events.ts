// Verified provider payments: applied to their order once per (provider, event id), or recorded as
// orphaned (the order could not take it) for staff to refund and settle.
import type { Kysely } from 'kysely';
import { isVitaliveError, VitaliveError } from '../../protocols/index.ts';
import { appendEvent } from '../outbox.ts';
import type { Actor } from '../people/person-model.ts';
import type { Database } from '../schema.ts';
import { type Order, orderView } from './order-view.ts';
import { isStaff, type OrdersContext } from './orders-context.ts';
import type { OrderStatus, ProviderName } from './tables.ts';
import { changeStatus } from './transitions.ts';

/** Why a verified payment could not be applied to its order. */
export type OrphanReason = 'order_not_payable' | 'order_unknown' | 'amount_mismatch' | 'provider_mismatch';

export interface ProviderPaymentResult {
  /** The same provider event was recorded before: nothing changed. */
  duplicate: boolean;
  /** Set when the payment was recorded as `payment.orphaned` (to refund) instead of paying the order. */
  orphaned: OrphanReason | null;
  /** The order as it stands, or undefined when no such order exists. */
  order: Order | undefined;
}

/** A verified payment that no order took (staff refund it). */
export interface OrphanedPayment {
  provider: string;
  eventId: string;
  orderId: string;
  personId: string | null;
  orderStatus: OrderStatus | null;
  amountMinor: number;
  currency: string;
  reason: OrphanReason;
  receivedAtMs: number;
  resolvedAtMs: number | null;
}

/** Verified payments not yet settled by staff (the /staff stream shows the count). */
export async function countOrphanedPayments(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('payment_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '=', 'payment.orphaned')
    .where('resolved_at_ms', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

function orphanReason(err: VitaliveError): OrphanReason {
  if (err.code === 'NOT_FOUND') return 'order_unknown';
  if (err.code === 'VALIDATION_FAILED') return 'amount_mismatch';
  if (err.code === 'CONFLICT') return 'provider_mismatch';
  return 'order_not_payable';
}

/** A verified provider event, recorded once per (provider, event id): applied, or orphaned with why. */
function insertPaymentEvent(
  trx: Kysely<Database>,
  provider: ProviderName,
  event: { eventId: string; orderId: string; amountMinor: number; currency: string },
  kind: 'payment.succeeded' | 'payment.orphaned',
  reason: OrphanReason | null,
  nowMs: number,
): Promise<unknown> {
  return trx
    .insertInto('payment_events')
    .values({
      provider,
      event_id: event.eventId,
      order_id: event.orderId,
      kind,
      amount_minor: event.amountMinor,
      currency: event.currency.toUpperCase(),
      reason,
      received_at_ms: nowMs,
    })
    .execute();
}

/**
 * A verified provider callback: marks the order paid once. The same event id again is a no-op that
 * answers as the first time. Every verified payment is recorded: one the order can no longer take
 * (expired, cancelled, already paid, another amount or provider, an unknown order) becomes a
 * `payment.orphaned` row and event, for staff to refund — the money is never lost from view.
 */
export async function recordProviderPayment(
  ctx: OrdersContext,
  provider: ProviderName,
  event: { eventId: string; orderId: string; amountMinor: number; currency: string },
): Promise<ProviderPaymentResult> {
  const seen = await paymentEvent(ctx, provider, event.eventId);
  if (seen) return seen;
  let refusal: VitaliveError;
  try {
    const order = await changeStatus(ctx, event.orderId, 'paid', async (trx, current) => {
      if (current.provider !== provider)
        throw new VitaliveError('CONFLICT', { reason: `order is paid through ${current.provider}` });
      if (current.payableMinor !== event.amountMinor || current.currency !== event.currency.toUpperCase())
        throw new VitaliveError('VALIDATION_FAILED', {
          reason: 'amount or currency does not match the order',
        });
      await insertPaymentEvent(trx, provider, event, 'payment.succeeded', null, Date.now());
    });
    return { duplicate: false, orphaned: null, order };
  } catch (err) {
    // The same event delivered twice at once: the other delivery recorded it.
    const again = await paymentEvent(ctx, provider, event.eventId);
    if (again) return again;
    if (!isVitaliveError(err)) throw err;
    refusal = err;
  }
  return recordOrphan(ctx, provider, event, orphanReason(refusal));
}

/** Verified payments that could not be applied, newest first (staff: to refund). */
export interface OrphanedPaymentQuery {
  unresolvedOnly?: boolean | undefined;
  limit: number;
  offset: number;
  eventId?: { provider: string; eventId: string };
}

export async function orphanedPayments(
  ctx: OrdersContext,
  actor: Actor,
  q: OrphanedPaymentQuery,
): Promise<OrphanedPayment[]> {
  if (!isStaff(actor)) throw new VitaliveError('FORBIDDEN', { reason: 'staff see orphaned payments' });
  let query = ctx.store.db
    .selectFrom('payment_events')
    .leftJoin('orders', 'orders.id', 'payment_events.order_id')
    .select([
      'payment_events.provider',
      'payment_events.event_id',
      'payment_events.order_id',
      'payment_events.amount_minor',
      'payment_events.currency',
      'payment_events.reason',
      'payment_events.received_at_ms',
      'payment_events.resolved_at_ms',
      'orders.status as order_status',
      'orders.person_id',
    ])
    .where('payment_events.kind', '=', 'payment.orphaned');
  if (q.unresolvedOnly) query = query.where('payment_events.resolved_at_ms', 'is', null);
  if (q.eventId)
    query = query
      .where('payment_events.provider', '=', q.eventId.provider)
      .where('payment_events.event_id', '=', q.eventId.eventId);
  const rows = await query
    .orderBy('payment_events.received_at_ms', 'desc')
    .orderBy('payment_events.event_id')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  return rows.map((r) => ({
    provider: r.provider,
    eventId: r.event_id,
    orderId: r.order_id,
    personId: r.person_id ?? null,
    orderStatus: (r.order_status as OrderStatus | null) ?? null,
    amountMinor: Number(r.amount_minor),
    currency: r.currency ?? '',
    reason: (r.reason ?? 'order_not_payable') as OrphanReason,
    receivedAtMs: Number(r.received_at_ms),
    resolvedAtMs: r.resolved_at_ms === null ? null : Number(r.resolved_at_ms),
  }));
}

/** Staff refunded an orphaned payment at the provider: it leaves the "to refund" list. Audited by event. */
export async function resolveOrphanedPayment(
  ctx: OrdersContext,
  actor: Actor,
  provider: string,
  eventId: string,
): Promise<OrphanedPayment> {
  if (!isStaff(actor)) throw new VitaliveError('FORBIDDEN', { reason: 'staff settle orphaned payments' });
  const nowMs = Date.now();
  await ctx.store.transaction(async (trx) => {
    const res = await trx
      .updateTable('payment_events')
      .set({ resolved_at_ms: nowMs })
      .where('provider', '=', provider)
      .where('event_id', '=', eventId)
      .where('kind', '=', 'payment.orphaned')
      .where('resolved_at_ms', 'is', null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw new VitaliveError('NOT_FOUND', { what: `Unsettled orphaned payment ${eventId}` });
    await appendEvent(trx, {
      type: 'payment.orphan_resolved',
      aggregateId: eventId,
      payload: { provider, eventId, resolvedBy: actor.personId },
    });
  });
  ctx.onEvents?.();
  const rows = await orphanedPayments(ctx, actor, { limit: 1, offset: 0, eventId: { provider, eventId } });
  return rows[0]!;
}

export async function paymentEvent(
  ctx: OrdersContext,
  provider: ProviderName,
  eventId: string,
): Promise<ProviderPaymentResult | undefined> {
  const seen = await ctx.store.db
    .selectFrom('payment_events')
    .select(['order_id', 'kind', 'reason'])
    .where('provider', '=', provider)
    .where('event_id', '=', eventId)
    .executeTakeFirst();
  if (!seen) return undefined;
  const row = await ctx.store.db
    .selectFrom('orders')
    .selectAll()
    .where('id', '=', seen.order_id)
    .executeTakeFirst();
  const orphaned =
    seen.kind === 'payment.orphaned' ? ((seen.reason ?? 'order_not_payable') as OrphanReason) : null;
  return { duplicate: true, orphaned, order: row && orderView(row) };
}

export async function recordOrphan(
  ctx: OrdersContext,
  provider: ProviderName,
  event: { eventId: string; orderId: string; amountMinor: number; currency: string },
  reason: OrphanReason,
): Promise<ProviderPaymentResult> {
  const nowMs = Date.now();
  const currency = event.currency.toUpperCase();
  try {
    const order = await ctx.store.transaction(async (trx) => {
      const row = await trx
        .selectFrom('orders')
        .selectAll()
        .where('id', '=', event.orderId)
        .executeTakeFirst();
      await insertPaymentEvent(trx, provider, event, 'payment.orphaned', reason, nowMs);
      await appendEvent(trx, {
        type: 'payment.orphaned',
        aggregateId: event.orderId,
        payload: {
          provider,
          eventId: event.eventId,
          orderId: event.orderId,
          personId: row?.person_id ?? null,
          orderStatus: row?.status ?? null,
          amountMinor: event.amountMinor,
          currency,
          reason,
        },
      });
      return row && orderView(row);
    });
    ctx.onEvents?.();
    ctx.counters.orphanedPayments++;
    ctx.logger.warn(
      { provider, eventId: event.eventId, orderId: event.orderId, reason },
      'payment could not be applied: recorded as orphaned for a refund',
    );
    return { duplicate: false, orphaned: reason, order };
  } catch (err) {
    const again = await paymentEvent(ctx, provider, event.eventId);
    if (again) return again;
    throw err;
  }
}
