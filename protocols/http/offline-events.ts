// /api/events on the wire: offline events, their invitees and check-ins at the door.
import { type Static, Type } from 'typebox';
import { InviteOutcome } from './channels.ts';
import { EpochMs, Id, PageQuery } from './common.ts';
import { DisplayName, EmailInput, PhoneInput } from './people.ts';

export const OfflineEventSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  venue: Type.String(),
  startsAtMs: Type.Integer(),
  channelIds: Type.Array(Type.String()),
  createdAtMs: Type.Integer(),
});
export type OfflineEvent = Static<typeof OfflineEventSchema>;

export const OfflineEventsQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export type OfflineEventsQuery = Static<typeof OfflineEventsQuery>;

export const NewOfflineEventBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    venue: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    startsAtMs: EpochMs,
    channelIds: Type.Array(Id, { maxItems: 100 }),
  },
  { additionalProperties: false },
);
export type NewOfflineEventBody = Static<typeof NewOfflineEventBody>;

export const EventInviteBody = Type.Object(
  {
    channelId: Id,
    displayName: DisplayName,
    email: Type.Optional(EmailInput),
    phone: Type.Optional(PhoneInput),
  },
  { additionalProperties: false },
);
export type EventInviteBody = Static<typeof EventInviteBody>;

export const EventInviteResultSchema = Type.Object({
  outcome: InviteOutcome,
  registered: Type.Boolean(),
  personId: Type.String(),
  memberCode: Type.String(),
});
export type EventInviteResult = Static<typeof EventInviteResultSchema>;

/** A channel manager's answer (202): the same whether the contact was new, a prospect or an account's. */
export const EventInviteSentSchema = Type.Object({
  invitationId: Type.String(),
  status: Type.Literal('sent'),
});
export type EventInviteSent = Static<typeof EventInviteSentSchema>;

export const InviteeSchema = Type.Object({
  personId: Type.String(),
  displayName: Type.String(),
  memberCode: Type.String(),
  channelId: Type.String(),
  invitedAtMs: Type.Integer(),
  attended: Type.Boolean(),
});
export type Invitee = Static<typeof InviteeSchema>;

export const CheckInBody = Type.Object(
  { memberCode: Type.String({ minLength: 1, maxLength: 32 }) },
  { additionalProperties: false },
);
export type CheckInBody = Static<typeof CheckInBody>;

/** 201 the first time, 200 when repeated. */
export const CheckInSchema = Type.Object({
  eventId: Type.String(),
  personId: Type.String(),
  displayName: Type.String(),
  firstTime: Type.Boolean(),
  via: Type.Union([Type.Literal('check_in'), Type.Literal('reading')]),
  atMs: Type.Integer(),
});
export type CheckIn = Static<typeof CheckInSchema>;
