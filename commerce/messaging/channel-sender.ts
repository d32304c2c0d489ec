// The port each delivery channel's adapter implements (the gateway plugs in SMTP, the SMS provider and
// the WeChat official account). A rejection is a failed attempt: the worker retries it later.
import type { MessageLocale } from './locale.ts';
import type { DeliveryChannel } from './tables.ts';

export interface Delivery {
  channel: DeliveryChannel;
  /** E-mail address, phone number or WeChat openid. */
  to: string;
  kind: string;
  locale: MessageLocale;
  subject: string;
  text: string;
  /** Where the message leads (the live page, the pay link), for channels that carry a link apart. */
  url: string | null;
  /** Promotional e-mails: the one-click unsubscribe link. */
  unsubscribeUrl: string | null;
}

export interface ChannelSender {
  /** Resolves with the provider's id for the message when it gives one. */
  send(delivery: Delivery): Promise<{ providerId?: string | undefined }>;
}

export type ChannelSenders = Partial<Record<DeliveryChannel, ChannelSender>>;
