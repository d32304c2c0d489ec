// Messaging routes: my messaging profile and WeChat binding, "remind me" on a live session, the staff
// delivery log (staff and admins only: it names who was told what across every channel), the
// unsubscribe link of promotional e-mail, messages' tracked links (/m/:token), and the signed SMS
// callbacks: inbound replies (TD/STOP) and delivery receipts.
import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { Commerce } from '../../commerce/index.ts';
import {
  bearer,
  ClickParams,
  CodeSentSchema,
  IdParams,
  LiveReminderReply,
  MessageFiguresReply,
  MessageIdParams,
  MessageLogQuery,
  MessageLogReply,
  MessagingProfileSchema,
  MyLiveRemindersReply,
  ProfilePatchBody,
  ReminderContactBody,
  ReminderVerifyBody,
  ResendReply,
  SmsInboundBody,
  SmsInboundHeaders,
  SmsInboundReply,
  SmsReceiptBody,
  SmsReceiptReply,
  UnsubscribeParams,
  VitaliveError,
  WechatAuthorizeQuery,
  WechatAuthorizeReply,
  WechatBindBody,
} from '../../protocols/index.ts';
import { type Guards, principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';
import { isOptOut, verifyInbound } from '../messaging/sms-inbound.ts';
import type { WechatClient } from '../messaging/wechat.ts';

export interface MessagingRouteDeps {
  messaging: Commerce['messaging'];
  /** Contact proof for "remind me" without an account. */
  people: Commerce['people'];
  guards: Guards;
  /** Absent when no official account is configured: binding answers 503. */
  wechat?: WechatClient | undefined;
  smsInboundSecret: string | undefined;
}

const UNSUBSCRIBED_PAGE = `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Vitalive</title></head><body><p>You will receive no more promotional messages. 您将不再收到推广消息。您將不再收到推廣訊息。</p></body></html>`;

/** The JSON of a signed SMS callback: signature first, then the body against its schema. */
function signedBody<T extends TSchema>(
  request: { body: unknown; headers: Record<string, string | string[] | undefined> },
  schema: T,
  expected: string,
  secret: string | undefined,
): Static<T> {
  const raw = String(request.body ?? '');
  const header = request.headers['x-vitalive-signature'];
  verifyInbound(secret, typeof header === 'string' ? header : undefined, raw);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new VitaliveError('VALIDATION_FAILED', { reason: 'body is not JSON' });
  }
  if (!Value.Check(schema, body)) throw new VitaliveError('VALIDATION_FAILED', { reason: expected });
  return body;
}

