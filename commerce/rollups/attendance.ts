// Offline-event stages as they arrive: invitations, check-ins and device tests. A reading that carries
// a person's member code and a known event id counts as attendance (same key as a door check-in) and
// as a test at that event; every test also becomes the person's latest test for purchase attribution.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { addTo, dayOf, firstTime } from './counters.ts';
import { activate, channelStage, ensureMilestones, personInfo } from './milestones.ts';

/** The channel an event stage counts for: the one that registered the person, else the person's own. */
async function eventChannel(trx: Kysely<Database>, eventId: string, personId: string): Promise<string> {
  const invitee = await trx
    .selectFrom('event_invitees')
    .select('channel_id')
    .where('event_id', '=', eventId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return invitee?.channel_id ?? (await personInfo(trx, personId)).channelId;
}

export async function channelInvited(
  trx: Kysely<Database>,
  personId: string,
  channelId: string,
  atMs: number,
): Promise<void> {
  await channelStage(trx, personId, channelId, 'first_invited_at_ms', atMs);
}

export async function eventInvited(
  trx: Kysely<Database>,
  eventId: string,
  personId: string,
  channelId: string,
  atMs: number,
): Promise<void> {
  await addTo(trx, 'event_funnel', { event_id: eventId, channel_id: channelId }, { invited: 1 });
  await channelInvited(trx, personId, channelId, atMs);
}

/** Counts a first attendance (the caller decided it is the first by the attendance key). */
export async function attended(
  trx: Kysely<Database>,
  eventId: string,
  personId: string,
  atMs: number,
): Promise<void> {
  const channelId = await eventChannel(trx, eventId, personId);
  await addTo(trx, 'event_funnel', { event_id: eventId, channel_id: channelId }, { attended: 1 });
  await channelStage(
    trx,
    personId,
    (await personInfo(trx, personId)).channelId,
    'first_attended_at_ms',
    atMs,
  );
}

export interface TestEvent {
  readingId: number;
  personId: string;
  eventId: string | null;
  measuredAtMs: number;
}

export async function tested(trx: Kysely<Database>, t: TestEvent): Promise<void> {
  const { personId, measuredAtMs: atMs } = t;
  const { channelId } = await personInfo(trx, personId);
  const event = t.eventId
    ? await trx.selectFrom('offline_events').select('id').where('id', '=', t.eventId).executeTakeFirst()
    : undefined;
  const eventId = event?.id ?? null;
  await ensureMilestones(trx, personId);
  // Latest test wins (readings can arrive late from a venue edge).
  await trx
    .updateTable('person_milestones')
    .set({ last_test_at_ms: atMs, last_test_reading_id: t.readingId, last_test_event_id: eventId })
    .where('person_id', '=', personId)
    .where((eb) => eb.or([eb('last_test_at_ms', 'is', null), eb('last_test_at_ms', '<=', atMs)]))
    .execute();
  await channelStage(trx, personId, channelId, 'first_tested_at_ms', atMs);
  await activate(trx, personId, channelId, atMs);
  if (!eventId) return;
  const res = await trx
    .insertInto('event_attendance')
    .values({ event_id: eventId, person_id: personId, via: 'reading', recorded_by: null, at_ms: atMs })
    .onConflict((oc) => oc.columns(['event_id', 'person_id']).doNothing())
    .executeTakeFirst();
  if (Number(res.numInsertedOrUpdatedRows ?? 0n) > 0) await attended(trx, eventId, personId, atMs);
  if (await firstTime(trx, `e:${eventId}`, 'tested', personId)) {
    const ch = await eventChannel(trx, eventId, personId);
    await addTo(trx, 'event_funnel', { event_id: eventId, channel_id: ch }, { tested: 1 });
  }
}

export { dayOf };
