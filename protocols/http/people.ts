// People on the wire: the person record, roles, and the bodies and replies of /api/people and /api/me.
import { type Static, Type } from 'typebox';
import { ROLES } from '../roles.ts';
import { Id, IdParams, Nullable, PageQuery } from './common.ts';

export { ROLES, type Role } from '../roles.ts';
/** A role a person can hold; `member` is implied for every registered person. */
export const RoleName = Type.Enum(ROLES);

/** At least one visible character. */
export const DisplayName = Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' });
export const EmailInput = Type.String({ minLength: 3, maxLength: 254 });
export const PhoneInput = Type.String({ minLength: 6, maxLength: 32 });
/** Bounded above so a megabyte "password" cannot be fed to scrypt. */
export const Password = Type.String({ minLength: 8, maxLength: 128 });
export const Login = Type.String({
  minLength: 3,
  maxLength: 254,
  description: 'e-mail address or phone number',
});
export const ShortCode = Type.String({ minLength: 1, maxLength: 32 });

/** The configured tiers (see PERSON_TIERS): known only when the routes are built. */
export const tierSchema = (tiers: readonly string[]) =>
  Type.Unsafe<string>({ type: 'string', enum: [...tiers] });

/** The record every route answers with; a column not listed here never leaves the server. */
export const PersonSchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('prospect'), Type.Literal('member')]),
  memberCode: Type.String(),
  referralCode: Type.String(),
  displayName: Type.String(),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  tier: Type.String(),
  referredBy: Nullable(Type.String()),
  channelId: Nullable(Type.String()),
  consents: Type.Object({
    marketing: Type.Boolean(),
    marketingAtMs: Nullable(Type.Integer()),
    healthData: Type.Boolean(),
    healthDataAtMs: Nullable(Type.Integer()),
  }),
  roles: Type.Array(RoleName),
  registeredAtMs: Nullable(Type.Integer()),
  createdAtMs: Type.Integer(),
  updatedAtMs: Type.Integer(),
});
export type Person = Static<typeof PersonSchema>;

// GET /api/people
export const PeopleQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100 })),
    kind: Type.Optional(Type.Union([Type.Literal('prospect'), Type.Literal('member')])),
    channelId: Type.Optional(Id),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type PeopleQuery = Static<typeof PeopleQuery>;
export const PeoplePageSchema = Type.Object({
  items: Type.Array(PersonSchema),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
export type PeoplePage = Static<typeof PeoplePageSchema>;

// PATCH /api/people/:id
export const personChangesBody = (tiers: readonly string[]) =>
  Type.Object(
    {
      displayName: Type.Optional(DisplayName),
      tier: Type.Optional(tierSchema(tiers)),
      email: Type.Optional(Type.Union([EmailInput, Type.Null()])),
      phone: Type.Optional(Type.Union([PhoneInput, Type.Null()])),
    },
    { additionalProperties: false, minProperties: 1 },
  );
export type PersonChangesBody = Static<ReturnType<typeof personChangesBody>>;

// PUT /api/people/:id/channel
export const ChannelChangeBody = Type.Object(
  { channelId: Type.Union([Id, Type.Null()]), reason: Type.String({ minLength: 3, maxLength: 500 }) },
  { additionalProperties: false },
);
export type ChannelChangeBody = Static<typeof ChannelChangeBody>;

// GET /api/people/:id/channel-changes
export const ChannelChangeSchema = Type.Object({
  id: Type.Integer(),
  personId: Type.String(),
  fromChannelId: Nullable(Type.String()),
  toChannelId: Nullable(Type.String()),
  changedBy: Type.String(),
  reason: Type.String(),
  changedAtMs: Type.Integer(),
});
export type ChannelChange = Static<typeof ChannelChangeSchema>;

// POST /api/people/:id/roles, DELETE /api/people/:id/roles/:role
export const GrantRoleBody = Type.Object({ role: RoleName }, { additionalProperties: false });
export type GrantRoleBody = Static<typeof GrantRoleBody>;
export const RoleParams = Type.Object({ id: Id, role: RoleName }, { additionalProperties: false });
export type RoleParams = Static<typeof RoleParams>;

// POST /api/people/:id/reset-code
export const ResetCodeSchema = Type.Object({ code: Type.String(), expiresAtMs: Type.Integer() });
export type ResetCode = Static<typeof ResetCodeSchema>;

// POST /api/people/:id/contacts/:field/vouch
export const VouchParams = Type.Object(
  { id: IdParams.properties.id, field: Type.Union([Type.Literal('email'), Type.Literal('phone')]) },
  { additionalProperties: false },
);
export type VouchParams = Static<typeof VouchParams>;

// PATCH /api/me
export const MyChangesBody = Type.Object(
  {
    displayName: Type.Optional(DisplayName),
    consents: Type.Optional(
      Type.Object(
        { marketing: Type.Optional(Type.Boolean()), healthData: Type.Optional(Type.Boolean()) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type MyChangesBody = Static<typeof MyChangesBody>;

// GET /api/me/invitations, POST /api/me/invitations/:id/{accept,decline}
export const MyInvitationSchema = Type.Object({
  id: Type.String(),
  channelId: Type.String(),
  channelName: Type.String(),
  createdAtMs: Type.Integer(),
});
export type MyInvitation = Static<typeof MyInvitationSchema>;
export const InvitationAnswerSchema = Type.Object({
  outcome: Type.Union([Type.Literal('accepted'), Type.Literal('declined')]),
  channelId: Nullable(Type.String()),
});
export type InvitationAnswer = Static<typeof InvitationAnswerSchema>;
