// The people API over real HTTP on both backends: registration and login sessions (access token in the
// body, refresh cookie for /api/auth only), refresh rotation and reuse detection, logout, throttling
// with Retry-After, staff reset codes, /api/me, role checks on every route, and the OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Person, Store } from '../../commerce/internals.ts';
import { call, cookiePair } from '../helpers/http-call.ts';
import {
  MessageLog,
  openTestStore,
  type Seeded,
  STORE_BACKENDS,
  seedAdmin,
  seedMember,
  seedStaff,
  startTestApi,
  type TestApi,
  type TestStore,
} from '../helpers/people.ts';

interface Session {
  accessToken: string;
  tokenType: string;
  expiresInSec: number;
  person: Person;
}

describe.each(STORE_BACKENDS)('people API on $name', ({ name }) => {
  let ts: TestStore;
  let store: Store;
  let api: TestApi;
  const messages = new MessageLog();
  let admin: Seeded;
  let staff: Seeded;
  let n = 0;
  const email = () => `api${++n}@example.test`;
  const req = <T = Record<string, unknown>>(
    method: string,
    path: string,
    opts?: Parameters<typeof call>[3],
  ) => call<T>(api.url, method, path, opts);

  beforeAll(async () => {
    ts = await openTestStore(name);
    store = ts.store;
    api = await startTestApi(store, {
      env: {
        HTTP_TRUST_PROXY: 'true',
        LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
        LOGIN_MAX_FAILURES_PER_IP: '5',
        LOGIN_THROTTLE_WINDOW_SEC: '600',
      },
      people: { messenger: messages },
    });
    admin = await seedAdmin(store, api.tokens);
    staff = await seedStaff(store, api.tokens);
  });
  afterAll(async () => {
    await api.close();
    await ts.cleanup();
  });

  /** Registers over HTTP: the code goes to the message log, and verify-contact starts the session. */
  async function register(extra: Record<string, unknown> = {}) {
    const login = email();
    const headers = { 'x-forwarded-for': `198.51.100.${++n % 250}` };
    const asked = await req('POST', '/api/auth/register', {
      body: { displayName: 'Member', email: login, password: 'member-password', ...extra },
      headers,
    });
    expect(asked.status).toBe(202);
    const res = await req<Session>('POST', '/api/auth/verify-contact', {
      body: { contact: login, code: messages.codeFor(login) },
      headers,
    });
    expect(res.status).toBe(201);
    return { login, res, cookie: cookiePair(res.headers.get('set-cookie')) };
  }

  it('registers and answers with a 15-minute access token and an httpOnly, SameSite=Strict refresh cookie', async () => {
    const { res } = await register();
    expect(res.body.tokenType).toBe('Bearer');
    expect(res.body.expiresInSec).toBe(900);
    expect(res.body.person).toMatchObject({ kind: 'member', roles: ['member'], tier: 'basic' });
    expect(res.body.person).not.toHaveProperty('password_hash');
    const principal = await api.tokens.verifyAccess(res.body.accessToken);
    expect(principal).toMatchObject({ personId: res.body.person.id, roles: ['member'] });
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^vl_refresh=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('Path=/api/auth');
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).not.toContain('Secure'); // plain HTTP here
    const me = await req<Person>('GET', '/api/me', { token: res.body.accessToken });
    expect(me.body.id).toBe(res.body.person.id);
  });

  it('marks the cookie Secure when the client came over HTTPS through the trusted proxy', async () => {
    const { login } = await register();
    const res = await req('POST', '/api/auth/login', {
      body: { login, password: 'member-password' },
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.200' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toContain('Secure');
  });

  it('rotates the refresh cookie, detects reuse of a rotated one, and logs out', async () => {
    const { login } = await register();
    const logged = await req<Session>('POST', '/api/auth/login', {
      body: { login, password: 'member-password' },
      headers: { 'x-forwarded-for': '203.0.113.1' },
    });
    expect(logged.status).toBe(200);
    const c1 = cookiePair(logged.headers.get('set-cookie'));
    const r1 = await req<Session>('POST', '/api/auth/refresh', { cookie: c1 });
    expect(r1.status).toBe(200);
    expect(r1.body.person.id).toBe(logged.body.person.id);
    await api.tokens.verifyAccess(r1.body.accessToken);
    const c2 = cookiePair(r1.headers.get('set-cookie'));
    expect(c2).not.toBe(c1);
    const replay = await req('POST', '/api/auth/refresh', { cookie: c1 });
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ code: 'AUTH_INVALID_TOKEN' });
    expect(replay.headers.get('set-cookie')).toMatch(/^vl_refresh=;/);
    expect((await req('POST', '/api/auth/refresh', { cookie: c2 })).status).toBe(401);

    const again = await req<Session>('POST', '/api/auth/login', {
      body: { login, password: 'member-password' },
      headers: { 'x-forwarded-for': '203.0.113.1' },
    });
    const c3 = cookiePair(again.headers.get('set-cookie'));
    const out = await req('POST', '/api/auth/logout', { cookie: c3 });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^vl_refresh=;.*Path=\/api\/auth/);
    expect((await req('POST', '/api/auth/refresh', { cookie: c3 })).status).toBe(401);
    expect((await req('POST', '/api/auth/logout')).status).toBe(204);
    expect((await req('POST', '/api/auth/refresh')).body).toMatchObject({ code: 'AUTH_REQUIRED' });
  });

  it('locks an account for the IP that failed (answering like a wrong password) and throttles an IP with Retry-After', async () => {
    const { login } = await register();
    for (let i = 0; i < 3; i++) {
      const res = await req('POST', '/api/auth/login', {
        body: { login, password: 'nope-nope' },
        headers: { 'x-forwarded-for': '203.0.113.10' },
      });
      expect(res.body).toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });
    }
    const blocked = await req('POST', '/api/auth/login', {
      body: { login, password: 'member-password' },
      headers: { 'x-forwarded-for': '203.0.113.10' },
    });
    expect(blocked.status).toBe(401);
    expect(blocked.body).toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });
    const owner = await req('POST', '/api/auth/login', {
      body: { login, password: 'member-password' },
      headers: { 'x-forwarded-for': '203.0.113.20' },
    });
    expect(owner.status).toBe(200);

    const venue = '203.0.113.99';
    for (let i = 0; i < 5; i++) {
      const res = await req('POST', '/api/auth/login', {
        body: { login: email(), password: 'guessing' },
        headers: { 'x-forwarded-for': venue },
      });
      expect(res.body).toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });
    }
    const other = await register();
    const fromVenue = await req('POST', '/api/auth/login', {
      body: { login: other.login, password: 'member-password' },
      headers: { 'x-forwarded-for': venue },
    });
    expect(fromVenue.status).toBe(429);
    expect(fromVenue.body).toMatchObject({ code: 'AUTH_THROTTLED' });
    expect(Number(fromVenue.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(fromVenue.headers.get('retry-after'))).toBeLessThanOrEqual(600);
    const elsewhere = await req('POST', '/api/auth/login', {
      body: { login: other.login, password: 'member-password' },
      headers: { 'x-forwarded-for': '203.0.113.100' },
    });
    expect(elsewhere.status).toBe(200);
  });

  it('lets staff issue a reset code that the person uses once, ending their sessions', async () => {
    const { login, res, cookie } = await register();
    const personId = res.body.person.id;
    const asMember = await req('POST', `/api/people/${personId}/reset-code`, { token: res.body.accessToken });
    expect(asMember.status).toBe(403);
    const issued = await req<{ code: string; expiresAtMs: number }>(
      'POST',
      `/api/people/${personId}/reset-code`,
      {
        token: staff.token,
      },
    );
    expect(issued.status).toBe(201);
    expect(issued.headers.get('cache-control')).toBe('no-store');
    const body = { login, code: issued.body.code, newPassword: 'reset-password-1' };
    const used = await req('POST', '/api/auth/reset', {
      body,
      headers: { 'x-forwarded-for': '203.0.113.50' },
    });
    expect(used.status).toBe(204);
    expect((await req('POST', '/api/auth/refresh', { cookie })).status).toBe(401);
    const twice = await req('POST', '/api/auth/reset', {
      body,
      headers: { 'x-forwarded-for': '203.0.113.51' },
    });
    expect(twice.body).toMatchObject({ code: 'AUTH_RESET_CODE_INVALID' });
    const login2 = await req('POST', '/api/auth/login', {
      body: { login, password: 'reset-password-1' },
      headers: { 'x-forwarded-for': '203.0.113.52' },
    });
    expect(login2.status).toBe(200);
  });

  it('lets a member read and change only their own record and consents', async () => {
    const a = await register();
    const b = await register();
    const token = a.res.body.accessToken;
    const patched = await req<Person>('PATCH', '/api/me', {
      token,
      body: { displayName: 'Alice W', consents: { healthData: true } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      displayName: 'Alice W',
      consents: { healthData: true, marketing: false },
    });
    expect(patched.body.consents.healthDataAtMs).toEqual(expect.any(Number));
    expect((await req('GET', `/api/people/${a.res.body.person.id}`, { token })).status).toBe(200);
    const other = await req('GET', `/api/people/${b.res.body.person.id}`, { token });
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ code: 'FORBIDDEN' });
    expect((await req('GET', '/api/people', { token })).status).toBe(403);
    expect(
      (await req('PATCH', `/api/people/${a.res.body.person.id}`, { token, body: { tier: 'gold' } })).status,
    ).toBe(403);
    expect((await req('GET', '/api/channels', { token })).status).toBe(403);
  });

  it('confines a channel manager to their own channels and people', async () => {
    const manager = await seedMember(store, api.tokens, { roles: ['channel_manager'] });
    const own = await req<{ id: string; inviteCode: string }>('POST', '/api/channels', {
      token: staff.token,
      body: { name: 'Own', managerId: manager.person.id, commissionBps: 500 },
    });
    expect(own.status).toBe(201);
    const foreign = await req<{ id: string }>('POST', '/api/channels', {
      token: admin.token,
      body: { name: 'Foreign', commissionBps: 300 },
    });
    const invitedAnswer = await req('POST', `/api/channels/${own.body.id}/invitations`, {
      token: manager.token,
      body: { displayName: 'Prospect', phone: '+852 6123 4567' },
    });
    expect(invitedAnswer.status).toBe(202);
    expect(invitedAnswer.body).toEqual({ invitationId: expect.any(String), status: 'sent' });
    // Staff see who the invitations made.
    const byContact = async (q: string) =>
      (
        await req<{ items: Person[] }>('GET', `/api/people?q=${encodeURIComponent(q)}`, {
          token: staff.token,
        })
      ).body.items[0]!;
    const invited = { body: { person: await byContact('+85261234567') } };
    expect(invited.body.person).toMatchObject({ kind: 'prospect', channelId: own.body.id });
    const elsewhereEmail = email();
    await req('POST', `/api/channels/${foreign.body.id}/invitations`, {
      token: staff.token,
      body: { displayName: 'Elsewhere', email: elsewhereEmail },
    });
    const elsewhere = { body: { person: await byContact(elsewhereEmail) } };
    expect(
      (
        await req('POST', `/api/channels/${foreign.body.id}/invitations`, {
          token: manager.token,
          body: { displayName: 'X', email: email() },
        })
      ).status,
    ).toBe(404);
    expect((await req('GET', `/api/people/${invited.body.person.id}`, { token: manager.token })).status).toBe(
      200,
    );
    const hidden = await req('GET', `/api/people/${elsewhere.body.person.id}`, { token: manager.token });
    expect(hidden.status).toBe(404);
    // The manager's invitation is held back from their list until the person acts (here staff vouch
    // for them at the desk).
    const before = await req<{ items: Person[]; total: number }>('GET', '/api/people?limit=50', {
      token: manager.token,
    });
    expect([before.body.items, before.body.total]).toEqual([[], 0]);
    const vouched = await req('POST', `/api/people/${invited.body.person.id}/contacts/phone/vouch`, {
      token: staff.token,
    });
    expect(vouched.status).toBe(200);
    const search = await req<{ items: Person[]; total: number }>('GET', '/api/people?limit=50', {
      token: manager.token,
    });
    expect(search.body.items.map((p) => p.id)).toEqual([invited.body.person.id]);
    const channels = await req<Array<{ id: string }>>('GET', '/api/channels', { token: manager.token });
    expect(channels.body.map((c) => c.id)).toEqual([own.body.id]);
    expect((await req('GET', `/api/channels/${foreign.body.id}`, { token: manager.token })).status).toBe(404);
    expect(
      (await req('POST', '/api/channels', { token: manager.token, body: { name: 'Mine', commissionBps: 1 } }))
        .status,
    ).toBe(403);
    expect(
      (
        await req('PATCH', `/api/channels/${own.body.id}`, {
          token: manager.token,
          body: { commissionBps: 9000 },
        })
      ).status,
    ).toBe(403);
    const list = await req<{ total: number }>('GET', `/api/channels/${own.body.id}/invitations`, {
      token: manager.token,
    });
    expect(list.body.total).toBe(1);
  });

  it('keeps roles and channel changes for admins, and reflects new roles in the next token', async () => {
    const { res, cookie } = await register();
    const id = res.body.person.id;
    const byStaff = await req('POST', `/api/people/${id}/roles`, {
      token: staff.token,
      body: { role: 'host' },
    });
    expect(byStaff.status).toBe(403);
    const byAdmin = await req<Person>('POST', `/api/people/${id}/roles`, {
      token: admin.token,
      body: { role: 'host' },
    });
    expect(byAdmin.body.roles).toEqual(['host', 'member']);
    const refreshed = await req<Session>('POST', '/api/auth/refresh', { cookie });
    expect((await api.tokens.verifyAccess(refreshed.body.accessToken)).roles).toEqual(['host', 'member']);
    const removed = await req<Person>('DELETE', `/api/people/${id}/roles/host`, { token: admin.token });
    expect(removed.body.roles).toEqual(['member']);
    const channel = await req<{ id: string }>('POST', '/api/channels', {
      token: admin.token,
      body: { name: 'Target', commissionBps: 250 },
    });
    const put = { channelId: channel.body.id, reason: 'moved on request' };
    expect((await req('PUT', `/api/people/${id}/channel`, { token: staff.token, body: put })).status).toBe(
      403,
    );
    const moved = await req<Person>('PUT', `/api/people/${id}/channel`, { token: admin.token, body: put });
    expect(moved.body.channelId).toBe(channel.body.id);
    const audit = await req<unknown[]>('GET', `/api/people/${id}/channel-changes`, { token: staff.token });
    expect(audit.body).toHaveLength(1);
  });

  it('requires a token on every non-auth route and rejects a forged one', async () => {
    const id = admin.person.id;
    const routes: Array<[string, string]> = [
      ['GET', '/api/me'],
      ['PATCH', '/api/me'],
      ['GET', '/api/people'],
      ['GET', `/api/people/${id}`],
      ['PATCH', `/api/people/${id}`],
      ['PUT', `/api/people/${id}/channel`],
      ['GET', `/api/people/${id}/channel-changes`],
      ['POST', `/api/people/${id}/roles`],
      ['DELETE', `/api/people/${id}/roles/host`],
      ['POST', `/api/people/${id}/reset-code`],
      ['POST', '/api/channels'],
      ['GET', '/api/channels'],
      ['GET', `/api/channels/${id}`],
      ['PATCH', `/api/channels/${id}`],
      ['DELETE', `/api/channels/${id}`],
      ['POST', `/api/channels/${id}/invitations`],
      ['GET', `/api/channels/${id}/invitations`],
    ];
    const forged = `${admin.token.slice(0, -4)}AAAA`;
    for (const [method, path] of routes) {
      const body = method === 'GET' || method === 'DELETE' ? undefined : {};
      const anonymous = await req(method, path, { body });
      expect(anonymous.status, `${method} ${path}`).toBe(401);
      expect(anonymous.body, `${method} ${path}`).toMatchObject({ code: 'AUTH_REQUIRED' });
      const bad = await req(method, path, { body, token: forged });
      expect(bad.body, `${method} ${path}`).toMatchObject({ code: 'AUTH_INVALID_TOKEN' });
    }
  });

  it('documents every people route with its schemas in OpenAPI at /docs', async () => {
    const doc = await req<{
      paths: Record<string, Record<string, { requestBody?: unknown; parameters?: unknown[] }>>;
    }>('GET', '/docs/json');
    expect(doc.status).toBe(200);
    const paths = doc.body.paths;
    for (const p of [
      '/api/auth/register',
      '/api/auth/verify-contact',
      '/api/auth/contact-code',
      '/api/auth/login',
      '/api/auth/refresh',
      '/api/auth/logout',
      '/api/auth/reset',
      '/api/auth/password',
      '/api/me',
      '/api/people',
      '/api/people/{id}',
      '/api/people/{id}/roles',
      '/api/people/{id}/roles/{role}',
      '/api/people/{id}/reset-code',
      '/api/people/{id}/channel',
      '/api/channels',
      '/api/channels/{id}',
      '/api/channels/{id}/invitations',
    ]) {
      expect(paths[p], p).toBeDefined();
    }
    expect(paths['/api/auth/register']!.post!.requestBody).toBeDefined();
    expect(paths['/api/people']!.get!.parameters!.length).toBeGreaterThanOrEqual(4);
    const html = await fetch(`${api.url}/docs`);
    expect(html.status).toBeLessThan(400);
  });
});
