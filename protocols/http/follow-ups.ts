// Follow-ups (跟进) on the wire: /api/follow-ups (the list as JSON, or CSV with FOLLOW_UP_EXPORT_COLUMNS
// as its header), one record with its timeline, stage, owner, notes, tasks and trial results, and an
// event's attendance per channel. Replies list every field they may carry, so nothing else (a column
// added later) leaks out. The stage, task-kind and sort lists are the domain's too: commerce reads them
// from here.
import { type Static, Type } from 'typebox';
import { EpochMs, Id, Nullable } from './common.ts';

export const FOLLOW_UP_STAGES = [
  'new',
  'contacted',
  'booked',
  'consulted',
  'bought',
  'nurture',
  'lost',
] as const;
export type FollowUpStage = (typeof FOLLOW_UP_STAGES)[number];
export const FollowUpStageSchema = Type.Union(FOLLOW_UP_STAGES.map((s) => Type.Literal(s)));

export const FOLLOW_UP_TASK_KINDS = ['call', 'message', 'visit', 'alert'] as const;
export type FollowUpTaskKind = (typeof FOLLOW_UP_TASK_KINDS)[number];
export const FollowUpTaskKindSchema = Type.Union(FOLLOW_UP_TASK_KINDS.map((k) => Type.Literal(k)));

export const FOLLOW_UP_SORTS = ['updated', 'name', 'stage', 'nextDue', 'lastTest', 'created'] as const;
export type FollowUpSort = (typeof FOLLOW_UP_SORTS)[number];

/** Rows a CSV export may hold: a whole channel's list, bounded so one export stays one bounded query. */
export const FOLLOW_UP_EXPORT_MAX = 10_000;

const Int = Type.Integer();
const NullableInt = Nullable(Int);
const Str = Type.String();
/**
 * A stage in a reply: typed as the union, serialised as a plain string (the server only ever writes one
 * of FOLLOW_UP_STAGES; a union of literals would make the serialiser test every row of a 10,000-row page).
 */
const StageOut = Type.Unsafe<FollowUpStage>(Type.String({ description: FOLLOW_UP_STAGES.join(' | ') }));

export const FollowUpListQuery = Type.Object(
  {
    eventId: Type.Optional(Id),
    /** With eventId: only the invitees whose attendance was recorded (came) or was not (no_show). */
    turnout: Type.Optional(Type.Union([Type.Literal('came'), Type.Literal('no_show')])),
    channelId: Type.Optional(Id),
    stage: Type.Optional(FollowUpStageSchema),
    ownerId: Type.Optional(Type.Union([Id, Type.Literal('none')])),
    minDaysSinceTest: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 })),
    maxDaysSinceTest: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 })),
    due: Type.Optional(Type.Union([Type.Literal('today'), Type.Literal('overdue')])),
    tzOffsetMinutes: Type.Optional(Type.Integer({ minimum: -840, maximum: 840 })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    sort: Type.Optional(Type.Union(FOLLOW_UP_SORTS.map((s) => Type.Literal(s)))),
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: FOLLOW_UP_EXPORT_MAX })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    /** csv and xlsx export the same rows and columns (FOLLOW_UP_EXPORT_COLUMNS). */
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('xlsx')])),
    /** CSV and XLSX only: add each person's notes, for people who consented to the use of their health data. */
    includeNotes: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type FollowUpListQuery = Static<typeof FollowUpListQuery>;

export const FollowUpRowSchema = Type.Object({
  followUpId: Str,
  personId: Str,
  displayName: Str,
  memberCode: Str,
  kind: Str,
  channelId: Str,
  channelName: Str,
  ownerId: Nullable(Str),
  ownerName: Nullable(Str),
  stage: StageOut,
  lostReason: Nullable(Str),
  nextDueAtMs: NullableInt,
  healthDataConsent: Type.Boolean(),
  marketingConsent: Type.Boolean(),
  invitedAtMs: NullableInt,
  attendedAtMs: NullableInt,
  lastTestAtMs: NullableInt,
  firstPaidAtMs: NullableInt,
  createdAtMs: Int,
  updatedAtMs: Int,
});
export type FollowUpRow = Static<typeof FollowUpRowSchema>;

export const FollowUpListSchema = Type.Object({ total: Int, rows: Type.Array(FollowUpRowSchema) });
export type FollowUpList = Static<typeof FollowUpListSchema>;

/** The CSV's columns, in order: the list's row, then the notes column (empty without consent). */
export const FOLLOW_UP_EXPORT_COLUMNS = [
  'followUpId',
  'personId',
  'displayName',
  'memberCode',
  'channelName',
  'ownerName',
  'stage',
  'lostReason',
  'nextDueAtMs',
  'invitedAtMs',
  'attendedAtMs',
  'lastTestAtMs',
  'firstPaidAtMs',
  'updatedAtMs',
  'notes',
] as const;

