// The follow-up list: one row per person in their current channel, filtered, sorted and paged in the
// database. Scope (which channels) is decided by the caller; health-derived columns (when someone last
// took a test) are blanked by the caller for viewers who may not see them.
import { type Kysely, sql } from 'kysely';
import { FOLLOW_UP_SORTS, type FollowUpSort } from '../../protocols/index.ts';
import type { Database } from '../schema.ts';
import type { Stage } from './stages.ts';

export const DAY_MS = 86_400_000;

/** The sort keys the list offers (the wire contract's list). */
export const SORTS = FOLLOW_UP_SORTS;
export type { FollowUpSort };

export interface FollowUpFilter {
  /** One record (for opening it). */
  followUpId?: string | undefined;
  eventId?: string | undefined;
  /** With eventId: invitees whose attendance was recorded (came), or was not (no_show). */
  turnout?: 'came' | 'no_show' | undefined;
  channelId?: string | undefined;
  stage?: Stage | undefined;
  /** A person id, or 'none' for records without an owner. */
  ownerId?: string | undefined;
  /** Last test at least / at most this many days ago (health-derived: consenting people only for managers). */
  minDaysSinceTest?: number | undefined;
  maxDaysSinceTest?: number | undefined;
  /** today: an open task due today (UTC day, shifted by tzOffsetMinutes); overdue: an open task due before now. */
  due?: 'today' | 'overdue' | undefined;
  tzOffsetMinutes?: number | undefined;
  /** Name (substring, case-insensitive) or member code (exact). */
  search?: string | undefined;
  sort?: FollowUpSort | undefined;
  order?: 'asc' | 'desc' | undefined;
  limit: number;
  offset: number;
}

export interface FollowUpRow {
  followUpId: string;
  personId: string;
  displayName: string;
  memberCode: string;
  kind: 'prospect' | 'member';
  channelId: string;
  channelName: string;
  ownerId: string | null;
  ownerName: string | null;
  stage: Stage;
  lostReason: string | null;
  nextDueAtMs: number | null;
  healthDataConsent: boolean;
  marketingConsent: boolean;
  invitedAtMs: number | null;
  attendedAtMs: number | null;
  lastTestAtMs: number | null;
  firstPaidAtMs: number | null;
  createdAtMs: number;
  updatedAtMs: number;
}

export interface ListScope {
  /** undefined: every channel. */
  channelIds: readonly string[] | undefined;
  /** Records this person owns are in scope too (an owner sees what they were given). */
  ownerId?: string | undefined;
  /** Filters on test dates only over consenting people (channel managers). */
  testFiltersConsentedOnly: boolean;
  nowMs: number;
  /** Also records of a channel the person has since left (staff opening an old record). */
  includeMoved?: boolean;
}

