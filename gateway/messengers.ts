// The Messenger adapters the composition root plugs into commerce: e-mail over SMTP (nodemailer), SMS
// through an HTTP provider, and, when neither is configured, the log (development only).
//
// SMS wire format (docs/accounts.md): POST SMS_PROVIDER_URL with
//   Authorization: Bearer <SMS_PROVIDER_KEY>, Content-Type: application/json,
//   body {"to": "+8613800138000", "text": "您的 Vitalive 验证码是 123456…", "kind": "contact_code", "locale": "zh-Hans"}
// Any 2xx answer means the provider took the message.
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Messenger, OutgoingMessage } from '../commerce/index.ts';
import type { PlatformConfig } from './config.ts';

/** A provider that does not answer within this is treated as down. */
const SMS_TIMEOUT_MS = 10_000;

export function smtpMessenger(smtpUrl: string, from: string): Messenger & { close(): void } {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(m: OutgoingMessage) {
      await transport.sendMail({
        from,
        to: m.to.value,
        subject: m.subject,
        text: m.text,
        headers: { 'Content-Language': m.locale },
      });
    },
    close: () => transport.close(),
  };
}

export function httpSmsMessenger(providerUrl: string, key: string | undefined): Messenger {
  return {
    async send(m: OutgoingMessage) {
      const res = await fetch(providerUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(key ? { authorization: `Bearer ${key}` } : {}),
        },
        body: JSON.stringify({ to: m.to.value, text: m.text, kind: m.kind, locale: m.locale }),
        signal: AbortSignal.timeout(SMS_TIMEOUT_MS),
      });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`SMS provider answered ${res.status}`);
    },
  };
}

/** Writes the message, code included, to the log: never for production. */
export function logMessenger(logger: Logger, channel: 'email' | 'phone'): Messenger {
  return {
    async send(m: OutgoingMessage) {
      logger.warn(
        { kind: m.kind, channel, text: m.text },
        `DEVELOPMENT ONLY: no ${channel === 'email' ? 'SMTP_URL' : 'SMS_PROVIDER_URL'} set, so this message to a person is written here instead of being sent`,
      );
    },
  };
}

/** E-mail through SMTP and phones through the SMS provider, each falling back to the log when unset. */
export function createMessenger(
  config: PlatformConfig['contacts'],
  logger: Logger,
): Messenger & { close(): void } {
  const email = config.smtpUrl ? smtpMessenger(config.smtpUrl, config.smtpFrom) : undefined;
  const sms = config.smsProviderUrl
    ? httpSmsMessenger(config.smsProviderUrl, config.smsProviderKey)
    : logMessenger(logger, 'phone');
  const emailOrLog = email ?? logMessenger(logger, 'email');
  if (!email && !config.smsProviderUrl) {
    logger.warn(
      'neither SMTP_URL nor SMS_PROVIDER_URL is set: one-time codes are written to this log (development only)',
    );
  }
  return {
    async send(m) {
      try {
        await (m.to.field === 'email' ? emailOrLog : sms).send(m);
      } catch (err) {
        // Logged here since some messages are sent after the request has been answered.
        logger.error(
          { err: (err as Error).message, kind: m.kind, channel: m.to.field },
          'message not delivered',
        );
        throw err;
      }
    },
    close: () => email?.close(),
  };
}
