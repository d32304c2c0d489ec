// One follow-up opened: the record, the milestones the system knows (with no-shows derived from event
// invitations nobody checked in to), notes, tasks, history, and the person's trials as the health-data
// rule allows: values for staff when the person consented (audit-logged), the direction only for a
// channel manager when the person consented, nothing otherwise.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { Viewer } from './access.ts';
import type { MilestoneKind } from './stages.ts';
import type { Direction } from './trial-change.ts';
import { personTrials } from './trial-results.ts';

/** An event's check-ins arrive during the event day: an invitee is a no-show once this has passed. */
export const NO_SHOW_AFTER_MS = 12 * 3_600_000;

export interface Milestone {
  kind: MilestoneKind;
  /** What the milestone points at, to link to its source: channel, event, reading, order or person. */
  refType: string;
  refId: string;
  atMs: number;
}

export interface EventAttendance {
  eventId: string;
  title: string;
  startsAtMs: number;
  channelId: string;
  invitedAtMs: number;
  attendedAtMs: number | null;
  noShow: boolean;
}

export interface Note {
  noteId: number;
  authorId: string;
  authorName: string | null;
  body: string;
  atMs: number;
}

export interface Task {
  taskId: string;
  kind: string;
  title: string | null;
  dueAtMs: number;
  assigneeId: string | null;
  nextContact: boolean;
  doneAtMs: number | null;
  doneBy: string | null;
  createdBy: string;
  createdAtMs: number;
}

export interface HistoryEntry {
  kind: string;
  from: string | null;
  to: string | null;
  actorId: string | null;
  sourceType: string | null;
  sourceId: string | null;
  atMs: number;
}

export interface TrialView {
  productId: string;
  productTitle: string;
  orderId: string;
  purchasedAtMs: number;
  changes: Array<{
    metric: string;
    direction: Direction;
    /** Staff only (with consent): the values and their change. */
    before?: number;
    after?: number;
    change?: number;
    beforeAtMs?: number;
    afterAtMs?: number;
  }>;
}

export interface TimelineParts {
  milestones: Milestone[];
  events: EventAttendance[];
  notes: Note[];
  tasks: Task[];
  history: HistoryEntry[];
  /** values: staff, person consented; direction: channel manager, person consented; none otherwise. */
  healthData: 'values' | 'direction' | 'none';
  trials: TrialView[];
}

