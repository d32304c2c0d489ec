// The follow-up service: the list, one record with its timeline, and the changes people make (stage,
// owner, notes, tasks). Each change is checked against who asks (see access.ts), written with its history
// row and outbox event in one transaction. Stages facts prove move by themselves (consumer.ts).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { appendEvent } from '../outbox.ts';
import type { Actor } from '../people/person-model.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { assertCanSeeEvent, loadEvent } from '../venues/offline-events.ts';
import { accessibleFollowUp, assertWorker, canSee, type Viewer, viewerOf } from './access.ts';
import { type ChannelTurnout, eventTurnout } from './event-attendance.ts';
import { type FollowUpFilter, type FollowUpRow, listFollowUps } from './list.ts';
import type { Stage, TaskKind } from './stages.ts';
import { type Task, type TimelineParts, timelineOf, toTask } from './timeline.ts';
import type { MetricAggregate } from './trial-change.ts';
import { type ProductTrial, personTrials, type TrialAggregate, trialAggregates } from './trial-results.ts';

/** A channel manager sees a trial figure only when at least this many people make it up. */
export const MIN_PEOPLE_FOR_MANAGERS = 5;

/** Records one bulk assignment may change: a screenful, bounded so one request stays one short transaction. */
export const BULK_ASSIGN_MAX = 200;

export interface FollowUpDetail extends TimelineParts {
  followUp: FollowUpRow;
}

export interface NewTask {
  kind: TaskKind;
  dueAtMs: number;
  title?: string | undefined;
  /** Defaults to the record's owner, else the one who adds the task. */
  assigneeId?: string | undefined;
  /** This task is the next-contact date. */
  nextContact?: boolean | undefined;
}

export interface ExportRow extends FollowUpRow {
  /** Only for people who consented to the use of their health data (notes often record how a trial went). */
  notes: string | null;
}

export class FollowUps {
  readonly #store: Store;
  readonly #now: () => number;

  constructor(store: Store, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  get #db() {
    return this.#store.db;
  }

