// Refresh tokens on a real store: stored only as hashes, rotated within their family, expired at their
// exact expiry, a rotated token presented again revokes the family (thief and owner both lose it), of
// two concurrent rotations exactly one wins, logout and "end every session" revoke what they should and
// nothing else, and pruning deletes only expired tokens.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  issueRefreshToken,
  pruneRefreshTokens,
  revokeAllRefreshTokens,
  revokeRefreshToken,
  rotateRefreshToken,
} from '../../commerce/people/refresh-tokens.ts';
import { isVitaliveError } from '../../protocols/index.ts';
import { openTestStore, seedPerson, type TestStore, testTokens } from '../helpers/people.ts';

const T0 = 1_760_000_000_000;
const TTL = 60_000;

describe('refresh tokens', () => {
  let t: TestStore;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    t = await openTestStore('sqlite');
    alice = (await seedPerson(t.store, testTokens())).person.id;
    bob = (await seedPerson(t.store, testTokens())).person.id;
  });
  afterAll(() => t?.cleanup());

  /** The failure reason of a rotation, or 'ok'. */
  const rotate = async (token: string, nowMs: number) => {
    try {
      await rotateRefreshToken(t.store, token, TTL, nowMs);
      return 'ok';
    } catch (e) {
      if (!isVitaliveError(e) || e.code !== 'AUTH_INVALID_TOKEN') throw e;
      return String(e.params.reason);
    }
  };
  const rowOf = (token: string) =>
    t.store.db
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('token_hash', '=', createHash('sha256').update(token).digest('hex'))
      .executeTakeFirstOrThrow();

  it('issues a random 256-bit token, stored only as its SHA-256, expiring ttl after now', async () => {
    const a = await issueRefreshToken(t.store.db, alice, TTL, T0);
    const b = await issueRefreshToken(t.store.db, alice, TTL, T0);
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.token).not.toBe(b.token);
    expect(a.familyId).not.toBe(b.familyId);
    expect(a.expiresAtMs).toBe(T0 + TTL);
    const row = await rowOf(a.token);
    expect(row).toMatchObject({
      person_id: alice,
      family_id: a.familyId,
      rotated_at_ms: null,
      revoked_at_ms: null,
    });
    expect(Number(row.created_at_ms)).toBe(T0);
    expect(Number(row.expires_at_ms)).toBe(T0 + TTL);
    const stored = await t.store.db.selectFrom('refresh_tokens').select('token_hash').execute();
    expect(stored.some((r) => r.token_hash === a.token)).toBe(false);
    // A family id can be carried on.
    const c = await issueRefreshToken(t.store.db, alice, TTL, T0, a.familyId);
    expect(c.familyId).toBe(a.familyId);
  });

  it('rotates within the family until the exact expiry', async () => {
    const first = await issueRefreshToken(t.store.db, alice, TTL, T0);
    const out = await rotateRefreshToken(t.store, first.token, TTL, T0 + 1000);
    expect(out.personId).toBe(alice);
    expect(out.next.familyId).toBe(first.familyId);
    expect(out.next.expiresAtMs).toBe(T0 + 1000 + TTL);
    expect(out.next.token).not.toBe(first.token);
    expect(Number((await rowOf(first.token)).rotated_at_ms)).toBe(T0 + 1000);
    // One millisecond before expiry it still rotates; at the expiry it does not.
    const late = await issueRefreshToken(t.store.db, alice, TTL, T0);
    expect(await rotate(late.token, T0 + TTL - 1)).toBe('ok');
    const expiring = await issueRefreshToken(t.store.db, alice, TTL, T0);
    expect(await rotate(expiring.token, T0 + TTL)).toBe('expired');
    expect(await rotate('never-issued', T0)).toBe('unknown');
  });

  it('a rotated token presented again revokes the whole family, the newest token included', async () => {
    const first = await issueRefreshToken(t.store.db, alice, TTL, T0);
    const other = await issueRefreshToken(t.store.db, alice, TTL, T0); // another session of the same person
    const { next } = await rotateRefreshToken(t.store, first.token, TTL, T0 + 1);
    expect(await rotate(first.token, T0 + 2)).toBe('reused');
    expect(Number((await rowOf(next.token)).revoked_at_ms)).toBe(T0 + 2);
    expect(await rotate(next.token, T0 + 3)).toBe('revoked');
    // Already revoked rows keep their first revocation time.
    expect(await rotate(first.token, T0 + 4)).toBe('revoked');
    expect(Number((await rowOf(first.token)).revoked_at_ms)).toBe(T0 + 2);
    // The other session is another family: untouched.
    expect(await rotate(other.token, T0 + 5)).toBe('ok');
  });

  it('a rotated token that comes back after its expiry still revokes the family', async () => {
    const first = await issueRefreshToken(t.store.db, alice, TTL, T0);
    const { next } = await rotateRefreshToken(t.store, first.token, TTL, T0 + 1000);
    // The first token has expired, its successor has not: the copy is still evidence of theft.
    expect(await rotate(first.token, T0 + TTL)).toBe('reused');
    expect(await rotate(next.token, T0 + TTL + 1)).toBe('revoked');
  });

  it('of two concurrent rotations of one token exactly one succeeds', async () => {
    const tok = await issueRefreshToken(t.store.db, alice, TTL, T0);
    const results = await Promise.all([rotate(tok.token, T0 + 1), rotate(tok.token, T0 + 1)]);
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
  });

  it('logout revokes the family; unknown tokens are ignored', async () => {
    const first = await issueRefreshToken(t.store.db, bob, TTL, T0);
    const { next } = await rotateRefreshToken(t.store, first.token, TTL, T0 + 1);
    const otherSession = await issueRefreshToken(t.store.db, bob, TTL, T0);
    await revokeRefreshToken(t.store, first.token, T0 + 2);
    expect(await rotate(next.token, T0 + 3)).toBe('revoked');
    expect(Number((await rowOf(next.token)).revoked_at_ms)).toBe(T0 + 2);
    await expect(revokeRefreshToken(t.store, 'never-issued', T0 + 3)).resolves.toBeUndefined();
    expect(await rotate(otherSession.token, T0 + 4)).toBe('ok');
  });

  it("ending every session of a person leaves other people's alone", async () => {
    const a1 = await issueRefreshToken(t.store.db, alice, TTL, T0);
    const a2 = await issueRefreshToken(t.store.db, alice, TTL, T0);
    const b1 = await issueRefreshToken(t.store.db, bob, TTL, T0);
    const loggedOut = await issueRefreshToken(t.store.db, alice, TTL, T0);
    await revokeRefreshToken(t.store, loggedOut.token, T0 + 6);
    await revokeAllRefreshTokens(t.store.db, alice, T0 + 7);
    // A session already ended keeps the time it ended.
    expect(Number((await rowOf(loggedOut.token)).revoked_at_ms)).toBe(T0 + 6);
    expect(await rotate(a1.token, T0 + 8)).toBe('revoked');
    expect(await rotate(a2.token, T0 + 8)).toBe('revoked');
    expect(Number((await rowOf(a2.token)).revoked_at_ms)).toBe(T0 + 7);
    expect(await rotate(b1.token, T0 + 8)).toBe('ok');
  });

  it('prunes tokens that expired, at or before now, and keeps live ones', async () => {
    const P = T0 + 10 * TTL;
    const gone = await issueRefreshToken(t.store.db, bob, TTL, P - TTL); // expires exactly at P
    const kept = await issueRefreshToken(t.store.db, bob, TTL, P - TTL + 1);
    await pruneRefreshTokens(t.store.db, P);
    const left = await t.store.db.selectFrom('refresh_tokens').select('expires_at_ms').execute();
    expect(left.every((r) => Number(r.expires_at_ms) > P)).toBe(true);
    expect(await rotate(gone.token, P - 1)).toBe('unknown');
    expect(await rotate(kept.token, P - 1)).toBe('ok');
  });
});
