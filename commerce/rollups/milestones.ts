// Per person milestones: when someone was first invited, attended, tested, activated and paid, their
// latest test (for purchase attribution) and whether a repeat purchase came within 30 and 90 days.
// Setting a milestone that is still unset tells the caller it was the first time.
import { dayOf } from './counters.ts';
import type { RollupBatch } from './rollup-batch.ts';

export type Milestone = 'first_invited_at_ms' | 'first_attended_at_ms' | 'first_tested_at_ms';

/** Sets the milestone when it is still unset; true when this was the first time. */
export async function reachFirst(
  b: RollupBatch,
  personId: string,
  milestone: Milestone | 'activated_at_ms',
  atMs: number,
): Promise<boolean> {
  const m = await b.milestones(personId);
  if (m[milestone] !== null) return false;
  m[milestone] = atMs;
  b.changed(m);
  return true;
}

const STAGE_COLUMN: Record<Milestone, 'invited' | 'attended' | 'tested'> = {
  first_invited_at_ms: 'invited',
  first_attended_at_ms: 'attended',
  first_tested_at_ms: 'tested',
};

/** Counts the person into their channel's day bucket the first time they reach a stage. */
export async function channelStage(
  b: RollupBatch,
  personId: string,
  channelId: string,
  milestone: Milestone,
  atMs: number,
): Promise<void> {
  if (await reachFirst(b, personId, milestone, atMs))
    b.counters.add(
      'channel_daily',
      { channel_id: channelId, day: dayOf(atMs) },
      { [STAGE_COLUMN[milestone]]: 1 },
    );
}

/** Activation (AARRR): the first test or the first paid order, whichever comes first. */
export async function activate(
  b: RollupBatch,
  personId: string,
  channelId: string,
  atMs: number,
): Promise<void> {
  if (await reachFirst(b, personId, 'activated_at_ms', atMs))
    b.counters.add('channel_daily', { channel_id: channelId, day: dayOf(atMs) }, { activated: 1 });
}
