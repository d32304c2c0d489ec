// Credentials on both backends, with a controlled clock: login throttling per account and per IP with
// its window, refresh-token rotation, reuse detection and expiry, reset codes (single use, expiry,
// scope), single-use bootstrap passwords, and hashes upgraded to the current cost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, People, Store } from '../../commerce/internals.ts';
import { createPeople } from '../../gateway/compose/services.ts';
import {
  MessageLog,
  openTestStore,
  registerProven,
  STORE_BACKENDS,
  seedAdmin,
  seedMember,
  seedStaff,
  type TestStore,
  testConfig,
  testTokens,
} from '../helpers/people.ts';

const tokens = testTokens();
const WINDOW_SEC = 60;

describe.each(STORE_BACKENDS)('sessions on $name', ({ name }) => {
  let ts: TestStore;
  let store: Store;
  let people: People;
  const messages = new MessageLog();
  let now = 1_900_000_000_000;
  let n = 0;
  const email = () => `s${++n}@example.test`;
  const ip = () => `10.0.0.${++n % 250}`;
  const config = testConfig({
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
    LOGIN_MAX_FAILURES_PER_IP: '6',
    LOGIN_THROTTLE_WINDOW_SEC: String(WINDOW_SEC),
    PASSWORD_RESET_TTL_SEC: '600',
    REFRESH_TOKEN_TTL_SEC: '3600',
  });

  beforeAll(async () => {
    ts = await openTestStore(name);
    store = ts.store;
    people = createPeople(store, config, { now: () => now, messenger: messages });
  });
  afterAll(() => ts.cleanup());

  async function member(password = 'right-password') {
    const login = email();
    const person = await registerProven(people, messages, { displayName: 'M', email: login, password });
    return { login, person, password };
  }

  it('locks an account for the IP that failed until its window ends, answering like a wrong password', async () => {
    const m = await member();
    const from = '192.0.2.10';
    for (let i = 0; i < 3; i++) {
      await expect(people.login({ login: m.login, password: 'wrong', ip: from })).rejects.toMatchObject({
        code: 'AUTH_INVALID_CREDENTIALS',
      });
    }
    // From that IP even the right password is turned away, with the answer a wrong one gets.
    await expect(people.login({ login: m.login, password: m.password, ip: from })).rejects.toMatchObject({
      code: 'AUTH_INVALID_CREDENTIALS',
    });
    // The owner elsewhere is not locked out by someone else's failures.
    expect((await people.login({ login: m.login, password: m.password, ip: '192.0.2.11' })).person.id).toBe(
      m.person.id,
    );
    now += 30_000;
    await expect(
      people.login({ login: m.login.toUpperCase(), password: m.password, ip: from }),
    ).rejects.toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });
    now += 30_000;
    const ok = await people.login({ login: m.login, password: m.password, ip: from });
    expect(ok.person.id).toBe(m.person.id);
  });

  it('a success clears the account count, so failures must be consecutive to throttle', async () => {
    const m = await member();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++) {
        await expect(people.login({ login: m.login, password: 'wrong', ip: ip() })).rejects.toMatchObject({
          code: 'AUTH_INVALID_CREDENTIALS',
        });
      }
      await people.login({ login: m.login, password: m.password, ip: ip() });
    }
  });

  it('throttles an IP that tries many accounts, while other IPs carry on', async () => {
    const from = '192.0.2.77';
    const victims = await Promise.all([member(), member(), member(), member()]);
    let attempts = 0;
    for (const v of victims) {
      for (let i = 0; i < 2 && attempts < 6; i++, attempts++) {
        await expect(people.login({ login: v.login, password: 'guess', ip: from })).rejects.toMatchObject({
          code: 'AUTH_INVALID_CREDENTIALS',
        });
      }
    }
    const last = victims[3]!;
    await expect(
      people.login({ login: last.login, password: last.password, ip: from }),
    ).rejects.toMatchObject({
      code: 'AUTH_THROTTLED',
    });
    await expect(
      people.login({ login: 'nobody@example.test', password: 'x', ip: from }),
    ).rejects.toMatchObject({
      code: 'AUTH_THROTTLED',
    });
    expect(
      (await people.login({ login: last.login, password: last.password, ip: '192.0.2.78' })).person.id,
    ).toBe(last.person.id);
  });

  it('counts parallel guesses before checking them, so a burst cannot exceed the limit', async () => {
    const m = await member();
    const from = '192.0.2.20';
    // The right password among ten parallel attempts: only the first three attempts are checked at all.
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        people.login({ login: m.login, password: i === 9 ? m.password : 'wrong', ip: from }),
      ),
    );
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok'));
    expect(codes.filter((c) => c === 'AUTH_THROTTLED')).toHaveLength(4); // the IP's limit is 6
    expect(codes.filter((c) => c === 'ok').length).toBeLessThanOrEqual(1);
    await expect(people.login({ login: m.login, password: m.password, ip: from })).rejects.toMatchObject({
      code: 'AUTH_THROTTLED',
    });
    now += WINDOW_SEC * 1000;
  });

  it('gives the same answer for an unknown account as for a wrong password', async () => {
    await expect(
      people.login({ login: 'ghost@example.test', password: 'whatever', ip: ip() }),
    ).rejects.toMatchObject({
      code: 'AUTH_INVALID_CREDENTIALS',
    });
    await expect(
      people.login({ login: 'not a login', password: 'whatever', ip: ip() }),
    ).rejects.toMatchObject({
      code: 'AUTH_INVALID_CREDENTIALS',
    });
  });

  it('rotates refresh tokens, revokes the family when a rotated token comes back, and expires them', async () => {
    const m = await member();
    const { refresh: t1 } = await people.login({ login: m.login, password: m.password, ip: ip() });
    const r2 = await people.refresh(t1.token);
    expect(r2.person.id).toBe(m.person.id);
    expect(r2.refresh.token).not.toBe(t1.token);
    expect(r2.refresh.familyId).toBe(t1.familyId);
    const r3 = await people.refresh(r2.refresh.token);
    // t1 was rotated already: someone kept a copy. The whole family dies, including the newest token.
    await expect(people.refresh(t1.token)).rejects.toMatchObject({
      code: 'AUTH_INVALID_TOKEN',
      params: { reason: 'reused' },
    });
    await expect(people.refresh(r3.refresh.token)).rejects.toMatchObject({
      code: 'AUTH_INVALID_TOKEN',
      params: { reason: 'revoked' },
    });
    // Another session of the same person is unaffected.
    const other = await people.login({ login: m.login, password: m.password, ip: ip() });
    now += 3600_000;
    await expect(people.refresh(other.refresh.token)).rejects.toMatchObject({
      code: 'AUTH_INVALID_TOKEN',
      params: { reason: 'expired' },
    });
    await expect(people.refresh('never-issued-token-aaaaaaaaaaaaaaaaaaaaaaaa')).rejects.toMatchObject({
      code: 'AUTH_INVALID_TOKEN',
      params: { reason: 'unknown' },
    });
  });

  it('lets exactly one of two concurrent refreshes with the same token win, and revokes the family', async () => {
    const m = await member();
    const { refresh } = await people.login({ login: m.login, password: m.password, ip: ip() });
    const results = await Promise.allSettled([people.refresh(refresh.token), people.refresh(refresh.token)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = results.find((r) => r.status === 'fulfilled')!;
    // The loser looked like a replay, so even the winner's new token is revoked.
    const next = (winner as PromiseFulfilledResult<Awaited<ReturnType<People['refresh']>>>).value.refresh
      .token;
    await expect(people.refresh(next)).rejects.toMatchObject({ code: 'AUTH_INVALID_TOKEN' });
  });

  it('logout revokes the session family and is idempotent', async () => {
    const m = await member();
    const { refresh } = await people.login({ login: m.login, password: m.password, ip: ip() });
    const r2 = await people.refresh(refresh.token);
    await people.logout(refresh.token);
    await people.logout(refresh.token);
    await expect(people.refresh(r2.refresh.token)).rejects.toMatchObject({ code: 'AUTH_INVALID_TOKEN' });
  });

  describe('reset codes', () => {
    let admin: Actor;
    let staff: Actor;
    beforeAll(async () => {
      const a = await seedAdmin(store, tokens);
      const s = await seedStaff(store, tokens);
      admin = { personId: a.person.id, roles: a.person.roles };
      staff = { personId: s.person.id, roles: s.person.roles };
    });

    it('set a new password once, end every session, and are stored hashed', async () => {
      const m = await member();
      const session = await people.login({ login: m.login, password: m.password, ip: ip() });
      const { code, expiresAtMs } = await people.issueResetCode(staff, m.person.id);
      expect(code).toMatch(/^[2-9A-HJKMNP-Z]{10}$/);
      expect(expiresAtMs).toBe(now + 600_000);
      const stored = await store.db
        .selectFrom('password_reset_codes')
        .selectAll()
        .where('person_id', '=', m.person.id)
        .execute();
      expect(stored).toHaveLength(1);
      expect(stored[0]!.code_hash).not.toContain(code);
      expect(stored[0]!.code_hash).toMatch(/^[0-9a-f]{64}$/);

      await people.resetPassword({
        login: m.login,
        code: code.toLowerCase(),
        newPassword: 'brand-new-pass',
        ip: ip(),
      });
      await expect(people.refresh(session.refresh.token)).rejects.toMatchObject({
        code: 'AUTH_INVALID_TOKEN',
      });
      await expect(people.login({ login: m.login, password: m.password, ip: ip() })).rejects.toMatchObject({
        code: 'AUTH_INVALID_CREDENTIALS',
      });
      await people.login({ login: m.login, password: 'brand-new-pass', ip: ip() });
      await expect(
        people.resetPassword({ login: m.login, code, newPassword: 'another-pass-1', ip: ip() }),
      ).rejects.toMatchObject({ code: 'AUTH_RESET_CODE_INVALID' });
    });

    it('expire, and a newer code voids the older one', async () => {
      const m = await member();
      const old = await people.issueResetCode(staff, m.person.id);
      const fresh = await people.issueResetCode(staff, m.person.id);
      await expect(
        people.resetPassword({ login: m.login, code: old.code, newPassword: 'brand-new-pass', ip: ip() }),
      ).rejects.toMatchObject({ code: 'AUTH_RESET_CODE_INVALID' });
      now += 600_000;
      await expect(
        people.resetPassword({ login: m.login, code: fresh.code, newPassword: 'brand-new-pass', ip: ip() }),
      ).rejects.toMatchObject({ code: 'AUTH_RESET_CODE_INVALID' });
      await people.login({ login: m.login, password: m.password, ip: ip() });
    });

    it('are used once even by concurrent requests', async () => {
      const m = await member();
      const { code } = await people.issueResetCode(staff, m.person.id);
      const results = await Promise.allSettled([
        people.resetPassword({ login: m.login, code, newPassword: 'first-new-pass', ip: ip() }),
        people.resetPassword({ login: m.login, code, newPassword: 'second-new-pass', ip: ip() }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const won = results[0]!.status === 'fulfilled' ? 'first-new-pass' : 'second-new-pass';
      await people.login({ login: m.login, password: won, ip: ip() });
    });

    it('are guessed at under a throttle of their own, locked answering like a wrong code', async () => {
      const m = await member();
      const from = '192.0.2.40';
      const { code } = await people.issueResetCode(staff, m.person.id);
      for (let i = 0; i < 3; i++) {
        await expect(
          people.resetPassword({
            login: m.login,
            code: 'ZZZZZZZZZZ',
            newPassword: 'brand-new-pass',
            ip: from,
          }),
        ).rejects.toMatchObject({ code: 'AUTH_RESET_CODE_INVALID' });
      }
      await expect(
        people.resetPassword({ login: m.login, code, newPassword: 'brand-new-pass', ip: from }),
      ).rejects.toMatchObject({ code: 'AUTH_RESET_CODE_INVALID' });
      now += WINDOW_SEC * 1000;
    });

    it('open an account that failed logins locked', async () => {
      const m = await member();
      const from = '192.0.2.30';
      for (let i = 0; i < 4; i++) {
        await expect(people.login({ login: m.login, password: 'wrong', ip: from })).rejects.toMatchObject({
          code: 'AUTH_INVALID_CREDENTIALS',
        });
      }
      const { code } = await people.issueResetCode(staff, m.person.id);
      await people.resetPassword({ login: m.login, code, newPassword: 'after-the-lock', ip: from });
      expect((await people.login({ login: m.login, password: 'after-the-lock', ip: from })).person.id).toBe(
        m.person.id,
      );
      now += WINDOW_SEC * 1000;
    });

    it('for staff and admin accounts only come from an admin; prospects and strangers get none', async () => {
      const otherStaff = await seedStaff(store, tokens);
      await expect(people.issueResetCode(staff, otherStaff.person.id)).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(people.issueResetCode(staff, admin.personId)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect((await people.issueResetCode(admin, otherStaff.person.id)).code).toHaveLength(10);
      const plain = await seedMember(store, tokens);
      const asMember = { personId: plain.person.id, roles: plain.person.roles };
      await expect(people.issueResetCode(asMember, plain.person.id)).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(people.issueResetCode(staff, 'no-such-person')).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      const channel = await people.createChannel(staff, { name: 'C', commissionBps: 0 });
      const prospect = await people.invite(staff, channel.id, { displayName: 'P', email: email() });
      await expect(people.issueResetCode(staff, prospect.person!.id)).rejects.toMatchObject({
        code: 'CONFLICT',
      });
    });
  });

  it('makes a bootstrap password single-use: it only serves to set a new password', async () => {
    const login = email();
    const { person, oneTimePassword } = await people.createStaffAccount({
      displayName: 'Root',
      email: login,
      roles: ['admin'],
    });
    expect(person.roles).toEqual(['admin', 'member']);
    await expect(people.login({ login, password: oneTimePassword, ip: ip() })).rejects.toMatchObject({
      code: 'AUTH_PASSWORD_CHANGE_REQUIRED',
    });
    await expect(
      people.changePassword({
        login,
        currentPassword: oneTimePassword,
        newPassword: oneTimePassword,
        ip: ip(),
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const changed = await people.changePassword({
      login,
      currentPassword: oneTimePassword,
      newPassword: 'my-own-admin-pass',
      ip: ip(),
    });
    expect(changed.person.roles).toEqual(['admin', 'member']);
    await expect(
      people.changePassword({
        login,
        currentPassword: oneTimePassword,
        newPassword: 'again-and-again',
        ip: ip(),
      }),
    ).rejects.toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });
    await people.login({ login, password: 'my-own-admin-pass', ip: ip() });
  });

  it('upgrades a hash made at an older cost on the next successful login', async () => {
    const seeded = await seedMember(store, tokens, { password: 'seeded-password' }); // log2N 14
    const stronger = createPeople(store, testConfig({ PASSWORD_SCRYPT_LOG2_N: '15' }), { now: () => now });
    const hashOf = async () =>
      (
        await store.db
          .selectFrom('people')
          .select('password_hash')
          .where('id', '=', seeded.person.id)
          .executeTakeFirstOrThrow()
      ).password_hash;
    expect(await hashOf()).toMatch(/^scrypt\$14\$/);
    await stronger.login({ login: seeded.person.email!, password: 'seeded-password', ip: ip() });
    expect(await hashOf()).toMatch(/^scrypt\$15\$/);
    await stronger.login({ login: seeded.person.email!, password: 'seeded-password', ip: ip() });
  });
});
