// /api/channels on the wire: channels, their invitations, and the outcome of inviting someone.
import { type Static, Type } from 'typebox';
import { Id, Nullable, PageQuery } from './common.ts';
import { DisplayName, EmailInput, PhoneInput } from './people.ts';

export const ChannelSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  managerId: Nullable(Type.String()),
  commissionBps: Type.Integer(),
  inviteCode: Type.String(),
  archivedAtMs: Nullable(Type.Integer()),
  createdAtMs: Type.Integer(),
  updatedAtMs: Type.Integer(),
});
export type Channel = Static<typeof ChannelSchema>;

export const ChannelName = Type.String({ minLength: 1, maxLength: 120 });
/** Basis points of paid GMV: 0 to 10000 (100 %). */
export const CommissionBps = Type.Integer({ minimum: 0, maximum: 10_000 });

/** What inviting someone (to a channel or an offline event) did. */
export const InviteOutcome = Type.Union([
  Type.Literal('created'),
  Type.Literal('joined'),
  Type.Literal('already_in_channel'),
  Type.Literal('other_channel'),
  Type.Literal('invited'),
  Type.Literal('accepted'),
  Type.Literal('declined'),
  Type.Literal('sent'),
]);
export type InviteOutcome = Static<typeof InviteOutcome>;

export const NewChannelBody = Type.Object(
  {
    name: ChannelName,
    managerId: Type.Optional(Type.Union([Id, Type.Null()])),
    commissionBps: CommissionBps,
  },
  { additionalProperties: false },
);
export type NewChannelBody = Static<typeof NewChannelBody>;

export const ChannelListQuery = Type.Object(
  { includeArchived: Type.Optional(Type.Boolean({ default: false })) },
  { additionalProperties: false },
);
export type ChannelListQuery = Static<typeof ChannelListQuery>;

export const ChannelChangesBody = Type.Object(
  {
    name: Type.Optional(ChannelName),
    managerId: Type.Optional(Type.Union([Id, Type.Null()])),
    commissionBps: Type.Optional(CommissionBps),
    rotateInviteCode: Type.Optional(Type.Boolean()),
    archived: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ChannelChangesBody = Static<typeof ChannelChangesBody>;

export const ChannelInviteBody = Type.Object(
  { displayName: DisplayName, email: Type.Optional(EmailInput), phone: Type.Optional(PhoneInput) },
  { additionalProperties: false },
);
export type ChannelInviteBody = Static<typeof ChannelInviteBody>;

/** The same answer whoever holds the contact: who that is is not the inviter's to learn. */
export const ChannelInviteResultSchema = Type.Object({
  invitationId: Type.String(),
  status: Type.Literal('sent'),
});
export type ChannelInviteResult = Static<typeof ChannelInviteResultSchema>;

export const ChannelInvitationsQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export type ChannelInvitationsQuery = Static<typeof ChannelInvitationsQuery>;

export const ChannelInvitationSchema = Type.Object({
  id: Type.String(),
  channelId: Type.String(),
  personId: Nullable(Type.String()),
  invitedBy: Type.String(),
  outcome: InviteOutcome,
  createdAtMs: Type.Integer(),
});
export type ChannelInvitation = Static<typeof ChannelInvitationSchema>;
export const ChannelInvitationsPageSchema = Type.Object({
  items: Type.Array(ChannelInvitationSchema),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
export type ChannelInvitationsPage = Static<typeof ChannelInvitationsPageSchema>;
