// Writes to the follow-up tables inside the caller's transaction, each with its history row and its
// outbox event: creating a record, recording a milestone, and moving a stage because a fact proves it.
// Every write is keyed or conditional, so applying the same fact twice changes nothing the second time.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { appendEvent } from '../outbox.ts';
import type { Database } from '../schema.ts';
import { isStage, type MilestoneKind, type StageFact, stageAfterFact } from './stages.ts';

export interface HistoryRow {
  followUpId: string;
  kind: 'created' | 'stage' | 'owner' | 'milestone' | 'task' | 'note';
  from?: string | null;
  to?: string | null;
  actorId: string | null;
  sourceType?: string | null;
  sourceId?: string | null;
  atMs: number;
}

export async function writeHistory(trx: Kysely<Database>, h: HistoryRow): Promise<void> {
  await trx
    .insertInto('follow_up_history')
    .values({
      follow_up_id: h.followUpId,
      kind: h.kind,
      from_value: h.from ?? null,
      to_value: h.to ?? null,
      actor_id: h.actorId,
      source_type: h.sourceType ?? null,
      source_id: h.sourceId ?? null,
      at_ms: h.atMs,
    })
    .execute();
}

/**
 * The follow-up of (person, channel), created with stage `new` and the channel's manager as owner when
 * there is none yet. Returns its id and whether this call created it.
 */
export async function ensureFollowUp(
  trx: Kysely<Database>,
  personId: string,
  channelId: string,
  atMs: number,
  source: { type: string; id: string },
): Promise<{ id: string; created: boolean } | null> {
  const existing = await trx
    .selectFrom('follow_ups')
    .select('id')
    .where('person_id', '=', personId)
    .where('channel_id', '=', channelId)
    .executeTakeFirst();
  if (existing) return { id: existing.id, created: false };
  const channel = await trx
    .selectFrom('channels')
    .select('manager_id')
    .where('id', '=', channelId)
    .executeTakeFirst();
  if (!channel) return null;
  const id = randomUUID();
  const res = await trx
    .insertInto('follow_ups')
    .values({
      id,
      person_id: personId,
      channel_id: channelId,
      owner_id: channel.manager_id,
      stage: 'new',
      lost_reason: null,
      next_due_at_ms: null,
      created_at_ms: atMs,
      updated_at_ms: atMs,
    })
    .onConflict((oc) => oc.columns(['person_id', 'channel_id']).doNothing())
    .executeTakeFirst();
  if (Number(res.numInsertedOrUpdatedRows ?? 0n) === 0) {
    const row = await trx
      .selectFrom('follow_ups')
      .select('id')
      .where('person_id', '=', personId)
      .where('channel_id', '=', channelId)
      .executeTakeFirstOrThrow();
    return { id: row.id, created: false };
  }
  await writeHistory(trx, {
    followUpId: id,
    kind: 'created',
    to: 'new',
    actorId: null,
    sourceType: source.type,
    sourceId: source.id,
    atMs,
  });
  await appendEvent(
    trx,
    {
      type: 'follow_up.created',
      aggregateId: id,
      payload: { followUpId: id, personId, channelId, ownerId: channel.manager_id, stage: 'new' },
    },
    atMs,
  );
  return { id, created: true };
}

/** The follow-up of the person in the channel they belong to now (created if missing), or null without one. */
export async function ensureCurrent(
  trx: Kysely<Database>,
  personId: string,
  atMs: number,
  source: { type: string; id: string },
): Promise<void> {
  const person = await trx
    .selectFrom('people')
    .select('channel_id')
    .where('id', '=', personId)
    .executeTakeFirst();
  if (person?.channel_id) await ensureFollowUp(trx, personId, person.channel_id, atMs, source);
}

/** Follow-ups of a person in their current channel (normally one). */
export async function currentFollowUps(
  trx: Kysely<Database>,
  personId: string,
): Promise<Array<{ id: string; stage: string; channelId: string; ownerId: string | null }>> {
  const rows = await trx
    .selectFrom('follow_ups as f')
    .innerJoin('people as p', 'p.id', 'f.person_id')
    .select(['f.id', 'f.stage', 'f.channel_id', 'f.owner_id'])
    .where('f.person_id', '=', personId)
    .whereRef('f.channel_id', '=', 'p.channel_id')
    .execute();
  return rows.map((r) => ({ id: r.id, stage: r.stage, channelId: r.channel_id, ownerId: r.owner_id }));
}

export interface MilestoneFact {
  personId: string;
  kind: Exclude<MilestoneKind, 'no_show'>;
  refType: 'channel' | 'event' | 'reading' | 'order' | 'person' | 'consultation';
  refId: string;
  atMs: number;
  /** The outbox event that carries the fact. */
  eventId: number;
}

