// Offline-event stages as they arrive: invitations, check-ins and device tests. A reading that carries
// a person's member code and a known event id counts as attendance (same key as a door check-in) and
// as a test at that event; every test also becomes the person's latest test for purchase attribution.
import { dayOf, firstTime } from './counters.ts';
import { activate, channelStage } from './milestones.ts';
import type { RollupBatch } from './rollup-batch.ts';

/** The channel an event stage counts for: the one that registered the person, else the person's own. */
function eventChannel(b: RollupBatch, eventId: string, personId: string): Promise<string> {
  return b.memo(`invitee\u0000${eventId}\u0000${personId}`, async () => {
    const invitee = await b.trx
      .selectFrom('event_invitees')
      .select('channel_id')
      .where('event_id', '=', eventId)
      .where('person_id', '=', personId)
      .executeTakeFirst();
    return invitee?.channel_id ?? (await b.person(personId)).channelId;
  });
}

function knownEvent(b: RollupBatch, eventId: string): Promise<string | null> {
  return b.memo(`event\u0000${eventId}`, async () => {
    const row = await b.trx
      .selectFrom('offline_events')
      .select('id')
      .where('id', '=', eventId)
      .executeTakeFirst();
    return row?.id ?? null;
  });
}

export async function channelInvited(
  b: RollupBatch,
  personId: string,
  channelId: string,
  atMs: number,
): Promise<void> {
  await channelStage(b, personId, channelId, 'first_invited_at_ms', atMs);
}

export async function eventInvited(
  b: RollupBatch,
  eventId: string,
  personId: string,
  channelId: string,
  atMs: number,
): Promise<void> {
  b.counters.add('event_funnel', { event_id: eventId, channel_id: channelId }, { invited: 1 });
  await channelInvited(b, personId, channelId, atMs);
}

/** Counts a first attendance (the caller decided it is the first by the attendance key). */
export async function attended(
  b: RollupBatch,
  eventId: string,
  personId: string,
  atMs: number,
): Promise<void> {
  const channelId = await eventChannel(b, eventId, personId);
  b.counters.add('event_funnel', { event_id: eventId, channel_id: channelId }, { attended: 1 });
  await channelStage(b, personId, (await b.person(personId)).channelId, 'first_attended_at_ms', atMs);
}

/**
 * A consultation held: counted once per person in their channel's day bucket, and once per person for
 * the event of their latest test (the event that led them to the expert).
 */
export async function consulted(b: RollupBatch, personId: string, atMs: number): Promise<void> {
  const { channelId } = await b.person(personId);
  if (await firstTime(b.trx, `c:${channelId}`, 'consulted', personId))
    b.counters.add('channel_daily', { channel_id: channelId, day: dayOf(atMs) }, { consulted: 1 });
  const eventId = (await b.milestones(personId)).last_test_event_id;
  if (eventId && (await firstTime(b.trx, `e:${eventId}`, 'consulted', personId))) {
    const ch = await eventChannel(b, eventId, personId);
    b.counters.add('event_funnel', { event_id: eventId, channel_id: ch }, { consulted: 1 });
  }
}

export interface TestEvent {
  readingId: number;
  personId: string;
  eventId: string | null;
  measuredAtMs: number;
}

export async function tested(b: RollupBatch, t: TestEvent): Promise<void> {
  const { personId, measuredAtMs: atMs } = t;
  const { channelId } = await b.person(personId);
  const eventId = t.eventId ? await knownEvent(b, t.eventId) : null;
  const m = await b.milestones(personId);
  // Latest test wins (readings can arrive late from a venue edge).
  if (m.last_test_at_ms === null || m.last_test_at_ms <= atMs) {
    m.last_test_at_ms = atMs;
    m.last_test_reading_id = t.readingId;
    m.last_test_event_id = eventId;
    b.changed(m);
  }
  await channelStage(b, personId, channelId, 'first_tested_at_ms', atMs);
  await activate(b, personId, channelId, atMs);
  if (!eventId) return;
  // Door check-ins write the same key from their own transactions: decided by the insert itself.
  const res = await b.trx
    .insertInto('event_attendance')
    .values({ event_id: eventId, person_id: personId, via: 'reading', recorded_by: null, at_ms: atMs })
    .onConflict((oc) => oc.columns(['event_id', 'person_id']).doNothing())
    .executeTakeFirst();
  if (Number(res.numInsertedOrUpdatedRows ?? 0n) > 0) await attended(b, eventId, personId, atMs);
  if (await firstTime(b.trx, `e:${eventId}`, 'tested', personId)) {
    const ch = await eventChannel(b, eventId, personId);
    b.counters.add('event_funnel', { event_id: eventId, channel_id: ch }, { tested: 1 });
  }
}
