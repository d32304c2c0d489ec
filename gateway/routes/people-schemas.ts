// What the people, auth and channel routes share: their dependencies, request pieces with their limits,
// and the response shapes (which also keep any column not listed here out of responses).
import { Type } from '@fastify/type-provider-typebox';
import { type People, ROLES } from '../../commerce/index.ts';
import type { Guards, TokenService } from '../auth/index.ts';

export interface PeopleRouteDeps {
  people: People;
  tokens: TokenService;
  guards: Guards;
}

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });

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
export const RoleName = Type.Enum(ROLES);

/** The configured tiers (see PERSON_TIERS). */
export const tierSchema = (tiers: readonly string[]) =>
  Type.Unsafe<string>({ type: 'string', enum: [...tiers] });

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
};

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

export const SessionSchema = Type.Object({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresInSec: Type.Integer(),
  person: PersonSchema,
});

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

export const ChannelName = Type.String({ minLength: 1, maxLength: 120 });
/** Basis points of paid GMV: 0 to 10000 (100 %). */
export const CommissionBps = Type.Integer({ minimum: 0, maximum: 10_000 });

export const bearer = [{ bearer: [] }];
