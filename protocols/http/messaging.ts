// Messaging on the wire: a person's messaging profile (/api/me/profile), WeChat binding, live
// reminders, the staff delivery log, and the signed inbound SMS callback.
import { type Static, Type } from 'typebox';
import { Id, Nullable, PageQuery } from './common.ts';
import { Login } from './people.ts';

export const MessageLocaleName = Type.Union([
  Type.Literal('en'),
  Type.Literal('zh-Hans'),
  Type.Literal('zh-Hant'),
]);
export const DeliveryChannelName = Type.Union([
  Type.Literal('email'),
  Type.Literal('sms'),
  Type.Literal('wechat'),
]);
export const MessageStatusName = Type.Union([
  Type.Literal('queued'),
  Type.Literal('sending'),
  Type.Literal('sent'),
  Type.Literal('failed'),
  Type.Literal('suppressed'),
]);

export const MessagingProfileSchema = Type.Object({
  personId: Type.String(),
  locale: Nullable(MessageLocaleName),
  /** IANA zone, e.g. Asia/Shanghai. */
  timeZone: Type.String(),
  preferredChannel: Nullable(DeliveryChannelName),
  wechatBound: Type.Boolean(),
  consentMarketing: Type.Boolean(),
  smsOptedOut: Type.Boolean(),
});
export type MessagingProfileReply = Static<typeof MessagingProfileSchema>;

// PATCH /api/me/profile
export const ProfilePatchBody = Type.Object(
  {
    locale: Type.Optional(MessageLocaleName),
    timeZone: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z][A-Za-z0-9_+/-]*$' }),
    ),
    preferredChannel: Type.Optional(Nullable(DeliveryChannelName)),
    consentMarketing: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ProfilePatchBody = Static<typeof ProfilePatchBody>;

// GET /api/me/wechat/authorize, POST /api/me/wechat
export const WechatAuthorizeQuery = Type.Object(
  { redirectUri: Type.String({ minLength: 8, maxLength: 500, pattern: '^https?://' }) },
  { additionalProperties: false },
);
export const WechatAuthorizeReply = Type.Object({ url: Type.String(), state: Type.String() });
export const WechatBindBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }),
    /** The `state` the authorise redirect brought back: single use, expires after 10 minutes. */
    state: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9]+$' }),
  },
  { additionalProperties: false },
);

export const LiveReminderReply = Type.Object({ sessionId: Type.String(), subscribed: Type.Boolean() });

// POST /api/live-sessions/:id/reminder/contact (anonymous: a code to the contact; always the same 202)
export const ReminderContactBody = Type.Object({ contact: Login }, { additionalProperties: false });
// POST /api/live-sessions/:id/reminder/contact/verify
export const ReminderVerifyBody = Type.Object(
  { contact: Login, code: Type.String({ minLength: 1, maxLength: 16 }) },
  { additionalProperties: false },
);
export const MyLiveRemindersReply = Type.Object({ sessionIds: Type.Array(Type.String()) });

// GET /api/staff/messages
export const MessageLogQuery = Type.Object(
  {
    personId: Type.Optional(Id),
    kind: Type.Optional(Type.String({ minLength: 1, maxLength: 48, pattern: '^[a-z0-9_]+$' })),
    status: Type.Optional(MessageStatusName),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type MessageLogQuery = Static<typeof MessageLogQuery>;

export const LoggedMessageSchema = Type.Object({
  messageId: Type.Integer(),
  personId: Type.String(),
  kind: Type.String(),
  channel: Nullable(DeliveryChannelName),
  locale: Nullable(Type.String()),
  status: MessageStatusName,
  attempts: Type.Integer(),
  lastError: Nullable(Type.String()),
  providerId: Nullable(Type.String()),
  createdAtMs: Type.Integer(),
  sentAtMs: Nullable(Type.Integer()),
  nextAttemptAtMs: Type.Integer(),
  /** The provider's delivery receipt, where it sends one (SMS). */
  receipt: Nullable(Type.Union([Type.Literal('delivered'), Type.Literal('undelivered')])),
  /** The first time the message's tracked link was opened. */
  clickedAtMs: Nullable(Type.Integer()),
});
export type LoggedMessageView = Static<typeof LoggedMessageSchema>;
export const MessageLogReply = Type.Object({ items: Type.Array(LoggedMessageSchema), total: Type.Integer() });
export const MessageFiguresReply = Type.Array(
  Type.Object({
    kind: Type.String(),
    queued: Type.Integer(),
    sent: Type.Integer(),
    /** Confirmed by the provider's delivery receipt. */
    delivered: Type.Integer(),
    /** Whose tracked link (our page) was opened. */
    clicked: Type.Integer(),
    failed: Type.Integer(),
    suppressed: Type.Integer(),
    /** Per channel (one provider each): sent, delivered, undelivered, clicked, failed. */
    channels: Type.Array(
      Type.Object({
        channel: DeliveryChannelName,
        sent: Type.Integer(),
        delivered: Type.Integer(),
        undelivered: Type.Integer(),
        clicked: Type.Integer(),
        failed: Type.Integer(),
      }),
    ),
  }),
);
export type MessageFiguresView = Static<typeof MessageFiguresReply>;
export const MessageIdParams = Type.Object(
  { id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) },
  { additionalProperties: false },
);
export const ResendReply = Type.Object({ messageId: Type.Integer() });

// GET|POST /u/:token
export const UnsubscribeParams = Type.Object(
  { token: Type.String({ minLength: 10, maxLength: 200, pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$' }) },
  { additionalProperties: false },
);

// GET /m/:token (a message's tracked link: counts the click, redirects to our page)
export const ClickParams = Type.Object(
  { token: Type.String({ minLength: 18, maxLength: 40, pattern: '^[0-9a-z]+\\.[A-Za-z0-9_-]+$' }) },
  { additionalProperties: false },
);

// POST /api/webhooks/sms/status (a delivery receipt, signed like inbound SMS)
export const SmsReceiptBody = Type.Object(
  {
    /** The id the provider answered when it accepted the message. */
    id: Type.String({ minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' }),
    status: Type.Union([Type.Literal('delivered'), Type.Literal('undelivered')]),
    error: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export const SmsReceiptReply = Type.Object({ received: Type.Literal(true), matched: Type.Boolean() });

// POST /api/webhooks/sms/inbound (raw body signed: x-vitalive-signature: t=<ms>,v1=<hex HMAC-SHA256>)
export const SmsInboundHeaders = Type.Object({ 'x-vitalive-signature': Type.String({ maxLength: 200 }) });
export const SmsInboundBody = Type.Object(
  {
    from: Type.String({ minLength: 6, maxLength: 32, pattern: '^\\+[0-9]{6,20}$' }),
    text: Type.String({ maxLength: 1000 }),
  },
  { additionalProperties: false },
);
export const SmsInboundReply = Type.Object({ received: Type.Literal(true), optedOut: Type.Boolean() });
