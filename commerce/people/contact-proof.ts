// One-time codes that prove a contact (e-mail or phone) belongs to whoever asks for it. Registration
// waits here until its code comes back, and only then creates the account or joins the prospect with
// that contact; an account's unproven contact (from before proofs existed, or the second contact of a
// registration) is proved the same way. Codes are 6 digits, stored hashed, short-lived, with a few tries
// each; asking for codes is budgeted per contact and per client IP before any password is hashed.
import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { type MessageLocale, type Messenger, type OutgoingMessage, WORDING } from '../messaging/index.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { type ContactField, type Contacts, parseLogin } from './contact.ts';
import { budgetKey, giveBack, takeBudget } from './login-throttle.ts';

export const CONTACT_CODE_DIGITS = 6;

export interface ContactProofLimits {
  /** Lifetime of a code. */
  codeTtlMs: number;
  /** Wrong guesses a code survives before it is void. */
  maxTries: number;
  /** Codes (and registrations) per contact per window; 0 disables. */
  sendsPerContact: number;
  /** Codes (and registrations) per client IP per window; 0 disables. */
  sendsPerIp: number;
  /** Code checks per client IP per window (successes given back); 0 disables. */
  checksPerIp: number;
  windowMs: number;
}

/** A registration's details, kept with its codes until one of them is proved. */
export interface PendingRegistration {
  displayName: string;
  email: string | null;
  phone: string | null;
  passwordHash: string;
  referralCode?: string | undefined;
  channelCode?: string | undefined;
  /** The language of the form it was made on; the account keeps it. */
  locale?: string | undefined;
}

type Contact = { field: ContactField; value: string };

function hashCode(id: string, code: string): Buffer {
  return createHash('sha256').update(`${id}:${code}`).digest();
}

const newCode = () => String(randomInt(0, 10 ** CONTACT_CODE_DIGITS)).padStart(CONTACT_CODE_DIGITS, '0');

export function codeMessage(
  to: Contact,
  code: string,
  ttlMs: number,
  locale: MessageLocale,
): OutgoingMessage {
  return { to, kind: 'contact_code', locale, ...WORDING[locale].code(code, Math.round(ttlMs / 60_000)) };
}

export function takenMessage(to: Contact, locale: MessageLocale): OutgoingMessage {
  return { to, kind: 'contact_taken', locale, ...WORDING[locale].taken(to.field) };
}

/** Takes one code from the contact's and the IP's budgets; throws CONTACT_CODE_THROTTLED when spent. */
export async function chargeSend(
  db: Kysely<Database>,
  contacts: readonly string[],
  ip: string,
  limits: ContactProofLimits,
  nowMs: number,
): Promise<void> {
  const waits = await Promise.all([
    takeBudget(db, budgetKey('ci', ip), limits.sendsPerIp, limits.windowMs, nowMs),
    ...contacts.map((c) =>
      takeBudget(db, budgetKey('cs', c), limits.sendsPerContact, limits.windowMs, nowMs),
    ),
  ]);
  const retryAfterSec = Math.max(...waits);
  if (retryAfterSec > 0) throw new VitaliveError('CONTACT_CODE_THROTTLED', { retryAfterSec });
}

/** Voids the contact's live codes and issues a new one; returns the code in clear for sending. */
export async function issueContactCode(
  trx: Kysely<Database>,
  to: Contact,
  owner: { personId: string } | { registrationId: string; registration: PendingRegistration },
  ttlMs: number,
  nowMs: number,
): Promise<string> {
  await trx
    .updateTable('contact_codes')
    .set({ used_at_ms: nowMs })
    .where('contact', '=', to.value)
    .where('used_at_ms', 'is', null)
    .execute();
  const id = randomUUID();
  const code = newCode();
  await trx
    .insertInto('contact_codes')
    .values({
      id,
      field: to.field,
      contact: to.value,
      person_id: 'personId' in owner ? owner.personId : null,
      registration: 'registration' in owner ? JSON.stringify(owner.registration) : null,
      registration_id: 'registrationId' in owner ? owner.registrationId : null,
      code_hash: hashCode(id, code).toString('hex'),
      tries: 0,
      created_at_ms: nowMs,
      expires_at_ms: nowMs + ttlMs,
      used_at_ms: null,
    })
    .execute();
  return code;
}

