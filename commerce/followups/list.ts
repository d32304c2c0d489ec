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

/**
 * Which part of a manager's scope a query reads: the records of their channels, or the records they own
 * in other channels. The two are disjoint, so their counts add up and their pages merge; each is one
 * index range (channel and stage; owner and stage), where one query with `channel in (…) or owner = …`
 * read both ranges and fetched every record of both (the owner's are mostly in their channels).
 */
type Part = 'all' | 'channels' | 'owned';

function partsOf(scope: ListScope): Part[] {
  if (!scope.channelIds) return ['all'];
  const parts: Part[] = [];
  if (scope.channelIds.length > 0) parts.push('channels');
  if (scope.ownerId) parts.push('owned');
  return parts;
}

/**
 * The filtered records of one part. Conditions on the person are EXISTS probes, not a join: the planner
 * then always starts from follow_ups (without planner statistics SQLite started a join from people and
 * sorted them all), and the person is only looked up for records that passed the cheaper checks.
 */
function base(
  db: Kysely<Database>,
  scope: ListScope,
  f: Omit<FollowUpFilter, 'limit' | 'offset'>,
  part: Part,
) {
  let q = db.selectFrom('follow_ups as f');
  /** The record's person (alias cp), for conditions on them. */
  const person = db
    .selectFrom('people as cp')
    .select('cp.id')
    .where('cp.id', '=', sql.ref<string>('f.person_id'));
  if (f.followUpId) q = q.where('f.id', '=', f.followUpId);
  const channels = [...(scope.channelIds ?? [])];
  if (part === 'channels') q = q.where('f.channel_id', 'in', channels);
  if (part === 'owned') {
    q = q.where('f.owner_id', '=', scope.ownerId ?? '');
    if (channels.length > 0) q = q.where('f.channel_id', 'not in', channels);
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
    if (scope.testFiltersConsentedOnly)
      q = q.where((eb) => eb.exists(person.where('cp.consent_health_data', '=', 1)));
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
      eb.exists(
        person.where((pb) =>
          pb.or([
            pb(sql`lower(cp.display_name)`, 'like', sql`${like} escape '\\'`),
            pb('cp.member_code', '=', s.toUpperCase()),
          ]),
        ),
      ),
    );
  }
  // One row per person: the record of the channel they belong to now. Last, so that it is probed only
  // for records that passed every other condition (SQLite tests EXISTS terms in the order written).
  if (!scope.includeMoved)
    q = q.where((eb) => eb.exists(person.where('cp.channel_id', '=', sql.ref<string>('f.channel_id'))));
  return q;
}

/** Sort columns that may be null (they sort last in either direction); the others are NOT NULL. */
const NULLABLE: ReadonlySet<FollowUpSort> = new Set(['nextDue', 'lastTest']);

type Base = ReturnType<typeof base>;

type Keyed = { id: string; k: string | number | null };

/** The page's ids with their sort key `k`: a column of the record, or one of its person or milestones. */
function keyed(q: Base, sort: FollowUpSort) {
  const ids = q.select('f.id');
  switch (sort) {
    case 'name':
      return ids
        .select((eb) =>
          eb
            .selectFrom('people as sp')
            .select('sp.display_name')
            .whereRef('sp.id', '=', 'f.person_id')
            .as('k'),
        )
        .$castTo<Keyed>();
    case 'lastTest':
      return ids
        .select((eb) =>
          eb
            .selectFrom('person_milestones as sm')
            .select('sm.last_test_at_ms')
            .whereRef('sm.person_id', '=', 'f.person_id')
            .as('k'),
        )
        .$castTo<Keyed>();
    default:
      return ids.select(`${SORT_COLUMN[sort]} as k`).$castTo<Keyed>();
  }
}

const SORT_COLUMN = {
  updated: 'f.updated_at_ms',
  stage: 'f.stage',
  nextDue: 'f.next_due_at_ms',
  created: 'f.created_at_ms',
} as const;

/** Every column a row shows, for the records of one page. */
async function details(db: Kysely<Database>, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('follow_ups as f')
    .innerJoin('people as p', 'p.id', 'f.person_id')
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
    .where('f.id', 'in', ids)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function listFollowUps(
  db: Kysely<Database>,
  scope: ListScope,
  f: FollowUpFilter,
): Promise<{ total: number; rows: FollowUpRow[] }> {
  const parts = partsOf(scope);
  if (parts.length === 0) return { total: 0, rows: [] };
  // The count and the page are independent reads: on PostgreSQL they run on two connections at once.
  const counting = Promise.all(
    parts.map((part) =>
      base(db, scope, f, part)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    ),
  );
  const sort = f.sort ?? 'updated';
  const order = f.order ?? (sort === 'name' || sort === 'nextDue' ? 'asc' : 'desc');
  // The page is picked from ids and sort keys alone (from indexes, mostly); only its rows are then
  // joined to their person, milestones, channel and owner (joining every candidate first cost a
  // manager's list three times as much). Nulls sort last in either direction, the same on both stores;
  // the id breaks ties in the same direction, so the default order (updated, newest first) is one walk
  // of the index on (updated_at_ms, id) (migration 0027) that stops at the page. A manager's two parts
  // are merged, then sorted.
  const [first, second] = parts as [Part, Part | undefined];
  const picked = second
    ? db
        .selectFrom(
          keyed(base(db, scope, f, first), sort)
            .unionAll(keyed(base(db, scope, f, second), sort))
            .as('u'),
        )
        .select(['u.id', 'u.k'])
        .$if(NULLABLE.has(sort), (qb) => qb.orderBy(sql`case when u.k is null then 1 else 0 end`))
        .orderBy('u.k', order)
        .orderBy('u.id', order)
        .limit(f.limit)
        .offset(f.offset)
        .execute()
    : keyed(base(db, scope, f, first), sort)
        .$if(NULLABLE.has(sort), (qb) => qb.orderBy(sql`case when k is null then 1 else 0 end`))
        .orderBy('k', order)
        .orderBy('f.id', order)
        .limit(f.limit)
        .offset(f.offset)
        .execute();
  const paging = picked.then((page) =>
    details(
      db,
      page.map((r) => r.id),
    ),
  );
  const [counts, rows] = await Promise.all([counting, paging]);
  const num = (v: number | string | null) => (v === null ? null : Number(v));
  return {
    total: counts.reduce((a, c) => a + Number(c.n), 0),
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
