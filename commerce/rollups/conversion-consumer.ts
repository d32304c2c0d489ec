// The outbox consumer that keeps the conversion rollups current: people (acquisition, sign-ups,
// referrals), channel and event invitations, check-ins, device tests, paid orders and refunds. It runs
// in the transaction that advances its position, so each event counts exactly once. A batch of events
// is applied in order against state read once per batch (RollupBatch), and its counter changes are
// summed in memory and written as one upsert per touched row at the end.
import type { Kysely } from 'kysely';
import type { EventConsumer } from '../events/index.ts';
import type { DomainEvent } from '../outbox.ts';
import type { Database } from '../schema.ts';
import { attended, channelInvited, consulted, eventInvited, tested } from './attendance.ts';
import { dayOf } from './counters.ts';
import { orderPaid, orderRefunded } from './purchases.ts';
import { RollupBatch } from './rollup-batch.ts';

export interface ConversionRollupOptions {
  /** A purchase within this long after a device test is attributed to that test (and its event). */
  attributionWindowMs: number;
}

const str = (e: DomainEvent, k: string): string | null =>
  typeof e.payload[k] === 'string' ? (e.payload[k] as string) : null;
const num = (e: DomainEvent, k: string): number => Number(e.payload[k] ?? 0);

export function conversionRollupConsumer(opts: ConversionRollupOptions): EventConsumer {
  const applyAll = async (trx: Kysely<Database>, events: DomainEvent[]) => {
    const b = new RollupBatch(trx);
    const people: string[] = [];
    const orders: string[] = [];
    for (const e of events) {
      const personId = str(e, 'personId');
      if (personId) people.push(personId);
      const orderId = str(e, 'orderId');
      if (orderId && (e.type === 'order.paid' || e.type === 'order.refunded')) orders.push(orderId);
    }
    await b.preload(people, orders);
    for (const e of events) await apply(b, e);
    await b.flush();
  };
  return {
    name: 'conversion-rollups',
    handleInTransaction: (trx, e) => applyAll(trx, [e]),
    handleBatchInTransaction: applyAll,
  };

  async function apply(b: RollupBatch, e: DomainEvent): Promise<void> {
    const at = e.createdAtMs;
    const personId = str(e, 'personId');
    switch (e.type) {
      case 'person.created': {
        if (!personId) return;
        await b.milestones(personId);
        b.counters.add(
          'channel_daily',
          { channel_id: str(e, 'channelId') ?? '', day: dayOf(at) },
          { new_people: 1 },
        );
        return;
      }
      case 'person.registered': {
        if (!personId || str(e, 'via') === 'bootstrap') return;
        await b.milestones(personId);
        const referredBy = str(e, 'referredBy');
        b.counters.add(
          'channel_daily',
          { channel_id: str(e, 'channelId') ?? '', day: dayOf(at) },
          { new_people: e.payload.wasProspect ? 0 : 1, signups: 1, referred_signups: referredBy ? 1 : 0 },
        );
        if (referredBy)
          b.counters.add('referrer_daily', { referrer_id: referredBy, day: dayOf(at) }, { signups: 1 });
        return;
      }
      case 'person.invited': {
        const outcome = str(e, 'outcome');
        const channelId = str(e, 'channelId');
        // Another channel's prospect is not this channel's; an account counts once it accepts (below),
        // so a channel's figures never tell an account's contact from a stranger's.
        if (personId && channelId && outcome !== 'other_channel' && outcome !== 'invited')
          await channelInvited(b, personId, channelId, at);
        return;
      }
      case 'person.invitation_answered': {
        const channelId = str(e, 'channelId');
        if (personId && channelId && str(e, 'outcome') === 'accepted')
          await channelInvited(b, personId, channelId, at);
        return;
      }
      case 'offline_event.invitee_added': {
        const eventId = str(e, 'eventId');
        const channelId = str(e, 'channelId');
        // Held back (people/withheld.ts): counted when the person acts, from the copy released then.
        if (personId && eventId && channelId && e.payload.heldBack !== true)
          await eventInvited(b, eventId, personId, channelId, at);
        return;
      }
      case 'offline_event.checked_in': {
        const eventId = str(e, 'eventId');
        if (personId && eventId) await attended(b, eventId, personId, at);
        return;
      }
      case 'reading.recorded':
      case 'reading.assigned': {
        if (!personId) return;
        await tested(b, {
          readingId: num(e, 'readingId'),
          personId,
          eventId: str(e, 'eventId'),
          measuredAtMs: num(e, 'measuredAtMs') || at,
        });
        return;
      }
      case 'consultation.consulted': {
        if (personId) await consulted(b, personId, at);
        return;
      }
      case 'order.paid': {
        const orderId = str(e, 'orderId');
        if (!personId || !orderId) return;
        await orderPaid(
          b,
          {
            orderId,
            personId,
            sessionId: e.sessionId,
            totalMinor: num(e, 'totalMinor'),
            creditMinor: num(e, 'creditMinor'),
            currency: str(e, 'currency'),
            paidAtMs: at,
          },
          opts.attributionWindowMs,
        );
        return;
      }
      case 'order.refunded': {
        const orderId = str(e, 'orderId');
        if (orderId) await orderRefunded(b, orderId, at);
        return;
      }
      default:
        return;
    }
  }
}
