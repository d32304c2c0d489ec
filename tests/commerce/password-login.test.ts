// Password checks on a real SQLite store, through commerce's login and password change: the right
// password opens the account however the login is typed, anything else gets one refusal (wrong password,
// unknown or malformed login, no password, locked); a former prospect needs a proven contact; a
// single-use password only sets a new one; a change ends other sessions, and of two racing changes one
// wins; a hash made at an older cost is upgraded on the next login.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvents } from '../../commerce/internals.ts';
import {
  attemptKeys,
  type CredentialOptions,
  changePassword,
  login,
} from '../../commerce/people/credentials.ts';
import { rotateRefreshToken } from '../../commerce/people/refresh-tokens.ts';
import { isVitaliveError } from '../../protocols/index.ts';
import { openTestStore, type Seeded, seedMember, type TestStore, testTokens } from '../helpers/people.ts';

const tokens = testTokens();
const PASSWORD = 'correct horse battery';
const OPTS: CredentialOptions = {
  scryptLog2N: 14, // the cost seedMember hashes at
  throttle: { maxPerAccount: 3, maxPerIp: 1000, maxPerAccountAllIps: 0, windowMs: 60_000 },
  refreshTtlMs: 3_600_000,
  defaultPhoneCountryCode: '86',
};

let ipSeq = 0;
/** A fresh documentation-range address, so one test's failures never lock another's attempts. */
const freshIp = () => `203.0.113.${++ipSeq}`;

