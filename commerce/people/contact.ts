// Contact normalisation: one canonical spelling per e-mail address and phone number, so uniqueness and
// look-ups do not depend on how someone typed them.
import { VitaliveError } from '../../protocols/index.ts';

export type ContactField = 'email' | 'phone';

const EMAIL_MAX = 254; // RFC 5321 path limit
const EMAIL_SHAPE = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;

/** Trimmed, Unicode-NFC and lower-cased; throws CONTACT_INVALID when it cannot be an address. */
export function normaliseEmail(raw: string): string {
  const email = raw.trim().normalize('NFC').toLowerCase();
  if (email.length > EMAIL_MAX || !EMAIL_SHAPE.test(email) || email.includes('..')) {
    throw new VitaliveError('CONTACT_INVALID', { field: 'email', reason: 'not an e-mail address' });
  }
  return email;
}

// E.164 allows at most 15 digits including the country code; fewer than 8 is no real subscriber number.
const PHONE_MIN_DIGITS = 8;
const PHONE_MAX_DIGITS = 15;

/**
 * '+' followed by digits (E.164 shape). Spaces, dashes, dots and brackets are dropped; a leading '00' is
 * the international prefix; a national number (optionally with a trunk '0') gets defaultCountryCode.
 */
export function normalisePhone(raw: string, defaultCountryCode?: string): string {
  const compact = raw.trim().replace(/[\s\-.()]/g, '');
  let digits: string;
  if (compact.startsWith('+')) digits = compact.slice(1);
  else if (compact.startsWith('00')) digits = compact.slice(2);
  else if (defaultCountryCode) digits = defaultCountryCode + compact.replace(/^0/, '');
  else {
    throw new VitaliveError('CONTACT_INVALID', {
      field: 'phone',
      reason: 'write it in international form, e.g. +8613800138000',
    });
  }
  if (!/^[1-9][0-9]*$/.test(digits) || digits.length < PHONE_MIN_DIGITS || digits.length > PHONE_MAX_DIGITS) {
    throw new VitaliveError('CONTACT_INVALID', {
      field: 'phone',
      reason: `expected ${PHONE_MIN_DIGITS}-${PHONE_MAX_DIGITS} digits after the country code prefix`,
    });
  }
  return `+${digits}`;
}

export interface Contacts {
  email: string | null;
  phone: string | null;
}

/** Normalises the given contacts and demands at least one. */
export function normaliseContacts(
  input: { email?: string | undefined; phone?: string | undefined },
  defaultCountryCode: string | undefined,
): Contacts {
  const email = input.email ? normaliseEmail(input.email) : null;
  const phone = input.phone ? normalisePhone(input.phone, defaultCountryCode) : null;
  if (!email && !phone) {
    throw new VitaliveError('CONTACT_INVALID', { field: 'email or phone', reason: 'give at least one' });
  }
  return { email, phone };
}

/** A login is an e-mail address when it has an '@', else a phone number. */
export function parseLogin(
  raw: string,
  defaultCountryCode: string | undefined,
): { field: ContactField; value: string } {
  return raw.includes('@')
    ? { field: 'email', value: normaliseEmail(raw) }
    : { field: 'phone', value: normalisePhone(raw, defaultCountryCode) };
}