  async list(actor: Actor, filter: FollowUpFilter): Promise<{ total: number; rows: FollowUpRow[] }> {
    const viewer = await viewerOf(this.#db, actor);
    if (filter.turnout && !filter.eventId)
      throw new VitaliveError('VALIDATION_FAILED', { reason: 'turnout needs an eventId' });
    if (filter.channelId && viewer.channelIds && !viewer.channelIds.includes(filter.channelId))
      throw new VitaliveError('FORBIDDEN', { reason: `channel ${filter.channelId} is not yours` });
    const { total, rows } = await listFollowUps(
      this.#db,
      {
        channelIds: viewer.channelIds,
        ownerId: viewer.staff ? undefined : actor.personId,
        testFiltersConsentedOnly: !viewer.staff,
        nowMs: this.#now(),
      },
      filter,
    );
    return { total, rows: rows.map((r) => redact(viewer, r)) };
  }

  /** The filtered list as exported (the same rows `list` answers), notes only with consent. */
  async exportRows(
    actor: Actor,
    filter: FollowUpFilter,
    opts: { includeNotes: boolean },
  ): Promise<ExportRow[]> {
    const { rows } = await this.list(actor, filter);
    const notes = new Map<string, string[]>();
    const consenting = rows.filter((r) => r.healthDataConsent).map((r) => r.followUpId);
    if (opts.includeNotes && consenting.length > 0)
      for (let i = 0; i < consenting.length; i += 500) {
        const found = await this.#db
          .selectFrom('follow_up_notes')
          .select(['follow_up_id', 'body', 'at_ms'])
          .where('follow_up_id', 'in', consenting.slice(i, i + 500))
          .orderBy('id')
          .execute();
        for (const n of found)
          notes.set(n.follow_up_id, [
            ...(notes.get(n.follow_up_id) ?? []),
            `${new Date(Number(n.at_ms)).toISOString()} ${n.body}`,
          ]);
      }
    return rows.map((r) => ({
      ...r,
      notes: opts.includeNotes && r.healthDataConsent ? (notes.get(r.followUpId) ?? []).join('\n') : null,
    }));
  }

  async get(actor: Actor, followUpId: string): Promise<FollowUpDetail> {
    const viewer = await viewerOf(this.#db, actor);
    const f = await accessibleFollowUp(this.#db, viewer, followUpId);
    return this.#detail(viewer, f);
  }

  async #detail(viewer: Viewer, f: { id: string; person_id: string }): Promise<FollowUpDetail> {
    // Staff may open a record of a person who has since moved channel, so the row is read as is.
    const { rows } = await listFollowUps(
      this.#db,
      { channelIds: undefined, testFiltersConsentedOnly: false, nowMs: this.#now(), includeMoved: true },
      { followUpId: f.id, limit: 1, offset: 0 },
    );
    const row = rows[0];
    if (!row) throw new VitaliveError('NOT_FOUND', { what: 'follow-up' });
    return { followUp: redact(viewer, row), ...(await timelineOf(this.#db, viewer, f, this.#now())) };
  }

  async setStage(
    actor: Actor,
    followUpId: string,
    change: { stage: Stage; lostReason?: string | undefined },
  ): Promise<FollowUpDetail> {
    const reason = change.lostReason?.trim();
    if (change.stage === 'lost' && !reason) throw new VitaliveError('FOLLOW_UP_LOST_REASON_REQUIRED');
    const viewer = await viewerOf(this.#db, actor);
    const nowMs = this.#now();
    const f = await this.#store.transaction(async (trx) => {
      const f = await accessibleFollowUp(trx, viewer, followUpId);
      const lostReason = change.stage === 'lost' ? reason! : null;
      if (f.stage === change.stage && f.lost_reason === lostReason) return f;
      await trx
        .updateTable('follow_ups')
        .set({ stage: change.stage, lost_reason: lostReason, updated_at_ms: nowMs })
        .where('id', '=', f.id)
        .execute();
      await history(trx, f.id, 'stage', f.stage, change.stage, actor.personId, nowMs);
      await appendEvent(
        trx,
        {
          type: 'follow_up.stage_changed',
          aggregateId: f.id,
          payload: {
            followUpId: f.id,
            personId: f.person_id,
            channelId: f.channel_id,
            ownerId: f.owner_id,
            from: f.stage,
            to: change.stage,
            fact: null,
            by: actor.personId,
          },
        },
        nowMs,
      );
      return f;
    });
    return this.#detail(viewer, f);
  }

  /** Assigns an owner (or none) to several records at once: all of them, or none when one is not yours. */
  async assign(actor: Actor, followUpIds: readonly string[], ownerId: string | null): Promise<number> {
    const ids = [...new Set(followUpIds)];
    if (ids.length === 0) return 0;
    if (ids.length > BULK_ASSIGN_MAX)
      throw new VitaliveError('VALIDATION_FAILED', {
        reason: `at most ${BULK_ASSIGN_MAX} follow-ups at once`,
      });
    const viewer = await viewerOf(this.#db, actor);
    if (ownerId !== null) await assertWorker(this.#db, ownerId);
    const nowMs = this.#now();
    return this.#store.transaction(async (trx) => {
      const rows = await trx
        .selectFrom('follow_ups as f')
        .innerJoin('people as p', 'p.id', 'f.person_id')
        .selectAll('f')
        .select('p.channel_id as person_channel_id')
        .where('f.id', 'in', ids)
        .orderBy('f.id')
        .execute();
      if (rows.length !== ids.length || rows.some((r) => !canSee(viewer, r)))
        throw new VitaliveError('NOT_FOUND', { what: 'follow-up' });
      let changed = 0;
      for (const f of rows) {
        if (f.owner_id === ownerId) continue;
        await trx
          .updateTable('follow_ups')
          .set({ owner_id: ownerId, updated_at_ms: nowMs })
          .where('id', '=', f.id)
          .execute();
        await history(trx, f.id, 'owner', f.owner_id, ownerId, actor.personId, nowMs);
        await appendEvent(
          trx,
          {
            type: 'follow_up.owner_changed',
            aggregateId: f.id,
            payload: {
              followUpId: f.id,
              personId: f.person_id,
              channelId: f.channel_id,
              from: f.owner_id,
              to: ownerId,
              by: actor.personId,
            },
          },
          nowMs,
        );
        changed++;
      }
      return changed;
    });
  }

  /** Appends a note (notes are never edited or deleted). */
  async addNote(actor: Actor, followUpId: string, body: string): Promise<{ noteId: number; atMs: number }> {
    const text = body.trim();
    if (!text) throw new VitaliveError('VALIDATION_FAILED', { reason: 'a note needs some text' });
    const viewer = await viewerOf(this.#db, actor);
    const nowMs = this.#now();
    return this.#store.transaction(async (trx) => {
      const f = await accessibleFollowUp(trx, viewer, followUpId);
      const row = await trx
        .insertInto('follow_up_notes')
        .values({ follow_up_id: f.id, author_id: actor.personId, body: text, at_ms: nowMs })
        .returning('id')
        .executeTakeFirstOrThrow();
      await touch(trx, f.id, nowMs);
      await history(trx, f.id, 'note', null, String(row.id), actor.personId, nowMs);
      // The event names the note, never its text: stream audiences differ from the note's.
      await appendEvent(
        trx,
        {
          type: 'follow_up.note_added',
          aggregateId: f.id,
          payload: {
            followUpId: f.id,
            personId: f.person_id,
            channelId: f.channel_id,
            ownerId: f.owner_id,
            noteId: Number(row.id),
            by: actor.personId,
          },
        },
        nowMs,
      );
      return { noteId: Number(row.id), atMs: nowMs };
    });
  }

  async addTask(actor: Actor, followUpId: string, input: NewTask): Promise<Task> {
    const viewer = await viewerOf(this.#db, actor);
    if (input.assigneeId) await assertWorker(this.#db, input.assigneeId);
    const nowMs = this.#now();
    const id = randomUUID();
    return this.#store.transaction(async (trx) => {
      const f = await accessibleFollowUp(trx, viewer, followUpId);
      const row = {
        id,
        follow_up_id: f.id,
        kind: input.kind,
        title: input.title?.trim() || null,
        due_at_ms: input.dueAtMs,
        assignee_id: input.assigneeId ?? f.owner_id ?? actor.personId,
        next_contact: input.nextContact ? 1 : 0,
        done_at_ms: null,
        done_by: null,
        created_by: actor.personId,
        created_at_ms: nowMs,
        updated_at_ms: nowMs,
      };
      await trx.insertInto('follow_up_tasks').values(row).execute();
      await refreshDue(trx, f.id, nowMs);
      await history(trx, f.id, 'task', null, `${input.kind}:${id}`, actor.personId, nowMs);
      await appendEvent(
        trx,
        {
          type: 'follow_up.task_added',
          aggregateId: f.id,
          payload: {
            followUpId: f.id,
            personId: f.person_id,
            channelId: f.channel_id,
            ownerId: f.owner_id,
            taskId: id,
            kind: input.kind,
            dueAtMs: input.dueAtMs,
            assigneeId: row.assignee_id,
            nextContact: row.next_contact === 1,
            by: actor.personId,
          },
        },
        nowMs,
      );
      return toTask(row);
    });
  }

  /** Marks a task done or not done; the same state again changes nothing. */
  async setTaskDone(actor: Actor, followUpId: string, taskId: string, done: boolean): Promise<Task> {
    const viewer = await viewerOf(this.#db, actor);
    const nowMs = this.#now();
    return this.#store.transaction(async (trx) => {
      const f = await accessibleFollowUp(trx, viewer, followUpId);
      const task = await trx
        .selectFrom('follow_up_tasks')
        .selectAll()
        .where('id', '=', taskId)
        .where('follow_up_id', '=', f.id)
        .executeTakeFirst();
      if (!task) throw new VitaliveError('NOT_FOUND', { what: 'task' });
      if ((task.done_at_ms !== null) === done) return toTask(task);
      const set = done
        ? { done_at_ms: nowMs, done_by: actor.personId, updated_at_ms: nowMs }
        : { done_at_ms: null, done_by: null, updated_at_ms: nowMs };
      await trx.updateTable('follow_up_tasks').set(set).where('id', '=', task.id).execute();
      await refreshDue(trx, f.id, nowMs);
      await history(
        trx,
        f.id,
        'task',
        done ? 'open' : 'done',
        `${done ? 'done' : 'open'}:${task.id}`,
        actor.personId,
        nowMs,
      );
      await appendEvent(
        trx,
        {
          type: done ? 'follow_up.task_done' : 'follow_up.task_undone',
          aggregateId: f.id,
          payload: {
            followUpId: f.id,
            personId: f.person_id,
            channelId: f.channel_id,
            ownerId: f.owner_id,
            taskId: task.id,
            by: actor.personId,
          },
        },
        nowMs,
      );
      return toTask({ ...task, ...set });
    });
  }

  /**
   * Trial figures per product and channel over consenting buyers. Staff: every channel and group; a
   * channel manager: their channels only, and only figures five or more people make up.
   */
  async trialResults(actor: Actor, channelId?: string): Promise<TrialAggregate[]> {
    const viewer = await viewerOf(this.#db, actor);
    if (channelId && viewer.channelIds && !viewer.channelIds.includes(channelId))
      throw new VitaliveError('FORBIDDEN', { reason: `channel ${channelId} is not yours` });
    const channelIds = channelId ? [channelId] : viewer.channelIds;
    const min = viewer.staff ? 1 : MIN_PEOPLE_FOR_MANAGERS;
    const groups = await trialAggregates(this.#db, { channelIds, minPeople: min });
    return groups
      .map((g) => ({ ...g, metrics: g.metrics.filter((m: MetricAggregate) => m.people >= min) }))
      .filter((g) => g.metrics.length > 0);
  }

  /** A person's own trials, with values: always theirs to see. */
  myTrials(actor: Actor): Promise<ProductTrial[]> {
    return personTrials(this.#db, actor.personId);
  }

  /**
   * Per channel of an event, and per inviter within each: invited, came, did not come (yet); a manager
   * their own channels only.
   */
  async eventAttendance(actor: Actor, eventId: string): Promise<ChannelTurnout[]> {
    const viewer = await viewerOf(this.#db, actor);
    const event = await loadEvent(this.#db, eventId);
    // A manager reads an event their channels take part in (FORBIDDEN otherwise), and only their rows.
    await assertCanSeeEvent(this.#db, actor, event);
    return eventTurnout(this.#db, event, viewer.channelIds, this.#now());
  }
}

/** Without health-data consent, a channel manager does not learn when (or whether) someone took a test. */
function redact(viewer: Viewer, row: FollowUpRow): FollowUpRow {
  if (viewer.staff || row.healthDataConsent) return row;
  return { ...row, lastTestAtMs: null };
}

async function history(
  trx: Kysely<Database>,
  followUpId: string,
  kind: 'stage' | 'owner' | 'note' | 'task',
  from: string | null,
  to: string | null,
  actorId: string,
  atMs: number,
): Promise<void> {
  await trx
    .insertInto('follow_up_history')
    .values({
      follow_up_id: followUpId,
      kind,
      from_value: from,
      to_value: to,
      actor_id: actorId,
      source_type: null,
      source_id: null,
      at_ms: atMs,
    })
    .execute();
}

async function touch(trx: Kysely<Database>, followUpId: string, nowMs: number): Promise<void> {
  await trx.updateTable('follow_ups').set({ updated_at_ms: nowMs }).where('id', '=', followUpId).execute();
}

/** The list's "next due" column: the earliest open task's due time, or null. */
async function refreshDue(trx: Kysely<Database>, followUpId: string, nowMs: number): Promise<void> {
  const next = await trx
    .selectFrom('follow_up_tasks')
    .select((eb) => eb.fn.min<number>('due_at_ms').as('due'))
    .where('follow_up_id', '=', followUpId)
    .where('done_at_ms', 'is', null)
    .executeTakeFirst();
  await trx
    .updateTable('follow_ups')
    .set({
      next_due_at_ms: next?.due === null || next?.due === undefined ? null : Number(next.due),
      updated_at_ms: nowMs,
    })
    .where('id', '=', followUpId)
    .execute();
}
