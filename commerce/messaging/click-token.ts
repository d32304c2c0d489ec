// The token in a message's tracked link (`/m/<token>`): the message id and an HMAC over it, so the
// link counts a click for that message only and cannot be made up for another. It never expires (an
// old message's link still opens the page); it says nothing about the person.
import { createHmac, timingSafeEqual } from 'node:crypto';

const PURPOSE = 'vitalive-message-click-v1';
/** 96 bits of HMAC-SHA256: enough against guessing, short enough for an SMS. */
const MAC_BYTES = 12;
const TOKEN_RE = /^[0-9a-z]{1,11}\.[A-Za-z0-9_-]{16}$/;

function sign(secret: string, messageId: number): Buffer {
  return createHmac('sha256', secret).update(`${PURPOSE}\n${messageId}`).digest().subarray(0, MAC_BYTES);
}

export function clickToken(secret: string, messageId: number): string {
  return `${messageId.toString(36)}.${sign(secret, messageId).toString('base64url')}`;
}

/** The message a token names, or undefined when it is malformed or not signed with `secret`. */
export function verifyClickToken(secret: string, token: string): number | undefined {
  if (!TOKEN_RE.test(token)) return undefined;
  const [id36, mac] = token.split('.') as [string, string];
  const messageId = Number.parseInt(id36, 36);
  if (!Number.isSafeInteger(messageId) || messageId < 1) return undefined;
  const got = Buffer.from(mac, 'base64url');
  return got.length === MAC_BYTES && timingSafeEqual(got, sign(secret, messageId)) ? messageId : undefined;
}