export async function timelineOf(
  db: Kysely<Database>,
  viewer: Viewer,
  f: { id: string; person_id: string },
  nowMs: number,
): Promise<TimelineParts> {
  const person = await db
    .selectFrom('people')
    .select('consent_health_data')
    .where('id', '=', f.person_id)
    .executeTakeFirstOrThrow();
  const consent = Number(person.consent_health_data) === 1;
  const healthData = consent ? (viewer.staff ? 'values' : 'direction') : 'none';

  const milestoneRows = await db
    .selectFrom('follow_up_milestones')
    .select(['kind', 'ref_type', 'ref_id', 'at_ms'])
    .where('person_id', '=', f.person_id)
    .orderBy('at_ms')
    .orderBy('kind')
    .execute();
  // That someone took a device test, and when, derives from their readings: staff see it as they see
  // the rest of the record; a channel manager only with consent.
  const milestones: Milestone[] = milestoneRows
    .filter((m) => m.kind !== 'tested' || viewer.staff || consent)
    .map((m) => ({
      kind: m.kind as MilestoneKind,
      refType: m.ref_type,
      refId: m.ref_id,
      atMs: Number(m.at_ms),
    }));

  const eventRows = await db
    .selectFrom('event_invitees as i')
    .innerJoin('offline_events as e', 'e.id', 'i.event_id')
    .leftJoin('event_attendance as a', (j) =>
      j.onRef('a.event_id', '=', 'i.event_id').onRef('a.person_id', '=', 'i.person_id'),
    )
    .select(['i.event_id', 'e.title', 'e.starts_at_ms', 'i.channel_id', 'i.invited_at_ms', 'a.at_ms'])
    .where('i.person_id', '=', f.person_id)
    .orderBy('e.starts_at_ms')
    .execute();
  const events = eventRows.map((r) => {
    const attendedAtMs = r.at_ms === null ? null : Number(r.at_ms);
    return {
      eventId: r.event_id,
      title: r.title,
      startsAtMs: Number(r.starts_at_ms),
      channelId: r.channel_id,
      invitedAtMs: Number(r.invited_at_ms),
      attendedAtMs,
      noShow: attendedAtMs === null && Number(r.starts_at_ms) + NO_SHOW_AFTER_MS <= nowMs,
    };
  });
  for (const e of events)
    if (e.noShow)
      milestones.push({ kind: 'no_show', refType: 'event', refId: e.eventId, atMs: e.startsAtMs });
  milestones.sort((a, b) => a.atMs - b.atMs);

  const notes = (
    await db
      .selectFrom('follow_up_notes as n')
      .leftJoin('people as a', 'a.id', 'n.author_id')
      .select(['n.id', 'n.author_id', 'a.display_name', 'n.body', 'n.at_ms'])
      .where('n.follow_up_id', '=', f.id)
      .orderBy('n.id')
      .execute()
  ).map((n) => ({
    noteId: Number(n.id),
    authorId: n.author_id,
    authorName: n.display_name,
    body: n.body,
    atMs: Number(n.at_ms),
  }));

  const tasks = (
    await db
      .selectFrom('follow_up_tasks')
      .selectAll()
      .where('follow_up_id', '=', f.id)
      .orderBy('due_at_ms')
      .orderBy('id')
      .execute()
  ).map(toTask);

  const history = (
    await db
      .selectFrom('follow_up_history')
      .selectAll()
      .where('follow_up_id', '=', f.id)
      .orderBy('id')
      .execute()
  )
    .filter((h) => h.kind !== 'milestone' || h.to_value !== 'tested' || viewer.staff || consent)
    .map((h) => ({
      kind: h.kind,
      from: h.from_value,
      to: h.to_value,
      actorId: h.actor_id,
      sourceType: h.source_type,
      sourceId: h.source_id,
      atMs: Number(h.at_ms),
    }));

  let trials: TrialView[] = [];
  if (healthData !== 'none') {
    const raw = await personTrials(db, f.person_id);
    trials = raw.map((t) => ({
      ...t,
      changes: t.changes.map((c) =>
        healthData === 'values'
          ? {
              metric: c.metric,
              direction: c.direction,
              before: c.before,
              after: c.after,
              change: c.change,
              beforeAtMs: c.beforeAtMs,
              afterAtMs: c.afterAtMs,
            }
          : { metric: c.metric, direction: c.direction },
      ),
    }));
    // Every staff read of values derived from raw readings is audit-logged, like the readings themselves.
    if (healthData === 'values' && trials.some((t) => t.changes.length > 0))
      await db
        .insertInto('readings_access_log')
        .values({
          actor_id: viewer.actor.personId,
          person_id: f.person_id,
          action: 'read_trial',
          at_ms: nowMs,
        })
        .execute();
  }
  return { milestones, events, notes, tasks, history, healthData, trials };
}

export function toTask(t: {
  id: string;
  kind: string;
  title: string | null;
  due_at_ms: number | string;
  assignee_id: string | null;
  next_contact: number | string;
  done_at_ms: number | string | null;
  done_by: string | null;
  created_by: string;
  created_at_ms: number | string;
}): Task {
  return {
    taskId: t.id,
    kind: t.kind,
    title: t.title,
    dueAtMs: Number(t.due_at_ms),
    assigneeId: t.assignee_id,
    nextContact: Number(t.next_contact) === 1,
    doneAtMs: t.done_at_ms === null ? null : Number(t.done_at_ms),
    doneBy: t.done_by,
    createdBy: t.created_by,
    createdAtMs: Number(t.created_at_ms),
  };
}
