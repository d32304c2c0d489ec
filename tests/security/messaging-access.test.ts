// Who may reach messaging routes: the delivery log, its figures and resend are for staff and admins
// only (members and channel managers get 403 — the log names who was told what across every
// channel); an expired or missing token is refused; a member changes only their own profile and
// reminders; an unsubscribe link cannot be forged for someone else; malformed and oversized input is
// refused with its code and changes nothing; inbound SMS needs a fresh signature.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue, LiveSales, unsubscribeToken } from '../../commerce/internals.ts';
import { signInbound } from '../../gateway/messaging/sms-inbound.ts';
import { call } from '../helpers/http-call.ts';
import { seedChannel } from '../helpers/ledger.ts';
import {
  openTestStore,
  type Seeded,
  seedPerson,
  seedStaff,
  startTestApi,
  type TestApi,
  type TestStore,
} from '../helpers/people.ts';

const SECRET = 'inbound-secret-0123456789';

describe('messaging access', () => {
  let t: TestStore;
  let api: TestApi;
  let member: Seeded;
  let other: Seeded;
  let manager: Seeded;
  let staff: Seeded;
  let messageId: number;
  let sessionId: string;

  beforeAll(async () => {
    t = await openTestStore('sqlite');
    api = await startTestApi(t.store, { env: { SMS_INBOUND_SECRET: SECRET } });
    member = await seedPerson(t.store, api.tokens, {});
    other = await seedPerson(t.store, api.tokens, { phone: '+8613600136000' });
    manager = await seedPerson(t.store, api.tokens, { roles: ['channel_manager'] });
    await seedChannel(t.store, { commissionBps: 0, managerId: manager.person.id });
    staff = await seedStaff(t.store, api.tokens);
    await t.store.db
      .updateTable('people')
      .set({ consent_marketing: 1 })
      .where('id', '=', other.person.id)
      .execute();
    await t.store.transaction((trx) =>
      enqueue(
        trx,
        {
          personId: other.person.id,
          kind: 'order_paid',
          source: 'order:x',
          params: { amountMinor: 1, currency: 'CNY' },
        },
        Date.now(),
      ),
    );
    messageId = Number((await t.store.db.selectFrom('messages').select('id').executeTakeFirstOrThrow()).id);
    const host = await seedPerson(t.store, api.tokens, { roles: ['host'] });
    sessionId = (
      await new LiveSales(t.store).createSession(
        { personId: host.person.id, roles: host.person.roles },
        { title: 'S' },
      )
    ).sessionId;
  }, 30_000);
  afterAll(async () => {
    await api?.close();
    await t?.cleanup();
  });

  const staffRoutes: Array<[string, () => string]> = [
    ['GET', () => '/api/staff/messages'],
    ['GET', () => `/api/staff/messages?personId=${other.person.id}`],
    ['GET', () => '/api/staff/messages/figures'],
    ['POST', () => `/api/staff/messages/${messageId}/resend`],
  ];

  it('members and channel managers cannot read the log or resend', async () => {
    for (const who of [member, manager]) {
      for (const [method, path] of staffRoutes) {
        const r = await call(api.url, method, path(), { token: who.token });
        expect(r.status, `${method} ${path()}`).toBe(403);
        expect(r.body.code).toBe('FORBIDDEN');
      }
    }
    const r = await call<{ total: number }>(api.url, 'GET', '/api/staff/messages', { token: staff.token });
    expect(r.body.total).toBe(1);
  });

  it('an expired or missing token is refused', async () => {
    const expired = await api.tokens.mintAccess(staff.person.id, staff.person.roles, Date.now() - 3_600_000);
    for (const path of ['/api/staff/messages', '/api/me/profile', '/api/me/live-reminders']) {
      expect((await call(api.url, 'GET', path, { token: expired })).body.code, path).toBe(
        'AUTH_INVALID_TOKEN',
      );
      expect((await call(api.url, 'GET', path)).body.code, path).toBe('AUTH_REQUIRED');
    }
    expect((await call(api.url, 'POST', `/api/live-sessions/${sessionId}/reminder`)).status).toBe(401);
  });

  it('a member changes only their own profile; malformed and oversized input changes nothing', async () => {
    const bad: unknown[] = [
      { timeZone: 'Mars/Olympus' },
      { timeZone: 'A'.repeat(65) },
      { locale: 'fr' },
      { preferredChannel: 'pigeon' },
      { personId: other.person.id, consentMarketing: false },
      {},
      { consentMarketing: 'yes' },
    ];
    for (const body of bad) {
      const r = await call(api.url, 'PATCH', '/api/me/profile', { token: member.token, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.code).toBe('VALIDATION_FAILED');
    }
    const oversized = await call(api.url, 'PATCH', '/api/me/profile', {
      token: member.token,
      raw: JSON.stringify({ timeZone: 'x'.repeat(2_000_000) }),
    });
    expect(oversized.status).toBe(413);
    expect((await call(api.url, 'GET', '/api/me/profile', { token: other.token })).body).toMatchObject({
      consentMarketing: true,
      timeZone: 'Asia/Shanghai',
    });
    // Reminders: someone else's subscription is untouched by my DELETE; unknown and ended sessions refused.
    await call(api.url, 'POST', `/api/live-sessions/${sessionId}/reminder`, { token: other.token });
    await call(api.url, 'DELETE', `/api/live-sessions/${sessionId}/reminder`, { token: member.token });
    expect((await call(api.url, 'GET', '/api/me/live-reminders', { token: other.token })).body).toEqual({
      sessionIds: [sessionId],
    });
    expect(
      (await call(api.url, 'POST', '/api/live-sessions/no-such-session/reminder', { token: member.token }))
        .body.code,
    ).toBe('NOT_FOUND');
    expect(
      (await call(api.url, 'POST', `/api/live-sessions/${'x'.repeat(65)}/reminder`, { token: member.token }))
        .status,
    ).toBe(400);
  });

  it('an unsubscribe link is bound to its person and its key', async () => {
    const forged = unsubscribeToken('not-the-platform-key', other.person.id);
    const r = await call(api.url, 'GET', `/u/${forged}`);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('UNSUBSCRIBE_LINK_INVALID');
    // A valid signature over one id pasted onto another id's part.
    const mine = unsubscribeToken(
      api.config.messaging.signingSecret ?? 'development-only-unsubscribe-secret',
      member.person.id,
    );
    const spliced = `${Buffer.from(other.person.id).toString('base64url')}.${mine.split('.')[1]}`;
    expect((await call(api.url, 'GET', `/u/${spliced}`)).status).toBe(400);
    expect((await call(api.url, 'GET', '/api/me/profile', { token: other.token })).body).toMatchObject({
      consentMarketing: true,
    });
  });

  it('inbound SMS: stale, unsigned or malformed callbacks are refused and opt no one out', async () => {
    const raw = JSON.stringify({ from: other.person.phone, text: 'TD' });
    const stale = signInbound(SECRET, raw, Date.now() - 600_000);
    for (const signature of [stale, 't=1,v1=zz', '']) {
      const r = await call(api.url, 'POST', '/api/webhooks/sms/inbound', {
        raw,
        headers: { 'x-vitalive-signature': signature },
      });
      expect(r.status, signature).toBe(401);
    }
    const junk = '{"from": 5}';
    const r = await call(api.url, 'POST', '/api/webhooks/sms/inbound', {
      raw: junk,
      headers: { 'x-vitalive-signature': signInbound(SECRET, junk, Date.now()) },
    });
    expect(r.body.code).toBe('VALIDATION_FAILED');
    expect((await call(api.url, 'GET', '/api/me/profile', { token: other.token })).body).toMatchObject({
      smsOptedOut: false,
    });
  });
});
