// /api/clinics, /api/experts, /api/consultations, /api/expert and /api/alert-rules on the wire: clinics
// as records, expert profiles and slots, bookings and what each party reads of them, and alert rules.
import { type Static, Type } from 'typebox';
import { METRIC_NAMES } from '../device.ts';
import { EpochMs, Id, Nullable } from './common.ts';

const Line = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });
const Text = (max: number) => Type.String({ maxLength: max });
/** A name or an address in the three languages. */
export const ClinicText = Type.Object(
  { en: Text(200), 'zh-Hans': Text(200), 'zh-Hant': Text(200) },
  { additionalProperties: false },
);
const Weekday = Type.Integer({ minimum: 0, maximum: 6 });
const MinuteOfDay = Type.Integer({ minimum: 0, maximum: 1440 });
/** Minutes east of UTC (−12:00 to +14:00). */
const UtcOffset = Type.Integer({ minimum: -720, maximum: 840 });

export const OpeningHours = Type.Object(
  { weekday: Weekday, fromMin: MinuteOfDay, toMin: MinuteOfDay },
  { additionalProperties: false },
);
export const ExpertHours = Type.Object(
  { weekday: Weekday, fromMin: MinuteOfDay, toMin: MinuteOfDay, clinicId: Type.Optional(Nullable(Id)) },
  { additionalProperties: false },
);

export const ClinicSchema = Type.Object({
  clinicId: Type.String(),
  name: ClinicText,
  address: ClinicText,
  openingHours: Type.Array(OpeningHours),
  utcOffsetMin: Type.Integer(),
  archived: Type.Boolean(),
  staffIds: Type.Optional(Type.Array(Type.String())),
});
export type ClinicWire = Static<typeof ClinicSchema>;
export const ClinicsSchema = Type.Object({ clinics: Type.Array(ClinicSchema) });

export const NewClinicBody = Type.Object(
  {
    name: ClinicText,
    address: ClinicText,
    openingHours: Type.Array(OpeningHours, { maxItems: 42 }),
    utcOffsetMin: Type.Optional(UtcOffset),
    archived: Type.Optional(Type.Boolean()),
    staffIds: Type.Optional(Type.Array(Id, { maxItems: 100 })),
  },
  { additionalProperties: false },
);
export type NewClinicBody = Static<typeof NewClinicBody>;
export const ClinicChangesBody = Type.Partial(NewClinicBody, {
  additionalProperties: false,
  minProperties: 1,
});
export type ClinicChangesBody = Static<typeof ClinicChangesBody>;

const LocalDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Tag = Type.String({ minLength: 1, maxLength: 64, pattern: '\\S' });
const Locale = Type.Union([Type.Literal('en'), Type.Literal('zh-Hans'), Type.Literal('zh-Hant')]);

export const ExpertProfileBody = Type.Object(
  {
    name: Line(120),
    specialities: Type.Array(Tag, { maxItems: 20 }),
    languages: Type.Array(Locale, { minItems: 1, maxItems: 3 }),
    clinicId: Type.Optional(Nullable(Id)),
    slotMinutes: Type.Integer({ minimum: 10, maximum: 240 }),
    utcOffsetMin: Type.Optional(UtcOffset),
    weeklyHours: Type.Array(ExpertHours, { maxItems: 42 }),
    daysOff: Type.Array(LocalDate, { maxItems: 366 }),
  },
  { additionalProperties: false },
);
export type ExpertProfileBody = Static<typeof ExpertProfileBody>;

export const ExpertProfileSchema = Type.Object({
  expertId: Type.String(),
  name: Type.String(),
  specialities: Type.Array(Type.String()),
  languages: Type.Array(Type.String()),
  clinicId: Nullable(Type.String()),
  slotMinutes: Type.Integer(),
  utcOffsetMin: Type.Integer(),
  weeklyHours: Type.Array(
    Type.Object({
      weekday: Type.Integer(),
      fromMin: Type.Integer(),
      toMin: Type.Integer(),
      clinicId: Nullable(Type.String()),
    }),
  ),
  daysOff: Type.Array(Type.String()),
});
export const ExpertsSchema = Type.Object({ experts: Type.Array(ExpertProfileSchema) });

export const RangeQuery = Type.Object({ from: EpochMs, to: EpochMs }, { additionalProperties: false });
export type RangeQuery = Static<typeof RangeQuery>;

export const SlotsSchema = Type.Object({
  slots: Type.Array(
    Type.Object({
      startsAtMs: Type.Integer(),
      endsAtMs: Type.Integer(),
      clinicId: Nullable(Type.String()),
      free: Type.Boolean(),
    }),
  ),
});