/** Records a milestone once per (person, kind, reference); true when this call recorded it. */
export async function recordMilestone(trx: Kysely<Database>, m: MilestoneFact): Promise<boolean> {
  // A channel that learns something about its person has a record to show it on.
  await ensureCurrent(trx, m.personId, m.atMs, { type: 'outbox', id: String(m.eventId) });
  const res = await trx
    .insertInto('follow_up_milestones')
    .values({
      person_id: m.personId,
      kind: m.kind,
      ref_id: m.refId,
      ref_type: m.refType,
      at_ms: m.atMs,
      event_id: m.eventId,
    })
    .onConflict((oc) => oc.columns(['person_id', 'kind', 'ref_id']).doNothing())
    .executeTakeFirst();
  if (Number(res.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
  const followUps = await currentFollowUps(trx, m.personId);
  // A person in no channel has no record to show the milestone on, and nobody to tell: it is kept for
  // the day a channel learns of them, without an event every consumer would read for nothing.
  if (followUps.length === 0) return true;
  for (const f of followUps)
    await writeHistory(trx, {
      followUpId: f.id,
      kind: 'milestone',
      to: m.kind,
      actorId: null,
      sourceType: m.refType,
      sourceId: m.refId,
      atMs: m.atMs,
    });
  await appendEvent(
    trx,
    {
      type: 'follow_up.milestone',
      aggregateId: m.personId,
      payload: {
        personId: m.personId,
        followUpIds: followUps.map((f) => f.id),
        channelIds: followUps.map((f) => f.channelId),
        ownerIds: followUps.map((f) => f.ownerId),
        kind: m.kind,
        refType: m.refType,
        refId: m.refId,
        atMs: m.atMs,
      },
    },
    m.atMs,
  );
  return true;
}

/**
 * Moves the person's current follow-ups along the fact's transition (see FACT_TRANSITIONS), with a
 * history row naming the fact. The update is conditional on the stage it was decided from.
 */
export async function applyStageFact(
  trx: Kysely<Database>,
  personId: string,
  fact: StageFact,
  source: { type: string; id: string },
  atMs: number,
): Promise<number> {
  let moved = 0;
  for (const f of await currentFollowUps(trx, personId)) {
    if (!isStage(f.stage)) continue;
    const to = stageAfterFact(f.stage, fact);
    if (!to || to === f.stage) continue;
    const res = await trx
      .updateTable('follow_ups')
      .set({ stage: to, lost_reason: null, updated_at_ms: atMs })
      .where('id', '=', f.id)
      .where('stage', '=', f.stage)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) continue;
    moved++;
    await writeHistory(trx, {
      followUpId: f.id,
      kind: 'stage',
      from: f.stage,
      to,
      actorId: null,
      sourceType: source.type,
      sourceId: source.id,
      atMs,
    });
    await appendEvent(
      trx,
      {
        type: 'follow_up.stage_changed',
        aggregateId: f.id,
        payload: {
          followUpId: f.id,
          personId,
          channelId: f.channelId,
          ownerId: f.ownerId,
          from: f.stage,
          to,
          fact,
          by: null,
          sourceType: source.type,
          sourceId: source.id,
        },
      },
      atMs,
    );
  }
  return moved;
}

/**
 * A task the system opens on the person's current follow-ups (e.g. an alert on a reading: "contact this
 * person"), assigned to each record's owner, with its history row and `follow_up.task_added`. The title
 * is what the owner reads: callers keep health data out of it.
 */
export async function addSystemTask(
  trx: Kysely<Database>,
  personId: string,
  task: { kind: 'alert' | 'call'; title: string; dueAtMs: number; source: { type: string; id: string } },
  atMs: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (const f of await currentFollowUps(trx, personId)) {
    const owner = await trx
      .selectFrom('follow_ups')
      .select('owner_id')
      .where('id', '=', f.id)
      .executeTakeFirstOrThrow();
    const id = randomUUID();
    await trx
      .insertInto('follow_up_tasks')
      .values({
        id,
        follow_up_id: f.id,
        kind: task.kind,
        title: task.title,
        due_at_ms: task.dueAtMs,
        assignee_id: owner.owner_id,
        next_contact: 0,
        done_at_ms: null,
        done_by: null,
        created_by: 'system',
        created_at_ms: atMs,
        updated_at_ms: atMs,
      })
      .execute();
    const next = await trx
      .selectFrom('follow_up_tasks')
      .select((eb) => eb.fn.min<number>('due_at_ms').as('due'))
      .where('follow_up_id', '=', f.id)
      .where('done_at_ms', 'is', null)
      .executeTakeFirst();
    await trx
      .updateTable('follow_ups')
      .set({ next_due_at_ms: next?.due == null ? null : Number(next.due), updated_at_ms: atMs })
      .where('id', '=', f.id)
      .execute();
    await writeHistory(trx, {
      followUpId: f.id,
      kind: 'task',
      to: `${task.kind}:${id}`,
      actorId: null,
      sourceType: task.source.type,
      sourceId: task.source.id,
      atMs,
    });
    await appendEvent(
      trx,
      {
        type: 'follow_up.task_added',
        aggregateId: f.id,
        payload: {
          followUpId: f.id,
          personId,
          channelId: f.channelId,
          taskId: id,
          kind: task.kind,
          dueAtMs: task.dueAtMs,
          assigneeId: owner.owner_id,
          nextContact: false,
          by: null,
        },
      },
      atMs,
    );
    ids.push(id);
  }
  return ids;
}
