// Short human codes (member, referral, channel invite, reset): drawn from an alphabet without look-alike
// characters, because they are read aloud, typed from printouts and scanned at venues.
import { randomInt } from 'node:crypto';

/** Digits 2-9 and A-Z without I, L and O: no 0/O or 1/I/L confusion. 31 characters. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** 31^6 ≈ 887 million: ample for one brand's members and still short enough to read off a screen. */
export const MEMBER_CODE_LENGTH = 6;
export const REFERRAL_CODE_LENGTH = 8;
export const INVITE_CODE_LENGTH = 8;
/** Reset codes guard an account; 31^10 ≈ 8 × 10^14, and guesses are throttled per account and IP. */
export const RESET_CODE_LENGTH = 10;
/** Bootstrap one-time passwords: 31^16 ≈ 7 × 10^23. */
export const ONE_TIME_PASSWORD_LENGTH = 16;

/** Collisions are rare (a few per million at a million members); a fixed bound keeps a bug from spinning. */
export const MAX_CODE_ATTEMPTS = 8;

/** Where new codes come from; tests pass a scripted source to force collisions. */
export type CodeSource = (length: number) => string;

export const randomCode: CodeSource = (length) => {
  let code = '';
  for (let i = 0; i < length; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
};

const CODE_CHARS = /^[2-9A-HJKMNP-Z]+$/;

export function isCode(value: string, length: number): boolean {
  return value.length === length && CODE_CHARS.test(value);
}

/**
 * Accepts what a person typed or a scanner read (any case, spaces or dashes between groups) and returns
 * the canonical code, or undefined when it cannot be one.
 */
export function normaliseCode(input: string, length: number): string | undefined {
  const compact = input.replace(/[\s-]/g, '').toUpperCase();
  return isCode(compact, length) ? compact : undefined;
}
