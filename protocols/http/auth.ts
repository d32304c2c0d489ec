// /api/auth on the wire: registration with a one-time code, login, refresh, password change and reset.
import { type Static, Type } from 'typebox';
import { DisplayName, EmailInput, Login, Password, PersonSchema, PhoneInput, ShortCode } from './people.ts';

/** What login, registration, refresh and password change answer; the refresh token goes in a cookie. */
export const AuthSessionSchema = Type.Object({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresInSec: Type.Integer(),
  person: PersonSchema,
});
export type AuthSession = Static<typeof AuthSessionSchema>;

/** Same answer whether or not the contact has an account. */
export const CodeSentSchema = Type.Object({ status: Type.Literal('code_sent') });
export type CodeSent = Static<typeof CodeSentSchema>;
export const ContactProvenSchema = Type.Object({ status: Type.Literal('proven') });
export type ContactProven = Static<typeof ContactProvenSchema>;

export const RegisterBody = Type.Object(
  {
    displayName: DisplayName,
    email: Type.Optional(EmailInput),
    phone: Type.Optional(PhoneInput),
    password: Password,
    referralCode: Type.Optional(ShortCode),
    channelCode: Type.Optional(ShortCode),
  },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;

export const VerifyContactBody = Type.Object(
  { contact: Login, code: Type.String({ minLength: 1, maxLength: 16 }) },
  { additionalProperties: false },
);
export type VerifyContactBody = Static<typeof VerifyContactBody>;

export const ContactCodeBody = Type.Object({ contact: Login }, { additionalProperties: false });
export type ContactCodeBody = Static<typeof ContactCodeBody>;

export const LoginBody = Type.Object(
  { login: Login, password: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const PasswordChangeBody = Type.Object(
  {
    login: Login,
    currentPassword: Type.String({ minLength: 1, maxLength: 128 }),
    newPassword: Password,
  },
  { additionalProperties: false },
);
export type PasswordChangeBody = Static<typeof PasswordChangeBody>;

export const PasswordResetBody = Type.Object(
  { login: Login, code: ShortCode, newPassword: Password },
  { additionalProperties: false },
);
export type PasswordResetBody = Static<typeof PasswordResetBody>;