/** The error code a call fails with, or 'ok'. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (!isVitaliveError(e)) throw e;
    return e.code;
  }
}

describe('password login', () => {
  let t: TestStore;
  let phoneSeq = 0;
  beforeAll(async () => {
    t = await openTestStore('sqlite');
  }, 30_000);
  afterAll(() => t?.cleanup());

  const member = (extra: { password?: string | undefined } = {}) =>
    seedMember(t.store, tokens, {
      password: 'password' in extra ? extra.password : PASSWORD,
      phone: `+861390000${String(++phoneSeq).padStart(4, '0')}`,
    });
  const signIn = (loginText: string, password: string, ip: string, opts = OPTS, nowMs = Date.now()) =>
    login(t.store, { login: loginText, password, ip }, opts, nowMs);
  const change = (m: Seeded, currentPassword: string, newPassword: string, nowMs = Date.now()) =>
    changePassword(
      t.store,
      { login: m.person.email!, currentPassword, newPassword, ip: freshIp() },
      OPTS,
      nowMs,
    );
  const row = (id: string) =>
    t.store.db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('the right password opens the account by e-mail or phone, however typed, with a working session', async () => {
    const m = await member();
    const now = Date.now();
    const res = await signIn(`  ${m.person.email!.toUpperCase()} `, PASSWORD, freshIp(), OPTS, now);
    expect(res.person.id).toBe(m.person.id);
    expect(res.refresh.expiresAtMs).toBe(now + OPTS.refreshTtlMs);
    expect((await rotateRefreshToken(t.store, res.refresh.token, OPTS.refreshTtlMs, now + 1)).personId).toBe(
      m.person.id,
    );
    // A national number takes the default country code.
    const national = `0${m.person.phone!.slice(3)}`;
    expect((await signIn(national, PASSWORD, freshIp())).person.id).toBe(m.person.id);
  });

  it('a wrong password, an unknown or malformed login and an account without a password get one refusal', async () => {
    const m = await member();
    const nopass = await member({ password: undefined });
    const refusals = await Promise.all([
      outcome(signIn(m.person.email!, `${PASSWORD}!`, freshIp())),
      outcome(signIn(m.person.email!, '', freshIp())),
      outcome(signIn('nobody@example.test', PASSWORD, freshIp())),
      outcome(signIn('not a login', PASSWORD, freshIp())),
      outcome(signIn(nopass.person.email!, '', freshIp())),
      outcome(signIn(nopass.person.email!, PASSWORD, freshIp())),
    ]);
    expect(refusals).toEqual(Array(6).fill('AUTH_INVALID_CREDENTIALS'));
  });

  it('failures from one IP lock the account there, refusing even the right password like a wrong one', async () => {
    const m = await member();
    const ip = freshIp();
    for (let i = 0; i < OPTS.throttle.maxPerAccount; i++)
      expect(await outcome(signIn(m.person.email!, 'wrong', ip))).toBe('AUTH_INVALID_CREDENTIALS');
    expect(await outcome(signIn(m.person.email!, PASSWORD, ip))).toBe('AUTH_INVALID_CREDENTIALS');
    expect(await outcome(signIn(m.person.email!, PASSWORD, freshIp()))).toBe('ok');
  });

  it('a success clears the failures counted so far, so only failures in a row lock', async () => {
    const m = await member();
    const ip = freshIp();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < OPTS.throttle.maxPerAccount - 1; i++)
        expect(await outcome(signIn(m.person.email!, 'wrong', ip))).toBe('AUTH_INVALID_CREDENTIALS');
      expect(await outcome(signIn(m.person.email!, PASSWORD, ip))).toBe('ok');
    }
  });

  it('the throttle counts a login by its canonical spelling, and resets apart from logins', () => {
    const ip = '198.51.100.7';
    expect(attemptKeys('  Ann@Example.TEST ', ip, '86')).toEqual(attemptKeys('ann@example.test', ip, '86'));
    expect(attemptKeys('013800138000', ip, '86')).toEqual(attemptKeys('+86 138 0013 8000', ip, '86'));
    // Not a contact at all: trimmed and lower-cased, so retyping it does not make a new account key.
    expect(attemptKeys('  Not A Login ', ip, '86')).toEqual(attemptKeys('not a login', ip, '86'));
    expect(attemptKeys('ann@example.test', ip, '86', 'r').account).not.toBe(
      attemptKeys('ann@example.test', ip, '86').account,
    );
    expect(attemptKeys('ann@example.test', ip, '86').account).not.toBe(
      attemptKeys('ann@example.test', '198.51.100.8', '86').account,
    );
  });

  it('a former prospect logs in by a contact only once that contact is proven', async () => {
    const m = await member();
    const registered = Number((await row(m.person.id)).registered_at_ms);
    // Known as a prospect (invited, tested) before registering.
    await t.store.db
      .updateTable('people')
      .set({ created_at_ms: registered - 60_000 })
      .where('id', '=', m.person.id)
      .execute();
    const byEmail = await signIn(m.person.email!, PASSWORD, freshIp()).catch((e: unknown) => e);
    expect(isVitaliveError(byEmail) && [byEmail.code, byEmail.params]).toEqual([
      'AUTH_CONTACT_UNPROVEN',
      { field: 'email' },
    ]);
    // A wrong password says nothing about the contact.
    expect(await outcome(signIn(m.person.email!, 'wrong', freshIp()))).toBe('AUTH_INVALID_CREDENTIALS');
    await t.store.db
      .updateTable('people')
      .set({ email_proven_at_ms: registered })
      .where('id', '=', m.person.id)
      .execute();
    expect(await outcome(signIn(m.person.email!, PASSWORD, freshIp()))).toBe('ok');
    // The phone is still unproven.
    expect(await outcome(signIn(m.person.phone!, PASSWORD, freshIp()))).toBe('AUTH_CONTACT_UNPROVEN');
    // An account that never was a prospect (registered when created) holds nobody else's data.
    const fresh = await member();
    expect(await outcome(signIn(fresh.person.phone!, PASSWORD, freshIp()))).toBe('ok');
  });

  it('a single-use password only serves to set a new one, which clears the demand', async () => {
    const m = await member();
    await t.store.db
      .updateTable('people')
      .set({ must_change_password: 1 })
      .where('id', '=', m.person.id)
      .execute();
    expect(await outcome(signIn(m.person.email!, PASSWORD, freshIp()))).toBe('AUTH_PASSWORD_CHANGE_REQUIRED');
    const same = await change(m, PASSWORD, PASSWORD).catch((e: unknown) => e);
    expect(isVitaliveError(same) && [same.code, same.params]).toEqual([
      'VALIDATION_FAILED',
      { reason: 'the new password must differ from the current one' },
    ]);
    const now = Date.now();
    const changed = await change(m, PASSWORD, 'my very own password', now);
    expect(changed.person.id).toBe(m.person.id);
    expect(changed.refresh.expiresAtMs).toBe(now + OPTS.refreshTtlMs);
    const after = await row(m.person.id);
    expect([Number(after.must_change_password), Number(after.updated_at_ms)]).toEqual([0, now]);
    expect(await outcome(signIn(m.person.email!, PASSWORD, freshIp()))).toBe('AUTH_INVALID_CREDENTIALS');
    expect(await outcome(signIn(m.person.email!, 'my very own password', freshIp()))).toBe('ok');
  });

  it('a change needs the current password, ends every other session and is announced', async () => {
    const m = await member();
    const before = await row(m.person.id);
    expect(await outcome(change(m, 'not it', 'another password'))).toBe('AUTH_INVALID_CREDENTIALS');
    expect((await row(m.person.id)).password_hash).toBe(before.password_hash);

    const session = await signIn(m.person.email!, PASSWORD, freshIp());
    const [last] = (await readEvents(t.store.db, 0, 1_000_000)).slice(-1);
    const now = Date.now();
    const changed = await change(m, PASSWORD, 'another password', now);
    expect(
      await outcome(rotateRefreshToken(t.store, session.refresh.token, OPTS.refreshTtlMs, now + 1)),
    ).toBe('AUTH_INVALID_TOKEN');
    expect(
      (await rotateRefreshToken(t.store, changed.refresh.token, OPTS.refreshTtlMs, now + 1)).personId,
    ).toBe(m.person.id);
    const events = await readEvents(t.store.db, last?.id ?? 0, 100);
    expect(events.map((e) => [e.type, e.aggregateId, e.payload])).toEqual([
      ['person.credentials_changed', m.person.id, { personId: m.person.id, via: 'change' }],
    ]);
  });

  it('of two changes racing from the same current password, exactly one wins', async () => {
    const m = await member();
    const results = await Promise.allSettled([
      change(m, PASSWORD, 'first new password'),
      change(m, PASSWORD, 'second new password'),
    ]);
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    expect(won).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected');
    expect(lost && isVitaliveError(lost.reason) && lost.reason.code).toBe('AUTH_INVALID_CREDENTIALS');
    const winner = won[0] === 0 ? 'first new password' : 'second new password';
    const loser = won[0] === 0 ? 'second new password' : 'first new password';
    expect(await outcome(signIn(m.person.email!, winner, freshIp()))).toBe('ok');
    expect(await outcome(signIn(m.person.email!, loser, freshIp()))).toBe('AUTH_INVALID_CREDENTIALS');
  });

  it('upgrades a hash made at an older cost on the next successful login, and leaves a current one alone', async () => {
    const m = await member();
    const seeded = (await row(m.person.id)).password_hash!;
    expect(seeded).toMatch(/^scrypt\$14\$/);
    await signIn(m.person.email!, PASSWORD, freshIp());
    expect((await row(m.person.id)).password_hash).toBe(seeded);
    const stronger = { ...OPTS, scryptLog2N: 15 };
    expect(await outcome(signIn(m.person.email!, 'wrong', freshIp(), stronger))).toBe(
      'AUTH_INVALID_CREDENTIALS',
    );
    expect((await row(m.person.id)).password_hash).toBe(seeded);
    await signIn(m.person.email!, PASSWORD, freshIp(), stronger);
    const upgraded = (await row(m.person.id)).password_hash!;
    expect(upgraded).toMatch(/^scrypt\$15\$/);
    expect(await outcome(signIn(m.person.email!, PASSWORD, freshIp(), stronger))).toBe('ok');
    expect((await row(m.person.id)).password_hash).toBe(upgraded);
  });
});