export type ProvedCode =
  | {
      kind: 'registration';
      id: string;
      field: ContactField;
      contact: string;
      registrationId: string;
      registration: PendingRegistration;
    }
  | { kind: 'account'; id: string; field: ContactField; contact: string; personId: string };

/**
 * Checks a code against the contact's live one, counting the try first (so parallel guesses cannot
 * exceed maxTries), and returns what it proves. Does not mark it used: the caller does, in the
 * transaction that acts on it.
 */
export async function checkContactCode(
  store: Store,
  input: { contact: string; code: string; ip: string },
  limits: ContactProofLimits,
  defaultPhoneCountryCode: string | undefined,
  nowMs: number,
): Promise<ProvedCode> {
  const ipKey = budgetKey('cv', input.ip);
  const wait = await takeBudget(store.db, ipKey, limits.checksPerIp, limits.windowMs, nowMs);
  if (wait > 0) throw new VitaliveError('CONTACT_CODE_THROTTLED', { retryAfterSec: wait });
  const to = parseLogin(input.contact, defaultPhoneCountryCode);
  const code = input.code.replace(/[\s-]/g, '');
  const row = await store.db
    .selectFrom('contact_codes')
    .selectAll()
    .where('contact', '=', to.value)
    .where('used_at_ms', 'is', null)
    .where('expires_at_ms', '>', nowMs)
    .orderBy('created_at_ms', 'desc')
    .executeTakeFirst();
  if (!row || !/^[0-9]{6}$/.test(code)) throw new VitaliveError('CONTACT_CODE_INVALID');
  const counted = await store.db
    .updateTable('contact_codes')
    .set((eb) => ({ tries: eb('tries', '+', 1) }))
    .where('id', '=', row.id)
    .where('tries', '<', limits.maxTries)
    .executeTakeFirst();
  if (Number(counted.numUpdatedRows) === 0) throw new VitaliveError('CONTACT_CODE_INVALID');
  if (!timingSafeEqual(Buffer.from(row.code_hash, 'hex'), hashCode(row.id, code))) {
    throw new VitaliveError('CONTACT_CODE_INVALID');
  }
  await giveBack(store.db, ipKey);
  const base = { id: row.id, field: row.field, contact: row.contact };
  if (row.person_id !== null) return { ...base, kind: 'account', personId: row.person_id };
  return {
    ...base,
    kind: 'registration',
    registrationId: row.registration_id!,
    registration: JSON.parse(row.registration!) as PendingRegistration,
  };
}

/** Marks a checked code used; false when a concurrent request used it first. */
export async function useContactCode(trx: Kysely<Database>, id: string, nowMs: number): Promise<boolean> {
  const used = await trx
    .updateTable('contact_codes')
    .set({ used_at_ms: nowMs })
    .where('id', '=', id)
    .where('used_at_ms', 'is', null)
    .executeTakeFirst();
  return Number(used.numUpdatedRows) === 1;
}

/** The contacts of a person that a code (or staff) proved; a null contact is never proven. */
export function provenField(
  row: { email_proven_at_ms?: number | null; phone_proven_at_ms?: number | null },
  field: ContactField,
): boolean {
  const at = field === 'email' ? row.email_proven_at_ms : row.phone_proven_at_ms;
  return at !== null && at !== undefined;
}

/** Sends each message; a delivery failure is a coded 503, never a hint about which contact failed. */
export async function deliver(messenger: Messenger, messages: readonly OutgoingMessage[]): Promise<void> {
  try {
    await Promise.all(messages.map((m) => messenger.send(m)));
  } catch (err) {
    throw new VitaliveError('SERVICE_UNAVAILABLE', { what: 'message delivery' }, { cause: err });
  }
}

/** The contacts of a request, each as its own item, e-mail first. */
export function contactList(contacts: Contacts): Contact[] {
  const out: Contact[] = [];
  if (contacts.email) out.push({ field: 'email', value: contacts.email });
  if (contacts.phone) out.push({ field: 'phone', value: contacts.phone });
  return out;
}
