// Messages over the real protocols: a member who tapped "remind me" gets the go-live e-mail (in-process
// SMTP server) in their language with the live page's link; a member without marketing consent gets
// the reminder but no promotion; the unsubscribe link turns consent off; a failing SMS provider is
// retried, then the message shows as failed in the staff log and can be resent; WeChat binding (OAuth
// code → openid) makes WeChat the first channel, with the access token fetched once and refetched when
// revoked; an SMS reply of TD, signed, opts the number out.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvent, LiveSales, type Store } from '../../commerce/internals.ts';
import { httpSmsSender, smtpSender } from '../../gateway/messaging/senders.ts';
import { signInbound } from '../../gateway/messaging/sms-inbound.ts';
import { WechatClient } from '../../gateway/messaging/wechat.ts';
import { FakeSmsProvider } from '../helpers/fake-sms.ts';
import { FakeWechat } from '../helpers/fake-wechat.ts';
import { deliver, seedChannel } from '../helpers/ledger.ts';
import { decodeMail, type Mailbox, startMailbox } from '../helpers/mailbox.ts';
import {
  openTestStore,
  seedPerson,
  seedStaff,
  startTestApi,
  type TestApi,
  type TestStore,
} from '../helpers/people.ts';

const INBOUND_SECRET = 'inbound-secret-0123456789';

/** An offline event in three days with these invitees, and the invitee events the channel flow writes. */
async function inviteToEvent(store: Store, staffId: string, personIds: string[]): Promise<void> {
  const channelId = await seedChannel(store, { commissionBps: 0 });
  const eventId = randomUUID();
  const now = Date.now();
  await store.transaction(async (trx) => {
    await trx
      .insertInto('offline_events')
      .values({
        id: eventId,
        title: 'Open day',
        venue: 'Clinic 1',
        starts_at_ms: now + 3 * 86_400_000,
        created_by: staffId,
        created_at_ms: now,
      })
      .execute();
    for (const personId of personIds) {
      await trx
        .insertInto('event_invitees')
        .values({
          event_id: eventId,
          person_id: personId,
          channel_id: channelId,
          invited_by: staffId,
          invited_at_ms: now,
        })
        .execute();
      await appendEvent(trx, {
        type: 'offline_event.invitee_added',
        aggregateId: eventId,
        payload: { eventId, personId, channelId, by: staffId },
      });
    }
  });
}

