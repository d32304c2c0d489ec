// Readings, devices and edge tokens on the wire: the standalone edge's ingest batch (built from the
// same field definition the edge validates with, so whatever an edge forwards passes here), a person's
// readings, and the device admin's bodies and replies.
import { type Static, Type } from 'typebox';
import { DEVICE_COMMANDS, READING_FIELDS } from '../device.ts';
import { Id, MetricName, Nullable } from './common.ts';

const F = READING_FIELDS;
const OptionalText = (spec: { minLength: number; maxLength: number; pattern: string }) =>
  Nullable(Type.String({ ...spec }));

export const IngestReadingSchema = Type.Object(
  {
    deviceId: Type.String({ ...F.deviceId }),
    bootId: Type.Integer({ ...F.bootId }),
    seq: Type.Integer({ ...F.seq }),
    metric: MetricName,
    value: Type.Number(),
    measuredAtMs: Type.Integer({ ...F.measuredAtMs }),
    memberCode: OptionalText(F.memberCode),
    eventId: OptionalText(F.eventId),
    receivedAtMs: Type.Integer({ ...F.receivedAtMs }),
  },
  { additionalProperties: false },
);
export type IngestReading = Static<typeof IngestReadingSchema>;

/** A full batch (5,000 readings of at most ~300 bytes of JSON each) fits the route's 2 MiB limit. */
export const IngestBody = Type.Object(
  { readings: Type.Array(IngestReadingSchema, { maxItems: 5000 }) },
  { additionalProperties: false },
);
export type IngestBody = Static<typeof IngestBody>;
export const IngestResultSchema = Type.Object({ stored: Type.Integer(), duplicates: Type.Integer() });
export type IngestResult = Static<typeof IngestResultSchema>;

export const ReadingSchema = Type.Object({
  id: Type.Integer(),
  deviceId: Type.String(),
  bootId: Type.Integer(),
  seq: Type.Integer(),
  metric: Type.String(),
  value: Type.Number(),
  measuredAtMs: Type.Integer(),
  memberCode: Nullable(Type.String()),
  eventId: Nullable(Type.String()),
  personId: Nullable(Type.String()),
  receivedAtMs: Type.Integer(),
});
export type Reading = Static<typeof ReadingSchema>;

export const ReadingsQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) },
  { additionalProperties: false },
);
export type ReadingsQuery = Static<typeof ReadingsQuery>;

export const AssignReadingsBody = Type.Object(
  {
    readingIds: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 1000 }),
    personId: Id,
  },
  { additionalProperties: false },
);
export type AssignReadingsBody = Static<typeof AssignReadingsBody>;
export const AssignedSchema = Type.Object({ assigned: Type.Integer() });
export type Assigned = Static<typeof AssignedSchema>;

export const NewEdgeTokenBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);
export type NewEdgeTokenBody = Static<typeof NewEdgeTokenBody>;
/** The token is shown once. */
export const EdgeTokenSchema = Type.Object({ id: Type.String(), token: Type.String() });
export type EdgeToken = Static<typeof EdgeTokenSchema>;

export const NewDeviceBody = Type.Object(
  {
    id: Id,
    kind: Type.String({ minLength: 1, maxLength: 32 }),
    location: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
);
export type NewDeviceBody = Static<typeof NewDeviceBody>;

export const DeviceSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  location: Type.String(),
  disabled: Type.Boolean(),
  createdAtMs: Type.Integer(),
  online: Type.Boolean(),
  lastSeenMs: Nullable(Type.Integer()),
  readingsToday: Type.Integer(),
  quarantined: Type.Integer(),
  aclViolations: Type.Integer(),
});
export type Device = Static<typeof DeviceSchema>;

/** A device's secret, shown once at registration or rotation. */
export const DeviceSecretSchema = Type.Object({ id: Type.String(), secret: Type.String() });
export type DeviceSecret = Static<typeof DeviceSecretSchema>;

export const DeviceDisabledBody = Type.Object({ disabled: Type.Boolean() }, { additionalProperties: false });
export type DeviceDisabledBody = Static<typeof DeviceDisabledBody>;

export const DeviceCommandBody = Type.Object(
  { command: Type.Union(DEVICE_COMMANDS.map((c) => Type.Literal(c))) },
  { additionalProperties: false },
);
export type DeviceCommandBody = Static<typeof DeviceCommandBody>;