export const BookConsultationBody = Type.Object(
  { expertId: Id, startsAtMs: EpochMs, personId: Type.Optional(Id) },
  { additionalProperties: false },
);
export type BookConsultationBody = Static<typeof BookConsultationBody>;
export const RescheduleBody = Type.Object({ startsAtMs: EpochMs }, { additionalProperties: false });
export const OutcomeBody = Type.Object(
  { outcome: Type.Union([Type.Literal('consulted'), Type.Literal('no_show')]) },
  { additionalProperties: false },
);
export type OutcomeBody = Static<typeof OutcomeBody>;
export const NotesBody = Type.Object(
  {
    notes: Type.String({ maxLength: 8000 }),
    summary: Type.String({ maxLength: 4000 }),
    recommendedProductIds: Type.Array(Id, { maxItems: 20 }),
  },
  { additionalProperties: false },
);
export type NotesBody = Static<typeof NotesBody>;

const ConsultationFields = {
  consultationId: Type.String(),
  expertId: Type.String(),
  personId: Type.String(),
  clinicId: Nullable(Type.String()),
  startsAtMs: Type.Integer(),
  endsAtMs: Type.Integer(),
  status: Type.String(),
  bookedBy: Type.String(),
  createdAtMs: Type.Integer(),
  updatedAtMs: Type.Integer(),
};
export const ConsultationSchema = Type.Object(ConsultationFields);
/** `summary` and `notes` are present only for those who may read them. */
export const ConsultationViewSchema = Type.Object({
  ...ConsultationFields,
  expertName: Nullable(Type.String()),
  summary: Type.Optional(Nullable(Type.String())),
  notes: Type.Optional(Nullable(Type.String())),
  recommendedProductIds: Type.Array(Type.String()),
});
export type ConsultationViewWire = Static<typeof ConsultationViewSchema>;
export const ConsultationsSchema = Type.Object({ consultations: Type.Array(ConsultationViewSchema) });
export const ScheduleSchema = Type.Object({
  consultations: Type.Array(Type.Object({ ...ConsultationViewSchema.properties, personName: Type.String() })),
});

export const RecommendationsSchema = Type.Object({
  products: Type.Array(
    Type.Object({
      productId: Type.String(),
      titles: Type.Record(Type.String(), Type.String()),
      consultationId: Type.String(),
      expertName: Nullable(Type.String()),
      atMs: Type.Integer(),
    }),
  ),
});

export const PersonTimelineSchema = Type.Object({
  personId: Type.String(),
  displayName: Type.String(),
  memberCode: Type.String(),
  healthDataConsent: Type.Boolean(),
  consultations: Type.Array(ConsultationViewSchema),
  orders: Type.Array(
    Type.Object({
      orderId: Type.String(),
      status: Type.String(),
      totalMinor: Type.Integer(),
      currency: Type.String(),
      createdAtMs: Type.Integer(),
    }),
  ),
  readings: Type.Optional(
    Type.Array(Type.Object({ metric: Type.String(), value: Type.Number(), measuredAtMs: Type.Integer() })),
  ),
});
export type PersonTimelineWire = Static<typeof PersonTimelineSchema>;

const AlertMetric = Type.Unsafe<string>({ type: 'string', enum: [...METRIC_NAMES] });
const Comparison = Type.Union([Type.Literal('gte'), Type.Literal('lte')]);
const Severity = Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('urgent')]);
const Audience = Type.Union([
  Type.Literal('expert'),
  Type.Literal('clinic_staff'),
  Type.Literal('follow_up_owner'),
]);

export const NewAlertRuleBody = Type.Object(
  {
    metric: AlertMetric,
    comparison: Comparison,
    threshold: Type.Number(),
    severity: Severity,
    notify: Type.Array(Audience, { minItems: 1, maxItems: 3 }),
    message: Line(400),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type NewAlertRuleBody = Static<typeof NewAlertRuleBody>;
export const AlertRuleChangesBody = Type.Partial(NewAlertRuleBody, {
  additionalProperties: false,
  minProperties: 1,
});
export type AlertRuleChangesBody = Static<typeof AlertRuleChangesBody>;
export const AlertRuleSchema = Type.Object({
  ruleId: Type.String(),
  metric: Type.String(),
  comparison: Comparison,
  threshold: Type.Number(),
  severity: Severity,
  notify: Type.Array(Audience),
  message: Type.String(),
  enabled: Type.Boolean(),
  createdAtMs: Type.Integer(),
  updatedAtMs: Type.Integer(),
});
export const AlertRulesSchema = Type.Object({ rules: Type.Array(AlertRuleSchema) });

/** POST /api/consultations/:id/video: a pass to the consultation's video call (member or expert only). */
export const VideoPassSchema = Type.Object({
  consultationId: Id,
  side: Type.Union([Type.Literal('member'), Type.Literal('expert')]),
  /** Handshake `auth.pass` of the /consult namespace; expires when the call closes. */
  pass: Type.String(),
  opensAtMs: EpochMs,
  closesAtMs: EpochMs,
  /** The member, whose readings the expert's page shows beside the video (with consent, audited). */
  memberId: Id,
});
export type VideoPass = Static<typeof VideoPassSchema>;
