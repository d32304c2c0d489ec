// Payment providers. `manual`: staff confirm a bank transfer or payment at the clinic counter.
// `webhook`: a hosted payment page; the provider calls back with a signed event (HMAC-SHA256 over
// "<timestamp>.<raw body>", header `t=<ms>,v1=<hex>`), accepted within a tolerance window and at most
// once per provider event id.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { VitaliveError } from '../../protocols/index.ts';
import type { ProviderName } from './tables.ts';

export interface PaymentProvider {
  readonly name: ProviderName;
  /** How long an unpaid order holds its stock. */
  readonly reservationMs: number;
  /** Where the buyer pays, if the provider hosts a page. */
  checkoutUrl?(orderId: string): string;
}

export function manualProvider(reservationMs: number): PaymentProvider {
  return { name: 'manual', reservationMs };
}

export interface WebhookProviderOptions {
  reservationMs: number;
  /** The provider's hosted checkout base URL. */
  checkoutBaseUrl: string;
  /** Shared HMAC key for callbacks. */
  secret: string;
  /** @default 300000 (5 minutes) */
  toleranceMs?: number;
}

export interface WebhookProvider extends PaymentProvider {
  /** Throws PAYMENT_SIGNATURE_INVALID unless the signature matches and the timestamp is fresh. */
  verify(signatureHeader: string | undefined, rawBody: string, nowMs?: number): void;
}

export function signWebhook(secret: string, rawBody: string, timestampMs: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampMs}.${rawBody}`).digest('hex');
  return `t=${timestampMs},v1=${mac}`;
}

export function webhookProvider(opts: WebhookProviderOptions): WebhookProvider {
  const tolerance = opts.toleranceMs ?? 300_000;
  return {
    name: 'webhook',
    reservationMs: opts.reservationMs,
    checkoutUrl: (orderId) => `${opts.checkoutBaseUrl.replace(/\/$/, '')}/pay/${encodeURIComponent(orderId)}`,
    verify(header, rawBody, nowMs = Date.now()) {
      const parts = Object.fromEntries(
        (header ?? '').split(',').map((kv) => {
          const i = kv.indexOf('=');
          return [kv.slice(0, i).trim(), kv.slice(i + 1).trim()];
        }),
      );
      const t = Number(parts.t);
      const given = Buffer.from(String(parts.v1 ?? ''), 'hex');
      if (!Number.isFinite(t) || given.length !== 32)
        throw new VitaliveError('PAYMENT_SIGNATURE_INVALID', { reason: 'malformed signature header' });
      if (Math.abs(nowMs - t) > tolerance)
        throw new VitaliveError('PAYMENT_SIGNATURE_INVALID', { reason: 'timestamp outside the tolerance' });
      const expected = createHmac('sha256', opts.secret).update(`${t}.${rawBody}`).digest();
      if (!timingSafeEqual(expected, given))
        throw new VitaliveError('PAYMENT_SIGNATURE_INVALID', { reason: 'signature mismatch' });
    },
  };
}
