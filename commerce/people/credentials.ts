// Logging in and changing a password: throttled per account and IP and per account across IPs,
// scrypt-verified in constant time (also when the account does not exist), old hashes upgraded to the
// current cost on success.
import type { Kysely } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { messageLocaleOf } from '../messaging/index.ts';
import { appendEvent } from '../outbox.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { parseLogin } from './contact.ts';
import { provenField } from './contact-proof.ts';
import { attemptSucceeded, countAttempt, type ThrottleLimits, throttleKeys } from './login-throttle.ts';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './password.ts';
import { getPersonOrThrow, type Person, type PersonRow } from './person-model.ts';
import { type IssuedRefreshToken, issueRefreshToken, revokeAllRefreshTokens } from './refresh-tokens.ts';

export interface CredentialOptions {
  scryptLog2N: number;
  throttle: ThrottleLimits;
  refreshTtlMs: number;
  defaultPhoneCountryCode: string | undefined;
}

export interface LoginResult {
  person: Person;
  refresh: IssuedRefreshToken;
}

/** The member a login (e-mail or phone) names, if any; prospects have no password and cannot log in. */
export async function memberByLogin(
  db: Kysely<Database>,
  login: string,
  defaultPhoneCountryCode: string | undefined,
): Promise<PersonRow | undefined> {
  let parsed: ReturnType<typeof parseLogin>;
  try {
    parsed = parseLogin(login, defaultPhoneCountryCode);
  } catch {
    return undefined;
  }
  return db
    .selectFrom('people')
    .selectAll()
    .where(parsed.field, '=', parsed.value)
    .where('kind', '=', 'member')
    .executeTakeFirst();
}

/** The throttle keys of a login attempt: the normalised login when it parses, else the raw text. */
export function attemptKeys(
  login: string,
  ip: string,
  defaultPhoneCountryCode: string | undefined,
  purpose: 'a' | 'r' = 'a',
) {
  let canonical: string;
  try {
    canonical = parseLogin(login, defaultPhoneCountryCode).value;
  } catch {
    canonical = login.trim().toLowerCase();
  }
  return throttleKeys(canonical, ip, purpose);
}

/**
 * A password opens an account by a contact only when that contact is proven, or when the account never
 * was a prospect (it holds no data that came from someone's invitation, test or device readings).
 */
function assertLoginContactProven(
  row: PersonRow,
  login: string,
  defaultPhoneCountryCode: string | undefined,
) {
  const { field } = parseLogin(login, defaultPhoneCountryCode);
  if (provenField(row, field)) return;
  const wasProspect =
    row.registered_at_ms !== null && Number(row.registered_at_ms) > Number(row.created_at_ms);
  if (wasProspect) throw new VitaliveError('AUTH_CONTACT_UNPROVEN', { field });
}

/** What a login attempt brings: the login and password, the client IP, and its device proof if any. */
export interface LoginAttempt {
  login: string;
  password: string;
  ip: string;
  /** The person whose earlier successful login this client proves (a signed cookie); undefined: none. */
  knownDeviceOf?: string | undefined;
  /** The language of the app logged in from (a tag or an Accept-Language value): messages follow it. */
  locale?: string | undefined;
}

/** Counts the attempt, then checks the password; returns the member row on success. */
async function verifyLogin(
  store: Store,
  input: LoginAttempt,
  opts: CredentialOptions,
  nowMs: number,
): Promise<PersonRow> {
  const keys = attemptKeys(input.login, input.ip, opts.defaultPhoneCountryCode);
  const row = await memberByLogin(store.db, input.login, opts.defaultPhoneCountryCode);
  const knownDevice = row !== undefined && input.knownDeviceOf === row.id;
  const { accountLocked } = await countAttempt(store.db, keys, opts.throttle, nowMs, { knownDevice });
  // The hash is checked also when locked, so a locked account answers like a wrong password, in as long.
  const hash = row?.password_hash ?? (await dummyHash(opts.scryptLog2N));
  const ok = await verifyPassword(input.password, hash);
  if (accountLocked || !row?.password_hash || !ok) throw new VitaliveError('AUTH_INVALID_CREDENTIALS');
  await attemptSucceeded(store.db, keys);
  assertLoginContactProven(row, input.login, opts.defaultPhoneCountryCode);
  return row;
}

export async function login(
  store: Store,
  input: LoginAttempt,
  opts: CredentialOptions,
  nowMs: number,
): Promise<LoginResult> {
  const row = await verifyLogin(store, input, opts, nowMs);
  const locale = messageLocaleOf(input.locale);
  if (locale && locale !== row.locale) {
    await store.db.updateTable('people').set({ locale }).where('id', '=', row.id).execute();
  }
  if (Number(row.must_change_password) === 1) throw new VitaliveError('AUTH_PASSWORD_CHANGE_REQUIRED');
  if (needsRehash(row.password_hash!, opts.scryptLog2N)) {
    const upgraded = await hashPassword(input.password, opts.scryptLog2N);
    // Conditional on the old hash, so a password changed meanwhile is never overwritten.
    await store.db
      .updateTable('people')
      .set({ password_hash: upgraded })
      .where('id', '=', row.id)
      .where('password_hash', '=', row.password_hash)
      .execute();
  }
  const refresh = await issueRefreshToken(store.db, row.id, opts.refreshTtlMs, nowMs);
  return { person: await getPersonOrThrow(store.db, row.id), refresh };
}

/**
 * Sets a new password after proving the current one. This is also how a single-use password (from the
 * bootstrap command) is replaced. Every other session of the person ends; a new one starts.
 */
export async function changePassword(
  store: Store,
  input: {
    login: string;
    currentPassword: string;
    newPassword: string;
    ip: string;
    knownDeviceOf?: string | undefined;
  },
  opts: CredentialOptions,
  nowMs: number,
): Promise<LoginResult> {
  const row = await verifyLogin(
    store,
    { login: input.login, password: input.currentPassword, ip: input.ip, knownDeviceOf: input.knownDeviceOf },
    opts,
    nowMs,
  );
  if (input.newPassword === input.currentPassword) {
    throw new VitaliveError('VALIDATION_FAILED', {
      reason: 'the new password must differ from the current one',
    });
  }
  const hash = await hashPassword(input.newPassword, opts.scryptLog2N);
  return store.transaction(async (trx) => {
    const updated = await trx
      .updateTable('people')
      .set({ password_hash: hash, must_change_password: 0, updated_at_ms: nowMs })
      .where('id', '=', row.id)
      .where('password_hash', '=', row.password_hash)
      .executeTakeFirst();
    // Someone changed it between our check and now: the current password we checked is stale.
    if (Number(updated.numUpdatedRows) === 0) throw new VitaliveError('AUTH_INVALID_CREDENTIALS');
    await revokeAllRefreshTokens(trx, row.id, nowMs);
    await appendEvent(
      trx,
      {
        type: 'person.credentials_changed',
        aggregateId: row.id,
        payload: { personId: row.id, via: 'change' },
      },
      nowMs,
    );
    const refresh = await issueRefreshToken(trx, row.id, opts.refreshTtlMs, nowMs);
    return { person: await getPersonOrThrow(trx, row.id), refresh };
  });
}
