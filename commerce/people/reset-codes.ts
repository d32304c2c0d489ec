// Password reset without e-mail or SMS: staff issue a one-time code (short-lived, stored hashed) and hand
// it to the person, who sets a new password with it. Only an admin may reset a staff or admin account,
// since whoever issues a code could use it. Using a code ends all the person's sessions.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { VitaliveError } from '../../protocols/index.ts';
import { appendEvent } from '../outbox.ts';
import type { Store } from '../store.ts';
import { isAdmin, requireRole } from './access-scope.ts';
import { type CodeSource, normaliseCode, RESET_CODE_LENGTH } from './codes.ts';
import { attemptKeys, type CredentialOptions, memberByLogin } from './credentials.ts';
import { attemptSucceeded, countAttempt } from './login-throttle.ts';
import { hashPassword } from './password.ts';
import { type Actor, findPersonRow, rolesOf } from './person-model.ts';
import { revokeAllRefreshTokens } from './refresh-tokens.ts';

function hashCode(code: string): Buffer {
  return createHash('sha256').update(code).digest();
}

export interface IssuedResetCode {
  code: string;
  expiresAtMs: number;
}

/** Issues a new code and voids any earlier unused one. */
export async function issueResetCode(
  store: Store,
  actor: Actor,
  personId: string,
  opts: { ttlMs: number; codes: CodeSource; nowMs: number },
): Promise<IssuedResetCode> {
  requireRole(actor, 'admin', 'staff');
  return store.transaction(async (trx) => {
    const row = await findPersonRow(trx, personId);
    if (!row) throw new VitaliveError('NOT_FOUND', { what: 'person' });
    if (row.kind !== 'member') {
      throw new VitaliveError('CONFLICT', {
        reason: 'a prospect has no password yet; they register instead',
      });
    }
    const roles = (await rolesOf(trx, [personId])).get(personId) ?? [];
    if (!isAdmin(actor) && roles.some((r) => r === 'admin' || r === 'staff')) {
      throw new VitaliveError('FORBIDDEN', { reason: 'only an admin may reset a staff or admin account' });
    }
    const { nowMs } = opts;
    await trx
      .updateTable('password_reset_codes')
      .set({ used_at_ms: nowMs })
      .where('person_id', '=', personId)
      .where('used_at_ms', 'is', null)
      .execute();
    const code = opts.codes(RESET_CODE_LENGTH);
    const expiresAtMs = nowMs + opts.ttlMs;
    await trx
      .insertInto('password_reset_codes')
      .values({
        id: randomUUID(),
        person_id: personId,
        code_hash: hashCode(code).toString('hex'),
        issued_by: actor.personId,
        created_at_ms: nowMs,
        expires_at_ms: expiresAtMs,
        used_at_ms: null,
      })
      .execute();
    await appendEvent(
      trx,
      {
        type: 'person.reset_code_issued',
        aggregateId: personId,
        payload: { personId, by: actor.personId, expiresAtMs },
      },
      nowMs,
    );
    return { code, expiresAtMs };
  });
}

/** Sets a new password with a valid code; throttled like a login, since codes can be guessed at. */
export async function resetPassword(
  store: Store,
  input: { login: string; code: string; newPassword: string; ip: string },
  opts: CredentialOptions,
  nowMs: number,
): Promise<{ personId: string }> {
  // Its own count, so an account locked by failed logins can still be unlocked with a code.
  const keys = attemptKeys(input.login, input.ip, opts.defaultPhoneCountryCode, 'r');
  const { accountLocked } = await countAttempt(store.db, keys, opts.throttle, nowMs);
  const row = await memberByLogin(store.db, input.login, opts.defaultPhoneCountryCode);
  const code = normaliseCode(input.code, RESET_CODE_LENGTH);
  if (accountLocked || !row || !code) throw new VitaliveError('AUTH_RESET_CODE_INVALID');
  const candidates = await store.db
    .selectFrom('password_reset_codes')
    .select(['id', 'code_hash'])
    .where('person_id', '=', row.id)
    .where('used_at_ms', 'is', null)
    .where('expires_at_ms', '>', nowMs)
    .execute();
  const given = hashCode(code);
  const match = candidates.find((c) => timingSafeEqual(Buffer.from(c.code_hash, 'hex'), given));
  if (!match) throw new VitaliveError('AUTH_RESET_CODE_INVALID');
  const hash = await hashPassword(input.newPassword, opts.scryptLog2N);
  await store.transaction(async (trx) => {
    const used = await trx
      .updateTable('password_reset_codes')
      .set({ used_at_ms: nowMs })
      .where('id', '=', match.id)
      .where('used_at_ms', 'is', null)
      .executeTakeFirst();
    // A concurrent request used it first: single use holds.
    if (Number(used.numUpdatedRows) === 0) throw new VitaliveError('AUTH_RESET_CODE_INVALID');
    await trx
      .updateTable('people')
      .set({ password_hash: hash, must_change_password: 0, updated_at_ms: nowMs })
      .where('id', '=', row.id)
      .execute();
    await revokeAllRefreshTokens(trx, row.id, nowMs);
    await appendEvent(
      trx,
      {
        type: 'person.credentials_changed',
        aggregateId: row.id,
        payload: { personId: row.id, via: 'reset' },
      },
      nowMs,
    );
  });
  await attemptSucceeded(store.db, keys);
  // The new password opens the account at once, from here, whatever failed logins counted before.
  await attemptSucceeded(store.db, attemptKeys(input.login, input.ip, opts.defaultPhoneCountryCode));
  return { personId: row.id };
}
