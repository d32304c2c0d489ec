// The outbox consumer that keeps the conversion rollups current: people (acquisition, sign-ups,
// referrals), channel and event invitations, check-ins, device tests, paid orders and refunds. It runs
// in the transaction that advances its position, so each event counts exactly once.
import type { EventConsumer } from '../events/index.ts';
import type { DomainEvent } from '../outbox.ts';
import { attended, channelInvited, eventInvited, tested } from './attendance.ts';
import { addTo, dayOf } from './counters.ts';
import { ensureMilestones } from './milestones.ts';
import { orderPaid, orderRefunded } from './purchases.ts';

export interface ConversionRollupOptions {
  /** A purchase within this long after a device test is attributed to that test (and its event). */
  attributionWindowMs: number;
}

const str = (e: DomainEvent, k: string): string | null =>
  typeof e.payload[k] === 'string' ? (e.payload[k] as string) : null;
const num = (e: DomainEvent, k: string): number => Number(e.payload[k] ?? 0);

export function conversionRollupConsumer(opts: ConversionRollupOptions): EventConsumer {
  return {
    name: 'conversion-rollups',
    async handleInTransaction(trx, e) {
      const at = e.createdAtMs;
      const personId = str(e, 'personId');
      switch (e.type) {
        case 'person.created': {
          if (!personId) return;
          await ensureMilestones(trx, personId);
          await addTo(
            trx,
            'channel_daily',
            { channel_id: str(e, 'channelId') ?? '', day: dayOf(at) },
            { new_people: 1 },
          );
          return;
        }
        case 'person.registered': {
          if (!personId || str(e, 'via') === 'bootstrap') return;
          await ensureMilestones(trx, personId);
          const referredBy = str(e, 'referredBy');
          await addTo(
            trx,
            'channel_daily',
            { channel_id: str(e, 'channelId') ?? '', day: dayOf(at) },
            { new_people: e.payload.wasProspect ? 0 : 1, signups: 1, referred_signups: referredBy ? 1 : 0 },
          );
          if (referredBy)
            await addTo(trx, 'referrer_daily', { referrer_id: referredBy, day: dayOf(at) }, { signups: 1 });
          return;
        }
        case 'person.invited': {
          const outcome = str(e, 'outcome');
          const channelId = str(e, 'channelId');
          if (personId && channelId && outcome !== 'other_channel')
            await channelInvited(trx, personId, channelId, at);
          return;
        }
        case 'offline_event.invitee_added': {
          const eventId = str(e, 'eventId');
          const channelId = str(e, 'channelId');
          if (personId && eventId && channelId) await eventInvited(trx, eventId, personId, channelId, at);
          return;
        }
        case 'offline_event.checked_in': {
          const eventId = str(e, 'eventId');
          if (personId && eventId) await attended(trx, eventId, personId, at);
          return;
        }
        case 'reading.recorded':
        case 'reading.assigned': {
          if (!personId) return;
          await tested(trx, {
            readingId: num(e, 'readingId'),
            personId,
            eventId: str(e, 'eventId'),
            measuredAtMs: num(e, 'measuredAtMs') || at,
          });
          return;
        }
        case 'order.paid': {
          const orderId = str(e, 'orderId');
          if (!personId || !orderId) return;
          await orderPaid(
            trx,
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
          if (orderId) await orderRefunded(trx, orderId, at);
          return;
        }
        default:
          return;
      }
    },
  };
}
