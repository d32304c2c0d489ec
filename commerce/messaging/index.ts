export type { ChannelSender, ChannelSenders, Delivery } from './channel-sender.ts';
export type { ChannelFigures, KindFigures, LogFilter, LoggedMessage } from './delivery-log.ts';
export type { DeliveryOptions } from './delivery-worker.ts';
export { isQueuedKind, KINDS, type KindSpec, type MessageParams, type QueuedKind, render } from './kinds.ts';
export { LiveReminders } from './live-reminders.ts';
export {
  chooseLocale,
  DEFAULT_MESSAGE_LOCALE,
  MESSAGE_LOCALES,
  type MessageLocale,
  messageLocaleOf,
} from './locale.ts';
export { DEFAULT_DELIVERY, DEFAULT_SCHEDULER, Messaging, type MessagingOptions } from './messaging.ts';
export { type MessageKind, type Messenger, type OutgoingMessage, silentMessenger } from './messenger.ts';
export { DEFAULT_TIME_ZONE, isTimeZone } from './policy.ts';
export { CHANNELS, type MessagingProfile, type ProfilePatch } from './profile.ts';
export type { JobHandler, JobPayload, Scheduler, SchedulerOptions } from './scheduler.ts';
export type { DeliveryChannel, MessageReceipt, MessageStatus } from './tables.ts';
export { type MessageText, WORDING } from './texts.ts';
export { unsubscribeToken, verifyUnsubscribeToken } from './unsubscribe-token.ts';
