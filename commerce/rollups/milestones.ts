// Per person milestones: when someone was first invited, attended, tested, activated and paid, their
// latest test (for purchase attribution) and whether a repeat purchase came within 30 and 90 days.
// A conditional update ("set when still null") tells the caller it was the first time.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { addTo, dayOf } from './counters.ts';

export type Milestone = 'first_invited_at_ms' | 'first_attended_at_ms' | 'first_tested_at_ms';

export async function ensureMilestones(trx: Kysely<Database>, personId: string): Promise<void> {
  await trx
    .insertInto('person_milestones')
    .values({ person_id: personId })
    .onConflict((oc) => oc.column('person_id').doNothing())
    .execute();
}

/** Sets the milestone when it is still unset; true when this was the first time. */
export async function reachFirst(
  trx: Kysely<Database>,
  personId: string,
  milestone: Milestone | 'activated_at_ms',
  atMs: number,
): Promise<boolean> {
  await ensureMilestones(trx, personId);
  const res = await trx
    .updateTable('person_milestones')
    .set({ [milestone]: atMs })
    .where('person_id', '=', personId)
    .where(milestone, 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

const STAGE_COLUMN: Record<Milestone, 'invited' | 'attended' | 'tested'> = {
  first_invited_at_ms: 'invited',
  first_attended_at_ms: 'attended',
  first_tested_at_ms: 'tested',
};

/** Counts the person into their channel's day bucket the first time they reach a stage. */
export async function channelStage(
  trx: Kysely<Database>,
  personId: string,
  channelId: string,
  milestone: Milestone,
  atMs: number,
): Promise<void> {
  if (await reachFirst(trx, personId, milestone, atMs))
    await addTo(
      trx,
      'channel_daily',
      { channel_id: channelId, day: dayOf(atMs) },
      { [STAGE_COLUMN[milestone]]: 1 },
    );
}

/** Activation (AARRR): the first test or the first paid order, whichever comes first. */
export async function activate(
  trx: Kysely<Database>,
  personId: string,
  channelId: string,
  atMs: number,
): Promise<void> {
  if (await reachFirst(trx, personId, 'activated_at_ms', atMs))
    await addTo(trx, 'channel_daily', { channel_id: channelId, day: dayOf(atMs) }, { activated: 1 });
}

/** The person's channel ('' for none) and referrer, as the people record says now. */
export async function personInfo(
  trx: Kysely<Database>,
  personId: string,
): Promise<{ channelId: string; referredBy: string | null }> {
  const row = await trx
    .selectFrom('people')
    .select(['channel_id', 'referred_by'])
    .where('id', '=', personId)
    .executeTakeFirst();
  return { channelId: row?.channel_id ?? '', referredBy: row?.referred_by ?? null };
}
