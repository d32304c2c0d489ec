// Refresh tokens: opaque random strings, stored only as SHA-256 hashes. Each login starts a family;
// every refresh rotates the token within its family. Presenting a token that was already rotated means
// it was copied, so the whole family is revoked (the thief and the owner both have to log in again).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { appendEvent } from '../outbox.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';

const TOKEN_BYTES = 32;

export interface IssuedRefreshToken {
  token: string;
  familyId: string;
  expiresAtMs: number;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function issueRefreshToken(
  db: Kysely<Database>,
  personId: string,
  ttlMs: number,
  nowMs: number,
  familyId: string = randomUUID(),
): Promise<IssuedRefreshToken> {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  const expiresAtMs = nowMs + ttlMs;
  await db
    .insertInto('refresh_tokens')
    .values({
      id: randomUUID(),
      family_id: familyId,
      person_id: personId,
      token_hash: hashToken(token),
      created_at_ms: nowMs,
      expires_at_ms: expiresAtMs,
      rotated_at_ms: null,
      revoked_at_ms: null,
    })
    .execute();
  return { token, familyId, expiresAtMs };
}

type RotateOutcome =
  | { ok: true; personId: string; next: IssuedRefreshToken }
  | { ok: false; reason: 'unknown' | 'revoked' | 'expired' | 'reused' };

/**
 * Exchanges a valid token for the next one in its family. Every failure is AUTH_INVALID_TOKEN; on reuse
 * the family's revocation is committed before the error is thrown.
 */
export async function rotateRefreshToken(
  store: Store,
  token: string,
  ttlMs: number,
  nowMs: number,
): Promise<{ personId: string; next: IssuedRefreshToken }> {
  const outcome = await store.transaction(async (trx): Promise<RotateOutcome> => {
    const row = await trx
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.revoked_at_ms !== null) return { ok: false, reason: 'revoked' };
    if (row.rotated_at_ms !== null) {
      await revokeFamily(trx, row.family_id, nowMs);
      return { ok: false, reason: 'reused' };
    }
    if (Number(row.expires_at_ms) <= nowMs) return { ok: false, reason: 'expired' };
    // Conditional, so of two concurrent refreshes with the same token exactly one rotates it; the
    // other is treated as reuse.
    const claimed = await trx
      .updateTable('refresh_tokens')
      .set({ rotated_at_ms: nowMs })
      .where('id', '=', row.id)
      .where('rotated_at_ms', 'is', null)
      .where('revoked_at_ms', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) {
      await revokeFamily(trx, row.family_id, nowMs);
      return { ok: false, reason: 'reused' };
    }
    const next = await issueRefreshToken(trx, row.person_id, ttlMs, nowMs, row.family_id);
    return { ok: true, personId: row.person_id, next };
  });
  if (!outcome.ok) throw new VitaliveError('AUTH_INVALID_TOKEN', { reason: outcome.reason });
  return outcome;
}

async function revokeFamily(trx: Kysely<Database>, familyId: string, nowMs: number): Promise<void> {
  await trx
    .updateTable('refresh_tokens')
    .set({ revoked_at_ms: nowMs })
    .where('family_id', '=', familyId)
    .where('revoked_at_ms', 'is', null)
    .execute();
}

/**
 * Logout: revokes the token's whole family and writes `person.logged_out`, so open sockets of the person
 * are let go on every node. Unknown or already revoked tokens are ignored, so logout is idempotent.
 */
export async function revokeRefreshToken(store: Store, token: string, nowMs: number): Promise<void> {
  await store.transaction(async (trx) => {
    const row = await trx
      .selectFrom('refresh_tokens')
      .select(['family_id', 'person_id'])
      .where('token_hash', '=', hashToken(token))
      .where('revoked_at_ms', 'is', null)
      .executeTakeFirst();
    if (!row) return;
    await revokeFamily(trx, row.family_id, nowMs);
    await appendEvent(
      trx,
      { type: 'person.logged_out', aggregateId: row.person_id, payload: { personId: row.person_id } },
      nowMs,
    );
  });
}

/**
 * When the person's sessions were last ended (logout, password change or reset, a stolen token's
 * family revoked), or null: access tokens issued before then no longer open privileged sockets.
 */
export async function sessionsRevokedAtMs(db: Kysely<Database>, personId: string): Promise<number | null> {
  const row = await db
    .selectFrom('refresh_tokens')
    .select((eb) => eb.fn.max('revoked_at_ms').as('at'))
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}

/** Every session of the person ends (password reset or change). */
export async function revokeAllRefreshTokens(
  trx: Kysely<Database>,
  personId: string,
  nowMs: number,
): Promise<void> {
  await trx
    .updateTable('refresh_tokens')
    .set({ revoked_at_ms: nowMs })
    .where('person_id', '=', personId)
    .where('revoked_at_ms', 'is', null)
    .execute();
}

/** Deletes tokens that expired: an expired token fails anyway, rotated or not. */
export async function pruneRefreshTokens(db: Kysely<Database>, nowMs: number): Promise<void> {
  await db.deleteFrom('refresh_tokens').where('expires_at_ms', '<=', nowMs).execute();
}
