// /api/auth: register, log in, refresh, log out, change password and reset it with a staff-issued code.
// All public; login, password change and reset are throttled per account and per client IP.
import { Type } from '@fastify/type-provider-typebox';
import { VitaliveError } from '../../protocols/index.ts';
import type { App } from '../http-app.ts';
import {
  DisplayName,
  EmailInput,
  Login,
  Password,
  type PeopleRouteDeps,
  PhoneInput,
  SessionSchema,
  ShortCode,
} from './people-schemas.ts';
import { clearRefreshCookie, refreshCookieOf, sendSession } from './session-reply.ts';

export async function authRoutes(app: App, deps: PeopleRouteDeps): Promise<void> {
  const { people, tokens } = deps;

  app.post(
    '/api/auth/register',
    {
      schema: {
        tags: ['auth'],
        summary: 'Register (a prospect with the same e-mail or phone keeps their record and member code)',
        body: Type.Object(
          {
            displayName: DisplayName,
            email: Type.Optional(EmailInput),
            phone: Type.Optional(PhoneInput),
            password: Password,
            referralCode: Type.Optional(ShortCode),
            channelCode: Type.Optional(ShortCode),
          },
          { additionalProperties: false },
        ),
        response: { 201: SessionSchema },
      },
    },
    async (request, reply) => {
      const person = await people.register(request.body);
      // The registration's own refresh session, as if the person had just logged in.
      const result = await people.startSession(person);
      void reply.status(201);
      return sendSession(request, reply, tokens, result);
    },
  );

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in with e-mail or phone; sets the refresh cookie',
        body: Type.Object(
          { login: Login, password: Type.String({ minLength: 1, maxLength: 128 }) },
          {
            additionalProperties: false,
          },
        ),
        response: { 200: SessionSchema },
      },
    },
    async (request, reply) => {
      const result = await people.login({ ...request.body, ip: request.ip });
      return sendSession(request, reply, tokens, result);
    },
  );

  app.post(
    '/api/auth/refresh',
    {
      schema: {
        tags: ['auth'],
        summary: 'Exchange the refresh cookie for a new access token and a rotated cookie',
        response: { 200: SessionSchema },
      },
    },
    async (request, reply) => {
      const token = refreshCookieOf(request);
      if (!token) throw new VitaliveError('AUTH_REQUIRED');
      try {
        return await sendSession(request, reply, tokens, await people.refresh(token));
      } catch (err) {
        clearRefreshCookie(request, reply);
        throw err;
      }
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { tags: ['auth'], summary: 'Revoke the refresh session and clear its cookie' } },
    async (request, reply) => {
      const token = refreshCookieOf(request);
      if (token) await people.logout(token);
      clearRefreshCookie(request, reply);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change the password (also replaces a single-use password); ends other sessions',
        body: Type.Object(
          {
            login: Login,
            currentPassword: Type.String({ minLength: 1, maxLength: 128 }),
            newPassword: Password,
          },
          { additionalProperties: false },
        ),
        response: { 200: SessionSchema },
      },
    },
    async (request, reply) => {
      const result = await people.changePassword({ ...request.body, ip: request.ip });
      return sendSession(request, reply, tokens, result);
    },
  );

  app.post(
    '/api/auth/reset',
    {
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with a one-time code issued by staff; ends every session',
        body: Type.Object(
          { login: Login, code: ShortCode, newPassword: Password },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      await people.resetPassword({ ...request.body, ip: request.ip });
      clearRefreshCookie(request, reply);
      return reply.status(204).send();
    },
  );
}