function base(db: Kysely<Database>, scope: ListScope, f: Omit<FollowUpFilter, 'limit' | 'offset'>) {
  let q = db.selectFrom('follow_ups as f').innerJoin('people as p', 'p.id', 'f.person_id');
  // One row per person: the record of the channel they belong to now.
  if (!scope.includeMoved) q = q.whereRef('p.channel_id', '=', 'f.channel_id');
  if (f.followUpId) q = q.where('f.id', '=', f.followUpId);
  if (scope.channelIds) {
    const channels = [...scope.channelIds];
    const owner = scope.ownerId;
    q = q.where((eb) => {
      const ors = [];
      if (channels.length > 0) ors.push(eb('f.channel_id', 'in', channels));
      if (owner) ors.push(eb('f.owner_id', '=', owner));
      return ors.length > 0 ? eb.or(ors) : eb.val(false);
    });
  }
  if (f.channelId) q = q.where('f.channel_id', '=', f.channelId);
  if (f.stage) q = q.where('f.stage', '=', f.stage);
  if (f.ownerId === 'none') q = q.where('f.owner_id', 'is', null);
  else if (f.ownerId) q = q.where('f.owner_id', '=', f.ownerId);
  if (f.eventId) {
    const eventId = f.eventId;
    const turnout = f.turnout;
    if (turnout)
      q = q.where((eb) => {
        const came = eb.exists(
          eb
            .selectFrom('event_attendance as a')
            .select('a.person_id')
            .whereRef('a.person_id', '=', 'f.person_id')
            .where('a.event_id', '=', eventId),
        );
        return turnout === 'came' ? came : eb.not(came);
      });
    // Measured at 100,000 records (SQLite, CPU per list): over every channel, starting from the event's
    // invitations (primary key) and reaching each record by (person, channel) is 2.6× cheaper than
    // probing each record for an invitation; within a manager's channels the probe is cheaper (their
    // records by channel and stage are fewer than the event's invitations).
    q = scope.channelIds
      ? q.where((eb) =>
          eb.exists(
            eb
              .selectFrom('event_invitees as i')
              .select('i.person_id')
              .whereRef('i.person_id', '=', 'f.person_id')
              .where('i.event_id', '=', eventId),
          ),
        )
      : q.where('f.person_id', 'in', (eb) =>
          eb.selectFrom('event_invitees as i').select('i.person_id').where('i.event_id', '=', eventId),
        );
  }
  if (f.minDaysSinceTest !== undefined || f.maxDaysSinceTest !== undefined) {
    if (scope.testFiltersConsentedOnly) q = q.where('p.consent_health_data', '=', 1);
    const { minDaysSinceTest: min, maxDaysSinceTest: max } = f;
    q = q.where('f.person_id', 'in', (eb) => {
      let t = eb.selectFrom('person_milestones as t').select('t.person_id');
      if (min !== undefined) t = t.where('t.last_test_at_ms', '<=', scope.nowMs - min * DAY_MS);
      if (max !== undefined) t = t.where('t.last_test_at_ms', '>=', scope.nowMs - max * DAY_MS);
      return t;
    });
  }
  if (f.due === 'overdue') q = q.where('f.next_due_at_ms', '<', scope.nowMs);
  if (f.due === 'today') {
    const shift = (f.tzOffsetMinutes ?? 0) * 60_000;
    const start = Math.floor((scope.nowMs + shift) / DAY_MS) * DAY_MS - shift;
    q = q.where('f.next_due_at_ms', '>=', start).where('f.next_due_at_ms', '<', start + DAY_MS);
  }
  const s = f.search?.trim();
  if (s) {
    const like = `%${s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb(sql`lower(p.display_name)`, 'like', sql`${like} escape '\\'`),
        eb('p.member_code', '=', s.toUpperCase()),
      ]),
    );
  }
  return q;
}

const SORT_COLUMN = {
  updated: 'f.updated_at_ms',
  name: 'p.display_name',
  stage: 'f.stage',
  nextDue: 'f.next_due_at_ms',
  lastTest: 'm.last_test_at_ms',
  created: 'f.created_at_ms',
} as const;

/** Sort columns that may be null (they sort last in either direction); the others are NOT NULL. */
const NULLABLE: ReadonlySet<FollowUpSort> = new Set(['nextDue', 'lastTest']);

export async function listFollowUps(
  db: Kysely<Database>,
  scope: ListScope,
  f: FollowUpFilter,
): Promise<{ total: number; rows: FollowUpRow[] }> {
  if (scope.channelIds?.length === 0 && !scope.ownerId) return { total: 0, rows: [] };
  // The count and the page are independent reads: on PostgreSQL they run on two connections at once.
  const counting = base(db, scope, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const sort = f.sort ?? 'updated';
  const column = SORT_COLUMN[sort];
  const order = f.order ?? (sort === 'name' || sort === 'nextDue' ? 'asc' : 'desc');
  const paging = base(db, scope, f)
    .leftJoin('person_milestones as m', 'm.person_id', 'f.person_id')
    .innerJoin('channels as c', 'c.id', 'f.channel_id')
    .leftJoin('people as o', 'o.id', 'f.owner_id')
    .select([
      'f.id',
      'f.person_id',
      'p.display_name',
      'p.member_code',
      'p.kind',
      'f.channel_id',
      'c.name as channel_name',
      'f.owner_id',
      'o.display_name as owner_name',
      'f.stage',
      'f.lost_reason',
      'f.next_due_at_ms',
      'p.consent_health_data',
      'p.consent_marketing',
      'm.first_invited_at_ms',
      'm.first_attended_at_ms',
      'm.last_test_at_ms',
      'm.first_paid_at_ms',
      'f.created_at_ms',
      'f.updated_at_ms',
    ])
    // Nulls last in either direction, the same on both stores; the id breaks ties in the same direction,
    // so the default order (updated, newest first) is one walk of the index on (updated_at_ms, id)
    // (migration 0027) that stops at the page instead of sorting every record in scope.
    .$if(NULLABLE.has(sort), (qb) => qb.orderBy(sql`case when ${sql.ref(column)} is null then 1 else 0 end`))
    .orderBy(sql.ref(column), order)
    .orderBy('f.id', order)
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  const [counted, rows] = await Promise.all([counting, paging]);
  const num = (v: number | string | null) => (v === null ? null : Number(v));
  return {
    total: Number(counted.n),
    rows: rows.map((r) => ({
      followUpId: r.id,
      personId: r.person_id,
      displayName: r.display_name,
      memberCode: r.member_code,
      kind: r.kind,
      channelId: r.channel_id,
      channelName: r.channel_name,
      ownerId: r.owner_id,
      ownerName: r.owner_name,
      stage: r.stage as Stage,
      lostReason: r.lost_reason,
      nextDueAtMs: num(r.next_due_at_ms),
      healthDataConsent: Number(r.consent_health_data) === 1,
      marketingConsent: Number(r.consent_marketing) === 1,
      invitedAtMs: num(r.first_invited_at_ms),
      attendedAtMs: num(r.first_attended_at_ms),
      lastTestAtMs: num(r.last_test_at_ms),
      firstPaidAtMs: num(r.first_paid_at_ms),
      createdAtMs: Number(r.created_at_ms),
      updatedAtMs: Number(r.updated_at_ms),
    })),
  };
}
