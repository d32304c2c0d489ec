// /api/auth: register (with a one-time code proving the contact), log in, refresh, log out, change password and reset it with a staff-issued code.
// All public; login, password change and reset are throttled per account and per client IP, login and
// password change also per account across IPs (a browser that logged in before is let through).
import {
  AuthSessionSchema,
  CodeSentSchema,
  ContactCodeBody,
  ContactProvenSchema,
  LoginBody,
  PasswordChangeBody,
  PasswordResetBody,
  RegisterBody,
  VerifyContactBody,
  VitaliveError,
} from '../../protocols/index.ts';
import type { App } from '../http-app.ts';
import type { PeopleRouteDeps } from './people-schemas.ts';
import {
  clearRefreshCookie,
  deviceOf,
  refreshCookieOf,
  rememberDevice,
  sendSession,
} from './session-reply.ts';

export async function authRoutes(app: App, deps: PeopleRouteDeps): Promise<void> {
  const { people, tokens } = deps;

  app.post(
    '/api/auth/register',
    {
      schema: {
        tags: ['auth'],
        summary:
          'Register: sends a one-time code to each contact (or a notice if it has an account); same answer either way',
        body: RegisterBody,
        response: { 202: CodeSentSchema },
      },
    },
    async (request, reply) => {
      // Codes and notices are written in the language the app asks in (Accept-Language).
      await people.register({ ...request.body, locale: request.headers['accept-language'] }, request.ip);
      void reply.status(202);
      return { status: 'code_sent' as const };
    },
  );

  app.post(
    '/api/auth/verify-contact',
    {
      schema: {
        tags: ['auth'],
        summary:
          'Prove a contact with its code: finishes a registration (201 and a session; a prospect with that contact keeps their record) or proves an account contact (200)',
        body: VerifyContactBody,
        response: { 201: AuthSessionSchema, 200: ContactProvenSchema },
      },
    },
    async (request, reply) => {
      const result = await people.proveContact({ ...request.body, ip: request.ip });
      if (result.kind === 'proven') return { status: 'proven' as const };
      // The registration's own refresh session, as if the person had just logged in.
      const session = await people.startSession(result.person);
      void reply.status(201);
      return sendSession(request, reply, tokens, session);
    },
  );

  app.post(
    '/api/auth/contact-code',
    {
      schema: {
        tags: ['auth'],
        summary:
          'Send a new code to a contact waiting for one (registration) or not yet proven (account); same answer always',
        body: ContactCodeBody,
        response: { 202: CodeSentSchema },
      },
    },
    async (request, reply) => {
      await people.requestContactCode({
        contact: request.body.contact,
        ip: request.ip,
        locale: request.headers['accept-language'],
      });
      void reply.status(202);
      return { status: 'code_sent' as const };
    },
  );

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in with e-mail or phone; sets the refresh cookie',
        body: LoginBody,
        response: { 200: AuthSessionSchema },
      },
    },
    async (request, reply) => {
      const result = await people.login({
        ...request.body,
        ip: request.ip,
        knownDeviceOf: deviceOf(request, tokens),
        locale: request.headers['accept-language'],
      });
      return sendSession(request, reply, tokens, result);
    },
  );

  app.post(
    '/api/auth/refresh',
    {
      schema: {
        tags: ['auth'],
        summary: 'Exchange the refresh cookie for a new access token and a rotated cookie',
        response: { 200: AuthSessionSchema },
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
        body: PasswordChangeBody,
        response: { 200: AuthSessionSchema },
      },
    },
    async (request, reply) => {
      const result = await people.changePassword({
        ...request.body,
        ip: request.ip,
        knownDeviceOf: deviceOf(request, tokens),
      });
      return sendSession(request, reply, tokens, result);
    },
  );

  app.post(
    '/api/auth/reset',
    {
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with a one-time code issued by staff; ends every session',
        body: PasswordResetBody,
      },
    },
    async (request, reply) => {
      const { personId } = await people.resetPassword({ ...request.body, ip: request.ip });
      clearRefreshCookie(request, reply);
      // The staff-issued code proved the person: this browser may log in even while the account is
      // throttled for everyone else.
      rememberDevice(request, reply, tokens, personId);
      return reply.status(204).send();
    },
  );
}
