// The token in a promotional e-mail's unsubscribe link: the person's id and an HMAC over it, so the
// link works without signing in and cannot be forged for someone else. It never expires: an old
// e-mail's link must still work (it can only ever turn marketing consent off).
import { createHmac, timingSafeEqual } from 'node:crypto';

const PURPOSE = 'vitalive-unsubscribe-v1';
/** Person ids are UUIDs; anything longer is not a token of ours. */
const MAX_TOKEN_CHARS = 200;

function sign(secret: string, personId: string): string {
  return createHmac('sha256', secret).update(`${PURPOSE}\n${personId}`).digest('base64url');
}

export function unsubscribeToken(secret: string, personId: string): string {
  return `${Buffer.from(personId).toString('base64url')}.${sign(secret, personId)}`;
}

/** The person a token names, or undefined when it is malformed or not signed with `secret`. */
export function verifyUnsubscribeToken(secret: string, token: string): string | undefined {
  if (token.length > MAX_TOKEN_CHARS) return undefined;
  const [id64, mac, extra] = token.split('.');
  if (!id64 || !mac || extra !== undefined) return undefined;
  const personId = Buffer.from(id64, 'base64url').toString('utf8');
  const want = Buffer.from(sign(secret, personId));
  const got = Buffer.from(mac);
  return got.length === want.length && timingSafeEqual(got, want) ? personId : undefined;
}
