// The channel adapters queued messages go out through: e-mail over SMTP (nodemailer, with the
// unsubscribe link of promotional mail in the text and in List-Unsubscribe), SMS through the HTTP
// provider (the wire format of docs/accounts.md), WeChat template messages; and, for a channel with
// nothing configured, the log (development only).
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { ChannelSender, ChannelSenders, Delivery } from '../../commerce/index.ts';
import type { PlatformConfig } from '../config.ts';
import { WechatClient } from './wechat.ts';

const SMS_TIMEOUT_MS = 10_000;

const UNSUBSCRIBE_LINE: Record<Delivery['locale'], string> = {
  en: 'Unsubscribe from promotions:',
  'zh-Hans': '退订推广消息：',
  'zh-Hant': '退訂推廣訊息：',
};

export function smtpSender(smtpUrl: string, from: string): ChannelSender & { close(): void } {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(d) {
      const text = d.unsubscribeUrl
        ? `${d.text}\n\n${UNSUBSCRIBE_LINE[d.locale]} ${d.unsubscribeUrl}`
        : d.text;
      const info = await transport.sendMail({
        from,
        to: d.to,
        subject: d.subject,
        text,
        headers: {
          'Content-Language': d.locale,
          ...(d.unsubscribeUrl
            ? {
                'List-Unsubscribe': `<${d.unsubscribeUrl}>`,
                'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
              }
            : {}),
        },
      });
      return { providerId: info.messageId };
    },
    close: () => transport.close(),
  };
}

export function httpSmsSender(providerUrl: string, key: string | undefined): ChannelSender {
  return {
    async send(d) {
      const res = await fetch(providerUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify({ to: d.to, text: d.text, kind: d.kind, locale: d.locale }),
        signal: AbortSignal.timeout(SMS_TIMEOUT_MS),
      });
      const body = res.ok ? ((await res.json().catch(() => ({}))) as { id?: unknown }) : undefined;
      if (!res.ok) {
        await res.body?.cancel();
        throw new Error(`SMS provider answered ${res.status}`);
      }
      return { providerId: typeof body?.id === 'string' ? body.id : undefined };
    },
  };
}

export function logSender(logger: Logger, channel: string): ChannelSender {
  return {
    async send(d) {
      logger.warn(
        { kind: d.kind, channel, locale: d.locale },
        `DEVELOPMENT ONLY: no ${channel} provider set; message not sent`,
      );
      return {};
    },
  };
}

export interface BuiltSenders {
  senders: ChannelSenders;
  /** Present when the official account is configured (web authorisation needs it too). */
  wechat: WechatClient | undefined;
  close(): void;
}

/** Adapters from the configuration: WeChat only when its app id, secret and template are set. */
export function createChannelSenders(config: PlatformConfig, logger: Logger): BuiltSenders {
  const c = config.contacts;
  const m = config.messaging;
  const email = c.smtpUrl ? smtpSender(c.smtpUrl, c.smtpFrom) : undefined;
  const wechat =
    m.wechatAppId && m.wechatAppSecret
      ? new WechatClient({
          apiUrl: m.wechatApiUrl,
          appId: m.wechatAppId,
          appSecret: m.wechatAppSecret,
          templateId: m.wechatTemplateId,
        })
      : undefined;
  return {
    senders: {
      email: email ?? logSender(logger, 'email'),
      sms: c.smsProviderUrl ? httpSmsSender(c.smsProviderUrl, c.smsProviderKey) : logSender(logger, 'sms'),
      ...(wechat && m.wechatTemplateId ? { wechat } : {}),
    },
    wechat,
    close: () => email?.close(),
  };
}