export async function messagingRoutes(app: App, deps: MessagingRouteDeps): Promise<void> {
  const { messaging, guards } = deps;

  app.get(
    '/api/me/profile',
    {
      onRequest: guards.authenticate,
      schema: {
        tags: ['me'],
        summary: 'My language, time zone, channel and consent for messages',
        security: bearer,
        response: { 200: MessagingProfileSchema },
      },
    },
    async (request) => messaging.profiles.get(principalOf(request).personId),
  );

  app.patch(
    '/api/me/profile',
    {
      onRequest: guards.authenticate,
      schema: {
        tags: ['me'],
        summary: 'Change my messaging profile',
        security: bearer,
        body: ProfilePatchBody,
        response: { 200: MessagingProfileSchema },
      },
    },
    async (request) => messaging.profiles.update(principalOf(request).personId, request.body),
  );

  const wechat = () => {
    if (!deps.wechat) throw new VitaliveError('SERVICE_UNAVAILABLE', { what: 'WeChat' });
    return deps.wechat;
  };

  app.get(
    '/api/me/wechat/authorize',
    {
      onRequest: guards.authenticate,
      schema: {
        tags: ['me'],
        summary: 'Where to send the browser to bind my WeChat (official account web authorisation)',
        security: bearer,
        querystring: WechatAuthorizeQuery,
        response: { 200: WechatAuthorizeReply },
      },
    },
    async (request) => {
      const client = wechat();
      const state = await messaging.oauthStates.issue(principalOf(request).personId);
      return { url: client.authoriseUrl(request.query.redirectUri, state), state };
    },
  );

  app.post(
    '/api/me/wechat',
    {
      onRequest: guards.authenticate,
      schema: {
        tags: ['me'],
        summary: 'Bind my WeChat with the code of the authorise redirect',
        security: bearer,
        body: WechatBindBody,
        response: { 200: MessagingProfileSchema },
      },
    },
    async (request) => {
      const client = wechat();
      // Before the code is spent: a bind the person did not start (forged, replayed, expired) stops here.
      await messaging.oauthStates.consume(principalOf(request).personId, request.body.state);
      let openid: string;
      try {
        openid = await client.openidForCode(request.body.code);
      } catch (err) {
        if (err instanceof VitaliveError) throw err;
        throw new VitaliveError('WECHAT_AUTH_FAILED', { reason: (err as Error).message.slice(0, 120) });
      }
      return messaging.profiles.bindWechat(principalOf(request).personId, openid);
    },
  );

  app.delete(
    '/api/me/wechat',
    {
      onRequest: guards.authenticate,
      schema: {
        tags: ['me'],
        summary: 'Unbind my WeChat',
        security: bearer,
        response: { 200: MessagingProfileSchema },
      },
    },
    async (request) => messaging.profiles.unbindWechat(principalOf(request).personId),
  );

  app.get(
    '/api/me/live-reminders',
    {
      onRequest: guards.authenticate,
      schema: {
        tags: ['me'],
        summary: 'Live sessions I asked to be reminded of',
        security: bearer,
        response: { 200: MyLiveRemindersReply },
      },
    },
    async (request) => ({ sessionIds: await messaging.liveReminders.listFor(principalOf(request).personId) }),
  );

  app.post(
    '/api/live-sessions/:id/reminder',
    {
      onRequest: guards.authenticate,
      schema: {
        tags: ['live'],
        summary: 'Remind me when this session starts (and 15 minutes before)',
        security: bearer,
        params: IdParams,
        response: { 200: LiveReminderReply },
      },
    },
    async (request) => {
      await messaging.liveReminders.subscribe(principalOf(request).personId, request.params.id);
      return { sessionId: request.params.id, subscribed: true };
    },
  );

  app.delete(
    '/api/live-sessions/:id/reminder',
    {
      onRequest: guards.authenticate,
      schema: {
        tags: ['live'],
        summary: 'No reminder for this session',
        security: bearer,
        params: IdParams,
        response: { 200: LiveReminderReply },
      },
    },
    async (request) => {
      await messaging.liveReminders.unsubscribe(principalOf(request).personId, request.params.id);
      return { sessionId: request.params.id, subscribed: false };
    },
  );

  // "Remind me" without an account: a code to the contact, then the code back. The first answer is
  // the same whatever the contact (never whether it has an account); floods are budgeted per contact
  // and per client IP, together with registration codes.
  app.post(
    '/api/live-sessions/:id/reminder/contact',
    {
      schema: {
        tags: ['live'],
        summary: 'Remind me without an account: sends a code to this e-mail or phone',
        params: IdParams,
        body: ReminderContactBody,
        response: { 202: CodeSentSchema },
      },
    },
    async (request, reply) => {
      await deps.people.requestReminderCode({
        sessionId: request.params.id,
        contact: request.body.contact,
        ip: request.ip,
        locale: request.headers['accept-language'],
      });
      void reply.status(202);
      return { status: 'code_sent' as const };
    },
  );

  app.post(
    '/api/live-sessions/:id/reminder/contact/verify',
    {
      schema: {
        tags: ['live'],
        summary: 'Remind me without an account: the code back sets the reminder',
        params: IdParams,
        body: ReminderVerifyBody,
        response: { 200: LiveReminderReply },
      },
    },
    async (request) => {
      await deps.people.confirmReminder({
        sessionId: request.params.id,
        contact: request.body.contact,
        code: request.body.code,
        ip: request.ip,
        locale: request.headers['accept-language'],
      });
      return { sessionId: request.params.id, subscribed: true };
    },
  );

  const staff = guards.requireRoles('staff', 'admin');

  app.get(
    '/api/staff/messages',
    {
      onRequest: staff,
      schema: {
        tags: ['messages'],
        summary: 'Delivery log: newest first, by person, kind and status',
        security: bearer,
        querystring: MessageLogQuery,
        response: { 200: MessageLogReply },
      },
    },
    async (request) => {
      const q = request.query;
      return messaging.log.list(principalOf(request), { ...q, limit: q.limit ?? 20, offset: q.offset ?? 0 });
    },
  );

  app.get(
    '/api/staff/messages/figures',
    {
      onRequest: staff,
      schema: {
        tags: ['messages'],
        summary: 'Messages per kind: queued, sent, failed, suppressed',
        security: bearer,
        response: { 200: MessageFiguresReply },
      },
    },
    async (request) => messaging.log.figures(principalOf(request)),
  );

  app.post(
    '/api/staff/messages/:id/resend',
    {
      onRequest: staff,
      schema: {
        tags: ['messages'],
        summary: 'Queue a message again (a new entry in the log)',
        security: bearer,
        params: MessageIdParams,
        response: { 200: ResendReply },
      },
    },
    async (request) => ({ messageId: await messaging.log.resend(principalOf(request), request.params.id) }),
  );

  // The link in promotional e-mail (GET from the mail, POST for List-Unsubscribe-Post one-click).
  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: '/u/:token',
      schema: {
        tags: ['messages'],
        summary: 'Unsubscribe from promotional messages (signed link)',
        params: UnsubscribeParams,
      },
      handler: async (request, reply) => {
        await messaging.unsubscribe((request.params as { token: string }).token);
        return reply.type('text/html; charset=utf-8').send(UNSUBSCRIBED_PAGE);
      },
    });
  }

  // A message's tracked link: the first open is counted, then the browser goes to our page.
  app.get(
    '/m/:token',
    {
      schema: {
        tags: ['messages'],
        summary: "Open a message's link (counts the click, redirects to the page)",
        params: ClickParams,
      },
    },
    async (request, reply) => {
      const path = await messaging.click((request.params as { token: string }).token);
      return reply.header('cache-control', 'no-store').redirect(path, 302);
    },
  );

  // The SMS provider forwards replies and delivery receipts here, signed over the raw body.
  await app.register(async (scope: App) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: 4_096 },
      (_req, body, done) => done(null, body),
    );
    scope.post(
      '/api/webhooks/sms/inbound',
      {
        schema: {
          tags: ['messages'],
          summary: 'Inbound SMS (TD/STOP opts the number out); signed like payment callbacks',
          headers: SmsInboundHeaders,
          response: { 200: SmsInboundReply },
        },
      },
      async (request) => {
        const body = signedBody(request, SmsInboundBody, 'expected {from, text}', deps.smsInboundSecret);
        const optedOut = isOptOut(body.text);
        if (optedOut) await messaging.profiles.optOutPhone(body.from);
        return { received: true as const, optedOut };
      },
    );
    scope.post(
      '/api/webhooks/sms/status',
      {
        schema: {
          tags: ['messages'],
          summary:
            "SMS delivery receipt (the provider's id and delivered/undelivered); signed like inbound SMS",
          headers: SmsInboundHeaders,
          response: { 200: SmsReceiptReply },
        },
      },
      async (request) => {
        const body = signedBody(request, SmsReceiptBody, 'expected {id, status}', deps.smsInboundSecret);
        const matched = await messaging.log.receipt('sms', body.id, body.status);
        return { received: true as const, matched };
      },
    );
  });
}