export const FollowUpTaskSchema = Type.Object({
  taskId: Str,
  /** One of FOLLOW_UP_TASK_KINDS. */
  kind: Str,
  title: Nullable(Str),
  dueAtMs: Int,
  assigneeId: Nullable(Str),
  nextContact: Type.Boolean(),
  doneAtMs: NullableInt,
  doneBy: Nullable(Str),
  createdBy: Str,
  createdAtMs: Int,
});
export type FollowUpTask = Static<typeof FollowUpTaskSchema>;

const TrialChangeSchema = Type.Object({
  metric: Str,
  direction: Str,
  before: Type.Optional(Type.Number()),
  after: Type.Optional(Type.Number()),
  change: Type.Optional(Type.Number()),
  beforeAtMs: Type.Optional(Int),
  afterAtMs: Type.Optional(Int),
});

/** How one product's trial went for one person: each metric's change from before to after. */
export const TrialSchema = Type.Object({
  productId: Str,
  productTitle: Str,
  orderId: Str,
  purchasedAtMs: Int,
  changes: Type.Array(TrialChangeSchema),
});
export type TrialView = Static<typeof TrialSchema>;

export const FollowUpDetailSchema = Type.Object({
  followUp: FollowUpRowSchema,
  milestones: Type.Array(Type.Object({ kind: Str, refType: Str, refId: Str, atMs: Int })),
  events: Type.Array(
    Type.Object({
      eventId: Str,
      title: Str,
      startsAtMs: Int,
      channelId: Str,
      invitedAtMs: Int,
      attendedAtMs: NullableInt,
      noShow: Type.Boolean(),
    }),
  ),
  notes: Type.Array(
    Type.Object({ noteId: Int, authorId: Str, authorName: Nullable(Str), body: Str, atMs: Int }),
  ),
  tasks: Type.Array(FollowUpTaskSchema),
  history: Type.Array(
    Type.Object({
      kind: Str,
      from: Nullable(Str),
      to: Nullable(Str),
      actorId: Nullable(Str),
      sourceType: Nullable(Str),
      sourceId: Nullable(Str),
      atMs: Int,
    }),
  ),
  healthData: Type.Union([Type.Literal('values'), Type.Literal('direction'), Type.Literal('none')]),
  trials: Type.Array(TrialSchema),
});
export type FollowUpDetail = Static<typeof FollowUpDetailSchema>;

export const FollowUpStageBody = Type.Object(
  { stage: FollowUpStageSchema, lostReason: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
);
export type FollowUpStageBody = Static<typeof FollowUpStageBody>;

export const FollowUpAssignBody = Type.Object(
  {
    followUpIds: Type.Array(Id, { minItems: 1, maxItems: 200 }),
    ownerId: Nullable(Id),
  },
  { additionalProperties: false },
);
export type FollowUpAssignBody = Static<typeof FollowUpAssignBody>;

export const FollowUpNoteBody = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' }) },
  { additionalProperties: false },
);
export type FollowUpNoteBody = Static<typeof FollowUpNoteBody>;

export const FollowUpTaskBody = Type.Object(
  {
    kind: FollowUpTaskKindSchema,
    dueAtMs: EpochMs,
    title: Type.Optional(Type.String({ maxLength: 200 })),
    assigneeId: Type.Optional(Id),
    nextContact: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type FollowUpTaskBody = Static<typeof FollowUpTaskBody>;

export const FollowUpTaskDoneBody = Type.Object({ done: Type.Boolean() }, { additionalProperties: false });
export type FollowUpTaskDoneBody = Static<typeof FollowUpTaskDoneBody>;

export const FollowUpTaskParams = Type.Object({ id: Id, taskId: Id }, { additionalProperties: false });
export type FollowUpTaskParams = Static<typeof FollowUpTaskParams>;

/** A product's trial results across a channel's people: per metric, the median change and who moved. */
export const TrialAggregateSchema = Type.Object({
  productId: Str,
  productTitle: Str,
  channelId: Str,
  people: Int,
  metrics: Type.Array(
    Type.Object({ metric: Str, people: Int, medianChange: Type.Number(), towardsRangeShare: Type.Number() }),
  ),
});
export type TrialAggregateView = Static<typeof TrialAggregateSchema>;

const Turnout = { invited: Int, attended: Int, noShow: Int };
export const EventAttendanceSchema = Type.Array(
  Type.Object({
    channelId: Str,
    channelName: Nullable(Str),
    ...Turnout,
    /** Who registered the invitations of this channel (managers: their own channels only). */
    inviters: Type.Array(Type.Object({ personId: Str, displayName: Nullable(Str), ...Turnout })),
  }),
);
export type EventAttendance = Static<typeof EventAttendanceSchema>;
