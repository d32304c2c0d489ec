// The outbox consumer that fills follow-ups from facts: a record per (person, channel) as soon as a
// channel knows the person, the milestones the system knows (invited, attended, tested, first order,
// paid, referred someone) and the stages facts prove (a paid order → bought). It runs in the transaction
// that moves its position (exactly once); every write is also keyed or conditional, so a replay from
// position 0 leaves the same records. It ignores its own follow_up.* events.
// Every sale places orders, so first orders are read per batch, not per event (firstOrders).
import type { Kysely } from 'kysely';
import type { EventConsumer } from '../events/index.ts';
import type { DomainEvent } from '../outbox.ts';
import type { Database } from '../schema.ts';
import type { SqliteStatements } from '../store.ts';
import { type FirstOrderPlan, firstOrderPlanner } from './first-orders.ts';
import { applyStageFact, ensureFollowUp, recordMilestone } from './records.ts';

export const FOLLOW_UP_CONSUMER = 'follow-ups';
/** How often delivery reads the consumer's events at most (EventConsumer.readEveryMs). */
const FOLLOW_UP_READ_EVERY_MS = 100;

const DAY_MS = 86_400_000;

const str = (e: DomainEvent, k: string): string | null =>
  typeof e.payload[k] === 'string' && e.payload[k] !== '' ? (e.payload[k] as string) : null;

/** `sqlite`: the store's prepared statements on SQLite, for the first orders' read and rows. */
export function followUpConsumer(opts: { sqlite?: SqliteStatements | undefined } = {}): EventConsumer {
  const planFirstOrders = firstOrderPlanner(opts.sqlite);
  // A batch in order, with the first orders of its buyers planned by one read (first-orders.ts).
  const applyAll = async (trx: Kysely<Database>, events: DomainEvent[]) => {
    const plan = await planFirstOrders(trx, events);
    for (const e of events) await apply(trx, e, plan);
    await plan.flush();
  };
  return {
    name: FOLLOW_UP_CONSUMER,
    scope: 'shared',
    handleInTransaction: (trx, e) => applyAll(trx, [e]),
    handleBatchInTransaction: applyAll,
    // Records, milestones and their staff frames may trail a sale by a tenth of a second; reading every
    // commit's events on its own cost more than the work itself (a transaction and a position each).
    readEveryMs: FOLLOW_UP_READ_EVERY_MS,
  };
}

async function apply(trx: Kysely<Database>, e: DomainEvent, plan: FirstOrderPlan): Promise<void> {
  const at = e.createdAtMs;
  const personId = str(e, 'personId');
  if (!personId) return;
  const source = { type: e.type, id: String(e.id) };
  switch (e.type) {
    case 'person.created':
    case 'person.registered': {
      const channelId = str(e, 'channelId');
      if (channelId) await ensureFollowUp(trx, personId, channelId, at, source);
      if (e.type === 'person.created' && channelId) await invited(trx, e, personId, 'channel', channelId);
      const referredBy = str(e, 'referredBy');
      if (e.type === 'person.registered' && referredBy)
        await recordMilestone(trx, {
          personId: referredBy,
          kind: 'referred',
          refType: 'person',
          refId: personId,
          atMs: at,
          eventId: e.id,
        });
      return;
    }
    case 'person.invited': {
      const channelId = str(e, 'channelId');
      const outcome = str(e, 'outcome');
      // 'other_channel' belongs to another channel; 'invited' is an account that has not answered yet.
      if (!channelId || outcome === 'other_channel' || outcome === 'invited') return;
      await ensureFollowUp(trx, personId, channelId, at, source);
      await invited(trx, e, personId, 'channel', channelId);
      return;
    }
    case 'person.channel_changed': {
      const to = str(e, 'to');
      if (to) await ensureFollowUp(trx, personId, to, at, source);
      return;
    }
    case 'offline_event.invitee_added': {
      const channelId = str(e, 'channelId');
      const eventId = str(e, 'eventId');
      // Held back (people/withheld.ts): counted when the person acts, from the copy released then.
      if (!channelId || !eventId || e.payload.heldBack === true) return;
      await ensureFollowUp(trx, personId, channelId, at, source);
      await invited(trx, e, personId, 'event', eventId);
      return;
    }
    case 'offline_event.checked_in': {
      // Attendance is a milestone; it does not move the stage.
      const eventId = str(e, 'eventId');
      if (eventId)
        await recordMilestone(trx, {
          personId,
          kind: 'attended',
          refType: 'event',
          refId: eventId,
          atMs: at,
          eventId: e.id,
        });
      return;
    }
    case 'reading.recorded':
    case 'reading.assigned': {
      // One `tested` per person and UTC day (a test is several readings, a device may send many): the
      // first reading of the day is the milestone's source.
      const measured = Number(e.payload.measuredAtMs);
      const atMs = Number.isFinite(measured) && measured > 0 ? measured : at;
      const dayStart = Math.floor(atMs / DAY_MS) * DAY_MS;
      const sameDay = await trx
        .selectFrom('follow_up_milestones')
        .select('ref_id')
        .where('person_id', '=', personId)
        .where('kind', '=', 'tested')
        .where('at_ms', '>=', dayStart)
        .where('at_ms', '<', dayStart + DAY_MS)
        .executeTakeFirst();
      if (!sameDay)
        await recordMilestone(trx, {
          personId,
          kind: 'tested',
          refType: 'reading',
          refId: String(e.payload.readingId),
          atMs,
          eventId: e.id,
        });
      return;
    }
    case 'order.placed': {
      const orderId = str(e, 'orderId');
      if (orderId && plan.recordsOne(e))
        await recordMilestone(trx, {
          personId,
          kind: 'first_order',
          refType: 'order',
          refId: orderId,
          atMs: at,
          eventId: e.id,
        });
      return;
    }
    case 'order.paid': {
      const orderId = str(e, 'orderId');
      if (!orderId) return;
      await recordMilestone(trx, {
        personId,
        kind: 'paid',
        refType: 'order',
        refId: orderId,
        atMs: at,
        eventId: e.id,
      });
      await applyStageFact(trx, personId, 'order_paid', { type: 'order', id: orderId }, at);
      return;
    }
    case 'consultation.booked':
    case 'consultation.consulted': {
      // Booked and consulted are milestones (once per consultation) and facts that move the stage.
      const consultationId = str(e, 'consultationId');
      if (!consultationId) return;
      const booked = e.type === 'consultation.booked';
      await recordMilestone(trx, {
        personId,
        kind: booked ? 'booked' : 'consulted',
        refType: 'consultation',
        refId: consultationId,
        atMs: at,
        eventId: e.id,
      });
      await applyStageFact(
        trx,
        personId,
        booked ? 'consultation_booked' : 'consultation_held',
        { type: 'consultation', id: consultationId },
        at,
      );
      return;
    }
    default:
      return;
  }
}

function invited(
  trx: Kysely<Database>,
  e: DomainEvent,
  personId: string,
  refType: 'channel' | 'event',
  refId: string,
) {
  return recordMilestone(trx, {
    personId,
    kind: 'invited',
    refType,
    refId,
    atMs: e.createdAtMs,
    eventId: e.id,
  });
}