describe('messaging over HTTP, SMTP, SMS and WeChat', () => {
  let t: TestStore;
  let api: TestApi;
  let mailbox: Mailbox;
  let sms: FakeSmsProvider;
  let wx: FakeWechat;
  let store: Store;

  beforeAll(async () => {
    t = await openTestStore('sqlite');
    store = t.store;
    mailbox = await startMailbox();
    sms = await new FakeSmsProvider().start();
    wx = await new FakeWechat().start();
    const wechat = new WechatClient({
      apiUrl: wx.url,
      appId: wx.appId,
      appSecret: wx.appSecret,
      templateId: wx.templateId,
    });
    api = await startTestApi(store, {
      env: {
        PUBLIC_URL: 'https://shop.example.com',
        MESSAGE_RATE_EMAIL_PER_SEC: '0',
        MESSAGE_RATE_SMS_PER_SEC: '0',
        MESSAGE_RETRY_BASE_MS: '100',
        MESSAGE_MAX_ATTEMPTS: '3',
        MESSAGE_QUIET_HOURS: '00:00-00:00',
        SMS_INBOUND_SECRET: INBOUND_SECRET,
      },
      senders: {
        email: smtpSender(mailbox.url, 'Vitalive <no-reply@example.test>'),
        sms: httpSmsSender(sms.url, sms.key),
        wechat,
      },
      wechat,
    });
  }, 30_000);
  afterAll(async () => {
    await api?.close();
    await Promise.all([mailbox?.close(), sms?.close(), wx?.close()]);
    await t?.cleanup();
  });

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: res.status, body: json as Record<string, unknown> };
  };
  const send = async () => {
    await deliver(store, api.commerce.consumers.messaging);
    await api.commerce.messaging.worker.drain();
  };

  it('remind me → go-live e-mail in the member’s language with the live link; promotions only with consent', async () => {
    const host = await seedPerson(store, api.tokens, { roles: ['host'] });
    const alice = await seedPerson(store, api.tokens, {});
    const bob = await seedPerson(store, api.tokens, {});
    expect(
      (
        await call('PATCH', '/api/me/profile', alice.token, {
          locale: 'zh-Hant',
          timeZone: 'Asia/Taipei',
          consentMarketing: true,
        })
      ).body,
    ).toMatchObject({
      locale: 'zh-Hant',
      timeZone: 'Asia/Taipei',
      consentMarketing: true,
    });
    const sales = new LiveSales(store);
    const actor = { personId: host.person.id, roles: host.person.roles };
    const session = await sales.createSession(actor, { title: '晚間直播' });
    for (const p of [alice, bob])
      expect((await call('POST', `/api/live-sessions/${session.sessionId}/reminder`, p.token)).body).toEqual({
        sessionId: session.sessionId,
        subscribed: true,
      });
    expect((await call('GET', '/api/me/live-reminders', bob.token)).body).toEqual({
      sessionIds: [session.sessionId],
    });
    await sales.goLive(actor, session.sessionId);
    await send();
    const toAlice = decodeMail((await mailbox.nth(alice.person.email!, 1)).raw);
    expect(toAlice.subject).toBe('正在直播：晚間直播');
    // The tracked link leads to the live page.
    const tracked = toAlice.text.match(/https:\/\/shop\.example\.com\/m\/[\w.-]+/)?.[0];
    expect(tracked).toBeDefined();
    const opened = await fetch(tracked!.replace('https://shop.example.com', api.url), { redirect: 'manual' });
    expect(opened.status).toBe(302);
    expect(opened.headers.get('location')).toBe(`/live/${session.sessionId}`);
    expect(decodeMail((await mailbox.nth(bob.person.email!, 1)).raw).subject).toBe('Live now: 晚間直播');

    // A promotional message (event invitation): Alice consented, Bob did not.
    const staff = await seedStaff(store, api.tokens);
    await inviteToEvent(store, staff.person.id, [alice.person.id, bob.person.id]);
    await send();
    const invitation = await mailbox.nth(alice.person.email!, 2);
    const mail = decodeMail(invitation.raw);
    expect(mail.subject).toBe('活動邀請：Open day');
    expect(mail.headers['list-unsubscribe']).toMatch(/^<https:\/\/shop\.example\.com\/u\/.+>$/);
    expect(mailbox.to(bob.person.email!)).toHaveLength(1);
    const log = await call(
      'GET',
      `/api/staff/messages?personId=${bob.person.id}&kind=event_invitation`,
      staff.token,
    );
    expect(log.body).toMatchObject({
      total: 1,
      items: [{ status: 'suppressed', lastError: 'no marketing consent' }],
    });

    // The link turns Alice's consent off.
    const link = /https:\/\/shop\.example\.com(\/u\/[\w.-]+)/.exec(mail.text)![1]!;
    const page = await call('GET', link);
    expect(page.status).toBe(200);
    expect((await call('GET', '/api/me/profile', alice.token)).body).toMatchObject({
      consentMarketing: false,
    });
  });

  it('a failing SMS provider is retried, then failed in the staff log; staff resend it', async () => {
    const staff = await seedStaff(store, api.tokens);
    const carol = await seedPerson(store, api.tokens, { email: null, phone: '+8613900139000' });
    await call('POST', '/api/live-sessions/nope/reminder', carol.token);
    const host = await seedPerson(store, api.tokens, { roles: ['host'] });
    const sales = new LiveSales(store);
    const actor = { personId: host.person.id, roles: host.person.roles };
    const session = await sales.createSession(actor, { title: 'Morning live' });
    await call('POST', `/api/live-sessions/${session.sessionId}/reminder`, carol.token);
    sms.failNext = 3;
    await sales.goLive(actor, session.sessionId);
    await deliver(store, api.commerce.consumers.messaging);
    const deadline = Date.now() + 10_000;
    let status = '';
    while (Date.now() < deadline) {
      await api.commerce.messaging.worker.drain();
      const log = await call('GET', `/api/staff/messages?personId=${carol.person.id}`, staff.token);
      status = String((log.body.items as Array<{ status: string }>)[0]?.status);
      if (status === 'failed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe('failed');
    expect(sms.failed).toBe(3);
    const log = await call(
      'GET',
      `/api/staff/messages?personId=${carol.person.id}&status=failed`,
      staff.token,
    );
    const failed = (log.body.items as Array<{ messageId: number; attempts: number; channel: string }>)[0]!;
    expect(failed).toMatchObject({ attempts: 3, channel: 'sms' });
    const figures = (await call('GET', '/api/staff/messages/figures', staff.token)).body as unknown as Array<{
      kind: string;
      failed: number;
    }>;
    expect(figures.find((f) => f.kind === 'live_reminder_golive')!.failed).toBeGreaterThanOrEqual(1);
    const resent = await call('POST', `/api/staff/messages/${failed.messageId}/resend`, staff.token);
    expect(resent.status).toBe(200);
    await api.commerce.messaging.worker.drain();
    expect(sms.to('+8613900139000').map((m) => m.kind)).toEqual(['live_reminder_golive']);
  });

  it('WeChat: the OAuth code binds the openid; messages go to WeChat first, the token cached and refetched when revoked', async () => {
    const dave = await seedPerson(store, api.tokens, {});
    wx.codes.set('code-123', 'openid-dave-0001');
    const auth = await call(
      'GET',
      `/api/me/wechat/authorize?redirectUri=${encodeURIComponent('https://shop.example.com/me')}`,
      dave.token,
    );
    expect(String(auth.body.url)).toContain(`appid=${wx.appId}`);
    const state = String(auth.body.state);
    expect(
      (await call('POST', '/api/me/wechat', dave.token, { code: 'code-123', state })).body,
    ).toMatchObject({
      wechatBound: true,
    });
    // A used code with a fresh state: WeChat refuses it.
    const again = await call(
      'GET',
      `/api/me/wechat/authorize?redirectUri=${encodeURIComponent('https://shop.example.com/me')}`,
      dave.token,
    );
    expect(
      (
        await call('POST', '/api/me/wechat', dave.token, {
          code: 'code-123',
          state: String(again.body.state),
        })
      ).body,
    ).toMatchObject({ code: 'WECHAT_AUTH_FAILED' });
    const host = await seedPerson(store, api.tokens, { roles: ['host'] });
    const sales = new LiveSales(store);
    const actor = { personId: host.person.id, roles: host.person.roles };
    const fetchesBefore = wx.tokenFetches;
    for (const title of ['First', 'Second', 'Third']) {
      const s = await sales.createSession(actor, { title });
      await call('POST', `/api/live-sessions/${s.sessionId}/reminder`, dave.token);
      if (title === 'Third') wx.revokeToken();
      await sales.goLive(actor, s.sessionId);
      await send();
    }
    const toDave = wx.received.filter((m) => m.touser === 'openid-dave-0001');
    expect(toDave.map((m) => m.data.first!.value)).toEqual([
      'Live now: First',
      'Live now: Second',
      'Live now: Third',
    ]);
    expect(toDave[0]).toMatchObject({
      template_id: wx.templateId,
      url: expect.stringMatching(/^https:\/\/shop\.example\.com\/m\//),
    });
    // One fetch for the first two, one more after the revocation.
    expect(wx.tokenFetches - fetchesBefore).toBe(2);
    expect(mailbox.to(dave.person.email!)).toHaveLength(0);
  });

  it('an SMS reply of TD, signed by the provider, opts the number out; unsigned replies are refused', async () => {
    const erin = await seedPerson(store, api.tokens, { phone: '+8613700137000' });
    await call('PATCH', '/api/me/profile', erin.token, { consentMarketing: true });
    const raw = JSON.stringify({ from: '+8613700137000', text: 'td' });
    const post = (signature: string) =>
      fetch(`${api.url}/api/webhooks/sms/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-vitalive-signature': signature },
        body: raw,
      });
    const forged = await post(signInbound('another-secret-0123456789', raw, Date.now()));
    expect(forged.status).toBe(401);
    expect((await call('GET', '/api/me/profile', erin.token)).body).toMatchObject({ smsOptedOut: false });
    const ok = await post(signInbound(INBOUND_SECRET, raw, Date.now()));
    expect(await ok.json()).toEqual({ received: true, optedOut: true });
    expect((await call('GET', '/api/me/profile', erin.token)).body).toMatchObject({
      smsOptedOut: true,
      consentMarketing: false,
    });
  });
});
