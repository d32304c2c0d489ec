// Replies people send to our SMS number, as the provider forwards them: signed over the raw body
// (x-vitalive-signature: t=<ms>,v1=<hex HMAC-SHA256 of "<t>.<body>">), within five minutes. A reply of
// TD (the opt-out word Chinese carriers require), T, STOP or 退订 opts the number out.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { VitaliveError } from '../../protocols/index.ts';

const TOLERANCE_MS = 300_000;
const OPT_OUT_WORDS = new Set(['TD', 'T', 'STOP', 'UNSUBSCRIBE', '退订', '退訂']);

export function signInbound(secret: string, rawBody: string, timestampMs: number): string {
  return `t=${timestampMs},v1=${createHmac('sha256', secret).update(`${timestampMs}.${rawBody}`).digest('hex')}`;
}

export function verifyInbound(
  secret: string | undefined,
  header: string | undefined,
  rawBody: string,
  nowMs = Date.now(),
): void {
  if (!secret)
    throw new VitaliveError('INBOUND_SIGNATURE_INVALID', { reason: 'inbound SMS is not configured' });
  const parts = Object.fromEntries(
    (header ?? '').split(',').map((kv) => {
      const i = kv.indexOf('=');
      return [kv.slice(0, i).trim(), kv.slice(i + 1).trim()];
    }),
  );
  const t = Number(parts.t);
  const given = Buffer.from(String(parts.v1 ?? ''), 'hex');
  if (!Number.isFinite(t) || given.length !== 32)
    throw new VitaliveError('INBOUND_SIGNATURE_INVALID', { reason: 'malformed signature header' });
  if (Math.abs(nowMs - t) > TOLERANCE_MS)
    throw new VitaliveError('INBOUND_SIGNATURE_INVALID', { reason: 'timestamp outside the tolerance' });
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  if (!timingSafeEqual(expected, given))
    throw new VitaliveError('INBOUND_SIGNATURE_INVALID', { reason: 'signature mismatch' });
}

/** True for a reply that asks to stop (case, spaces and a trailing full stop ignored). */
export function isOptOut(text: string): boolean {
  return OPT_OUT_WORDS.has(
    text
      .trim()
      .replace(/[.。!！]$/, '')
      .toUpperCase(),
  );
}
