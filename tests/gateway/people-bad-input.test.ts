// Hostile and broken input to the people API on both backends: malformed JSON, wrong types (never
// coerced), out-of-range values, unknown fields, oversized bodies, bad query strings and unknown ids.
// Every one gets a 4xx with a code, and not a single row is written anywhere.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../commerce/internals.ts';
import { call } from '../helpers/http-call.ts';
import {
  openTestStore,
  type Seeded,
  STORE_BACKENDS,
  seedAdmin,
  seedMember,
  startTestApi,
  type TestApi,
  type TestStore,
} from '../helpers/people.ts';

const TABLES = [
  'people',
  'person_roles',
  'channels',
  'channel_invitations',
  'person_channel_changes',
  'refresh_tokens',
  'password_reset_codes',
  'outbox',
] as const;

async function counts(store: Store): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const row = await store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  return out;
}

describe.each(STORE_BACKENDS)('people API bad input on $name', ({ name }) => {
  let ts: TestStore;
  let api: TestApi;
  let admin: Seeded;
  let member: Seeded;
  let channelId: string;
  let before: Record<string, number>;

  beforeAll(async () => {
    ts = await openTestStore(name);
    api = await startTestApi(ts.store);
    admin = await seedAdmin(ts.store, api.tokens);
    member = await seedMember(ts.store, api.tokens, { email: 'taken@example.test' });
    const channel = await call<{ id: string }>(api.url, 'POST', '/api/channels', {
      token: admin.token,
      body: { name: 'Fixture', commissionBps: 100 },
    });
    channelId = channel.body.id;
  });
  afterAll(async () => {
    await api.close();
    await ts.cleanup();
  });
  beforeEach(async () => {
    before = await counts(ts.store);
  });

  async function expectRejected(
    method: string,
    path: string,
    opts: Parameters<typeof call>[3],
    status: number,
    code: string,
  ) {
    const res = await call(api.url, method, path, opts);
    expect(
      res.status,
      `${method} ${path} ${JSON.stringify(opts?.body ?? opts?.raw ?? '').slice(0, 80)}`,
    ).toBe(status);
    expect(res.body).toMatchObject({ code, message: expect.any(String) });
    expect(await counts(ts.store)).toEqual(before);
  }

  it.each([
    ['/api/auth/register', '{"displayName": "A", "email": '],
    ['/api/auth/login', '{login: "a@b.co"}'],
    ['/api/auth/reset', 'null'],
    ['/api/auth/password', '[1, 2, 3]'],
  ])('rejects malformed or non-object JSON on %s', async (path, raw) => {
    await expectRejected('POST', path, { raw }, 400, 'VALIDATION_FAILED');
  });

  it('rejects malformed JSON on authenticated routes too', async () => {
    await expectRejected(
      'PATCH',
      '/api/me',
      { raw: '{"displayName":', token: member.token },
      400,
      'VALIDATION_FAILED',
    );
    await expectRejected(
      'POST',
      '/api/channels',
      { raw: "{'name':'x'}", token: admin.token },
      400,
      'VALIDATION_FAILED',
    );
    await expectRejected(
      'POST',
      `/api/channels/${channelId}/invitations`,
      { raw: '{"displayName":"x","email":"a@b.co"', token: admin.token },
      400,
      'VALIDATION_FAILED',
    );
  });

  it.each([
    [{ displayName: 5, email: 'n1@example.test', password: 'password-1' }],
    [{ displayName: 'N', email: ['n2@example.test'], password: 'password-1' }],
    [{ displayName: 'N', email: 'n3@example.test', password: 12345678 }],
    [{ displayName: 'N', email: 'n4@example.test', password: 'short' }],
    [{ displayName: 'N', email: 'n5@example.test', password: 'x'.repeat(129) }],
    [{ displayName: '', email: 'n6@example.test', password: 'password-1' }],
    [{ displayName: '   ', email: 'n10@example.test', password: 'password-1' }],
    [{ displayName: 'N', email: 'n7@example.test', password: 'password-1', role: 'admin' }],
    [{ displayName: 'N', email: 'n8@example.test', password: 'password-1', referredBy: 'someone' }],
    [{ email: 'n9@example.test', password: 'password-1' }],
  ])('rejects a registration with wrong types, limits or fields: %j', async (body) => {
    await expectRejected('POST', '/api/auth/register', { body }, 400, 'VALIDATION_FAILED');
  });

  it('rejects contacts that do not normalise, and answers taken ones like fresh ones, writing nothing', async () => {
    const base = { displayName: 'N', password: 'password-1' };
    await expectRejected('POST', '/api/auth/register', { body: { ...base } }, 400, 'CONTACT_INVALID');
    await expectRejected(
      'POST',
      '/api/auth/register',
      { body: { ...base, email: 'nope' } },
      400,
      'CONTACT_INVALID',
    );
    await expectRejected(
      'POST',
      '/api/auth/register',
      { body: { ...base, phone: '12345678' } },
      400,
      'CONTACT_INVALID',
    );
    // A taken contact is not refused: that would tell anyone it has an account. Nothing is written.
    const before = await counts(ts.store);
    const taken = await call(api.url, 'POST', '/api/auth/register', {
      body: { ...base, email: ' TAKEN@example.test' },
    });
    expect(taken.status).toBe(202);
    expect(taken.body).toEqual({ status: 'code_sent' });
    expect(await counts(ts.store)).toEqual(before);
  });

  it.each([
    [{ name: 'C', commissionBps: '500' }],
    [{ name: 'C', commissionBps: -1 }],
    [{ name: 'C', commissionBps: 10_001 }],
    [{ name: 'C', commissionBps: 1.5 }],
    [{ name: 'C', commissionBps: 100, managerId: 42 }],
    [{ name: 'C' }],
    [{ name: 'x'.repeat(121), commissionBps: 1 }],
    [{ name: 'C', commissionBps: 1, inviteCode: 'MINE2222' }],
  ])('rejects a channel with wrong types or out-of-range values: %j', async (body) => {
    await expectRejected('POST', '/api/channels', { body, token: admin.token }, 400, 'VALIDATION_FAILED');
  });

  it('rejects wrong types and values on people, me and invitations', async () => {
    const id = member.person.id;
    const t = admin.token;
    await expectRejected(
      'PATCH',
      `/api/people/${id}`,
      { body: { tier: 'platinum' }, token: t },
      400,
      'VALIDATION_FAILED',
    );
    await expectRejected('PATCH', `/api/people/${id}`, { body: {}, token: t }, 400, 'VALIDATION_FAILED');
    await expectRejected(
      'PATCH',
      `/api/people/${id}`,
      { body: { channelId }, token: t },
      400,
      'VALIDATION_FAILED',
    );
    await expectRejected(
      'PATCH',
      '/api/me',
      { body: { consents: { healthData: 'yes' } }, token: member.token },
      400,
      'VALIDATION_FAILED',
    );
    await expectRejected(
      'PATCH',
      '/api/me',
      { body: { tier: 'gold' }, token: member.token },
      400,
      'VALIDATION_FAILED',
    );
    await expectRejected(
      'POST',
      `/api/people/${id}/roles`,
      { body: { role: 'root' }, token: t },
      400,
      'VALIDATION_FAILED',
    );
    await expectRejected(
      'PUT',
      `/api/people/${id}/channel`,
      { body: { channelId, reason: '' }, token: t },
      400,
      'VALIDATION_FAILED',
    );
    await expectRejected(
      'POST',
      `/api/channels/${channelId}/invitations`,
      { body: { displayName: 'P' }, token: t },
      400,
      'CONTACT_INVALID',
    );
    await expectRejected(
      'POST',
      `/api/channels/${channelId}/invitations`,
      { body: { displayName: 'P', phone: 8613800138000 }, token: t },
      400,
      'VALIDATION_FAILED',
    );
  });

  it.each([
    '?limit=0',
    '?limit=101',
    '?limit=abc',
    '?offset=-1',
    '?kind=admin',
    `?q=${'x'.repeat(101)}`,
    '?unknown=1',
  ])('rejects the people query %s', async (query) => {
    await expectRejected('GET', `/api/people${query}`, { token: admin.token }, 400, 'VALIDATION_FAILED');
  });

  it('rejects a body over the 64 KiB limit with 413 before reading it', async () => {
    const body = {
      displayName: 'Big',
      email: 'big@example.test',
      password: 'password-1',
      pad: 'x'.repeat(70_000),
    };
    await expectRejected('POST', '/api/auth/register', { body }, 413, 'HTTP_BODY_TOO_LARGE');
  });

  it('answers unknown ids with NOT_FOUND and malformed ids with VALIDATION_FAILED', async () => {
    const t = admin.token;
    const missing = '00000000-0000-4000-8000-000000000000';
    await expectRejected('GET', `/api/people/${missing}`, { token: t }, 404, 'NOT_FOUND');
    await expectRejected(
      'PATCH',
      `/api/people/${missing}`,
      { body: { tier: 'gold' }, token: t },
      404,
      'NOT_FOUND',
    );
    await expectRejected(
      'POST',
      `/api/people/${missing}/roles`,
      { body: { role: 'host' }, token: t },
      404,
      'NOT_FOUND',
    );
    await expectRejected('POST', `/api/people/${missing}/reset-code`, { token: t }, 404, 'NOT_FOUND');
    await expectRejected(
      'PUT',
      `/api/people/${member.person.id}/channel`,
      { body: { channelId: missing, reason: 'typo check' }, token: t },
      404,
      'NOT_FOUND',
    );
    await expectRejected('GET', `/api/channels/${missing}`, { token: t }, 404, 'NOT_FOUND');
    await expectRejected(
      'PATCH',
      `/api/channels/${missing}`,
      { body: { name: 'N' }, token: t },
      404,
      'NOT_FOUND',
    );
    await expectRejected(
      'POST',
      `/api/channels/${missing}/invitations`,
      { body: { displayName: 'P', email: 'p@example.test' }, token: t },
      404,
      'NOT_FOUND',
    );
    await expectRejected('GET', `/api/channels/${missing}/invitations`, { token: t }, 404, 'NOT_FOUND');
    await expectRejected('GET', '/api/people/bad%20id', { token: t }, 400, 'VALIDATION_FAILED');
    await expectRejected('GET', `/api/people/${'a'.repeat(65)}`, { token: t }, 400, 'VALIDATION_FAILED');
    await expectRejected(
      'DELETE',
      `/api/people/${missing}/roles/superuser`,
      { token: t },
      400,
      'VALIDATION_FAILED',
    );
    await expectRejected('GET', '/api/nowhere', {}, 404, 'NOT_FOUND');
  });

  it('rejects a login with the wrong shape before it counts against the throttle', async () => {
    await expectRejected('POST', '/api/auth/login', { body: { login: 'a@b.co' } }, 400, 'VALIDATION_FAILED');
    await expectRejected(
      'POST',
      '/api/auth/login',
      { body: { login: { $ne: null }, password: 'x' } },
      400,
      'VALIDATION_FAILED',
    );
    // Registration budgets (c…) share the table; no login count (a: account, i: IP) was written.
    const throttle = await ts.store.db.selectFrom('login_throttle').selectAll().execute();
    expect(throttle.filter((t) => !t.key.startsWith('c'))).toEqual([]);
  });
});
