// The payment provider's callback signature: HMAC-SHA256 over "<t>.<raw body>" in a `t=<ms>,v1=<hex>`
// header, accepted only while the timestamp is within the tolerance on either side of now. Anything
// else (a stale or future timestamp, another secret, a changed body or timestamp, a malformed header)
// is PAYMENT_SIGNATURE_INVALID, never another error.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { manualProvider, signWebhook, webhookProvider } from '../../commerce/internals.ts';
import { isVitaliveError } from '../../protocols/index.ts';

const SECRET = 'whsec-test-0123456789abcdef';
const NOW = 1_760_000_000_000;
const BODY = '{"id":"evt_1","type":"payment.succeeded","orderId":"o-1","amountMinor":1200}';

const provider = (toleranceMs?: number) =>
  webhookProvider({
    reservationMs: 600_000,
    checkoutBaseUrl: 'https://pay.example.test/',
    secret: SECRET,
    ...(toleranceMs === undefined ? {} : { toleranceMs }),
  });

/** The refusal's reason, or 'accepted'; any error other than PAYMENT_SIGNATURE_INVALID fails the test. */
function verdict(header: string | undefined, body = BODY, nowMs = NOW, toleranceMs?: number): string {
  try {
    provider(toleranceMs).verify(header, body, nowMs);
    return 'accepted';
  } catch (e) {
    if (!isVitaliveError(e) || e.code !== 'PAYMENT_SIGNATURE_INVALID') throw e;
    expect(e.statusCode).toBe(401);
    return String(e.params.reason);
  }
}

const mac = (secret: string, t: number | string, body: string) =>
  createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

describe('webhook signatures', () => {
  it('signs as t=<ms>,v1=<hex of HMAC-SHA256 over "<t>.<body>"> and accepts its own signature', () => {
    expect(signWebhook(SECRET, BODY, NOW)).toBe(`t=${NOW},v1=${mac(SECRET, NOW, BODY)}`);
    expect(verdict(signWebhook(SECRET, BODY, NOW))).toBe('accepted');
    // Order of the fields and spaces around them do not matter.
    expect(verdict(` v1 = ${mac(SECRET, NOW, BODY)} , t = ${NOW} `)).toBe('accepted');
  });

  it('refuses another secret, a changed body and a changed timestamp', () => {
    expect(verdict(signWebhook('another-secret', BODY, NOW))).toBe('signature mismatch');
    expect(verdict(signWebhook(SECRET, BODY, NOW), BODY.replace('1200', '120000'))).toBe(
      'signature mismatch',
    );
    // The timestamp is part of what is signed: moving it (to replay an old event as fresh) breaks it.
    const moved = `t=${NOW + 1},v1=${mac(SECRET, NOW, BODY)}`;
    expect(verdict(moved)).toBe('signature mismatch');
  });

  it('accepts a timestamp up to the tolerance away on either side, and not a millisecond more', () => {
    const at = (t: number) => signWebhook(SECRET, BODY, t);
    // Default tolerance: five minutes.
    expect(verdict(at(NOW - 300_000))).toBe('accepted');
    expect(verdict(at(NOW + 300_000))).toBe('accepted');
    expect(verdict(at(NOW - 300_001))).toBe('timestamp outside the tolerance');
    // A timestamp in the future is as suspect as one in the past: a captured event signed ahead of time
    // must not stay valid for longer than the window.
    expect(verdict(at(NOW + 300_001))).toBe('timestamp outside the tolerance');
    expect(verdict(at(NOW + 86_400_000))).toBe('timestamp outside the tolerance');
    // A configured tolerance replaces the default.
    expect(verdict(at(NOW - 1000), BODY, NOW, 1000)).toBe('accepted');
    expect(verdict(at(NOW - 1001), BODY, NOW, 1000)).toBe('timestamp outside the tolerance');
    expect(verdict(at(NOW + 1001), BODY, NOW, 1000)).toBe('timestamp outside the tolerance');
  });

  it('checks against the current time when no time is given', () => {
    const p = provider();
    expect(() => p.verify(signWebhook(SECRET, BODY, Date.now()), BODY)).not.toThrow();
    expect(() => p.verify(signWebhook(SECRET, BODY, Date.now() - 3_600_000), BODY)).toThrow(
      expect.objectContaining({ code: 'PAYMENT_SIGNATURE_INVALID' }),
    );
  });

  it('refuses malformed headers with a coded error, never a crash', () => {
    const good = mac(SECRET, NOW, BODY);
    for (const header of [
      undefined,
      '',
      `v1=${good}`, // no timestamp
      `t=${NOW}`, // no signature
      `t=soon,v1=${good}`,
      `t=${NOW},v1=${good.slice(0, 62)}`, // 31 bytes
      `t=${NOW},v1=${good}00`, // 33 bytes
      `t=${NOW},v1=${'zz'.repeat(32)}`, // not hex
      `t=${NOW},v0=${good}`,
      `t${NOW},v1${good}`,
    ])
      expect(verdict(header), String(header)).toBe('malformed signature header');
    // An empty timestamp reads as 0, long past.
    expect(verdict(`t=,v1=${good}`)).toBe('timestamp outside the tolerance');
  });

  it('a signature of the right length but wrong bytes is a mismatch, not malformed', () => {
    const good = mac(SECRET, NOW, BODY);
    const flipped = (good[0] === '0' ? '1' : '0') + good.slice(1);
    expect(verdict(`t=${NOW},v1=${flipped}`)).toBe('signature mismatch');
    expect(verdict(`t=${NOW},v1=${'0'.repeat(64)}`)).toBe('signature mismatch');
  });
});

describe('payment providers', () => {
  it('the hosted page is under the checkout base URL, with the order id escaped', () => {
    const p = provider();
    expect(p.name).toBe('webhook');
    expect(p.reservationMs).toBe(600_000);
    expect(p.checkoutUrl?.('o/1 2')).toBe('https://pay.example.test/pay/o%2F1%202');
    const bare = webhookProvider({ reservationMs: 1, checkoutBaseUrl: 'https://p.test', secret: SECRET });
    expect(bare.checkoutUrl?.('o-1')).toBe('https://p.test/pay/o-1');
  });

  it('the manual provider has no hosted page', () => {
    const m = manualProvider(86_400_000);
    expect(m).toEqual({ name: 'manual', reservationMs: 86_400_000 });
  });
});
