// Request and response shapes of the follow-up, trial and payout-run routes. Responses list every field
// they may carry, so nothing else (e.g. a column added later) leaks out.
import { Type } from '@fastify/type-provider-typebox';
import { FOLLOW_UP_SORTS, FOLLOW_UP_STAGES, FOLLOW_UP_TASK_KINDS } from '../../commerce/index.ts';
import { EpochMs, Id } from '../../protocols/index.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Int = Type.Integer();
const NullableInt = Nullable(Int);
const Str = Type.String();

export const Stage = Type.Union(FOLLOW_UP_STAGES.map((s) => Type.Literal(s)));
export const TaskKind = Type.Union(FOLLOW_UP_TASK_KINDS.map((k) => Type.Literal(k)));

/** Rows a CSV export may hold: a whole channel's list, bounded so one export stays one bounded query. */
export const EXPORT_MAX = 10_000;

export const FollowUpListQuery = Type.Object(
  {
    eventId: Type.Optional(Id),
    channelId: Type.Optional(Id),
    stage: Type.Optional(Stage),
    ownerId: Type.Optional(Type.Union([Id, Type.Literal('none')])),
    minDaysSinceTest: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 })),
    maxDaysSinceTest: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 })),
    due: Type.Optional(Type.Union([Type.Literal('today'), Type.Literal('overdue')])),
    tzOffsetMinutes: Type.Optional(Type.Integer({ minimum: -840, maximum: 840 })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    sort: Type.Optional(Type.Union(FOLLOW_UP_SORTS.map((s) => Type.Literal(s)))),
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: EXPORT_MAX })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
    /** CSV only: add each person's notes, for people who consented to the use of their health data. */
    includeNotes: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

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
  stage: Str,
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

export const FollowUpListSchema = Type.Object({ total: Int, rows: Type.Array(FollowUpRowSchema) });

/** The CSV's columns, in order: the list's row, then the notes column (empty without consent). */
export const EXPORT_COLUMNS = [
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

export const TaskSchema = Type.Object({
  taskId: Str,
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

const ChangeSchema = Type.Object({
  metric: Str,
  direction: Str,
  before: Type.Optional(Type.Number()),
  after: Type.Optional(Type.Number()),
  change: Type.Optional(Type.Number()),
  beforeAtMs: Type.Optional(Int),
  afterAtMs: Type.Optional(Int),
});

export const TrialSchema = Type.Object({
  productId: Str,
  productTitle: Str,
  orderId: Str,
  purchasedAtMs: Int,
  changes: Type.Array(ChangeSchema),
});

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
  tasks: Type.Array(TaskSchema),
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

export const StageBody = Type.Object(
  { stage: Stage, lostReason: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
);

export const AssignBody = Type.Object(
  {
    followUpIds: Type.Array(Id, { minItems: 1, maxItems: 200 }),
    ownerId: Nullable(Id),
  },
  { additionalProperties: false },
);

export const NoteBody = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' }) },
  { additionalProperties: false },
);

export const TaskBody = Type.Object(
  {
    kind: TaskKind,
    dueAtMs: EpochMs,
    title: Type.Optional(Type.String({ maxLength: 200 })),
    assigneeId: Type.Optional(Id),
    nextContact: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const TaskDoneBody = Type.Object({ done: Type.Boolean() }, { additionalProperties: false });

export const FollowUpTaskParams = Type.Object({ id: Id, taskId: Id }, { additionalProperties: false });

export const TrialAggregateSchema = Type.Object({
  productId: Str,
  productTitle: Str,
  channelId: Str,
  people: Int,
  metrics: Type.Array(
    Type.Object({ metric: Str, people: Int, medianChange: Type.Number(), towardsRangeShare: Type.Number() }),
  ),
});

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

// Payout runs
export const PayoutRunSchema = Type.Object({
  runId: Str,
  fromMs: Int,
  toMs: Int,
  status: Str,
  includesCredit: Type.Boolean(),
  createdBy: Str,
  createdAtMs: Int,
  paidReference: Nullable(Str),
  paidBy: Nullable(Str),
  paidAtMs: NullableInt,
  totals: Type.Array(Type.Object({ accountKind: Str, currency: Str, accounts: Int, amountMinor: Int })),
});

export const StatementRowSchema = Type.Object({
  runId: Str,
  status: Str,
  accountKind: Str,
  accountId: Str,
  accountName: Str,
  currency: Str,
  orders: Int,
  gmvMinor: Int,
  refundedOrders: Int,
  refundedGmvMinor: Int,
  commissionMinor: Int,
  adjustmentsMinor: Int,
  payableMinor: Int,
  paidReference: Nullable(Str),
  paidAtMs: NullableInt,
});

export const PayoutRunBody = Type.Object({ from: EpochMs, to: EpochMs }, { additionalProperties: false });

export const PaidBody = Type.Object(
  { reference: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }) },
  { additionalProperties: false },
);

export { CreditSummarySchema } from '../../protocols/index.ts';
