// Delivered and clicked figures: the SMS provider's signed delivery receipt marks the message it names
// delivered (or undelivered); opening a message's tracked link (/m/<token>) counts its first click and
// redirects to our page. Both show per kind and channel in /api/staff/messages/figures and in the log.
// Attacks: forged or stale receipt signatures, unknown ids, malformed and oversized receipts; forged
// click tokens and another message's MAC count nothing and land on the home page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue, type Store } from '../../commerce/internals.ts';
import { httpSmsSender, smtpSender } from '../../gateway/messaging/senders.ts';
import { signInbound } from '../../gateway/messaging/sms-inbound.ts';
import { FakeSmsProvider } from '../helpers/fake-sms.ts';
import { call } from '../helpers/http-call.ts';
import { decodeMail, type Mailbox, startMailbox } from '../helpers/mailbox.ts';
import {
  openTestStore,
  type Seeded,
  STORE_BACKENDS,
  seedPerson,
  seedStaff,
  startTestApi,
  type TestApi,
  type TestStore,
} from '../helpers/people.ts';

const SECRET = 'inbound-secret-0123456789';
const PUBLIC = 'https://shop.example.com';

interface Figures {
  kind: string;
  sent: number;
  delivered: number;
  clicked: number;
  channels: Array<{ channel: string; sent: number; delivered: number; undelivered: number; clicked: number }>;
}

describe.each(STORE_BACKENDS)('delivered and clicked on $name', ({ name }) => {
  let t: TestStore;
  let store: Store;
  let api: TestApi;
  let mailbox: Mailbox;
  let sms: FakeSmsProvider;
  let staff: Seeded;
  let byPhone: Seeded;
  let byMail: Seeded;

  beforeAll(async () => {
    t = await openTestStore(name);
    store = t.store;
    mailbox = await startMailbox();
    sms = await new FakeSmsProvider().start();
    api = await startTestApi(store, {
      env: {
        PUBLIC_URL: PUBLIC,
        MESSAGE_RATE_EMAIL_PER_SEC: '0',
        MESSAGE_RATE_SMS_PER_SEC: '0',
        MESSAGE_QUIET_HOURS: '00:00-00:00',
        SMS_INBOUND_SECRET: SECRET,
      },
      senders: {
        email: smtpSender(mailbox.url, 'Vitalive <no-reply@example.test>'),
        sms: httpSmsSender(sms.url, sms.key),
      },
    });
    staff = await seedStaff(store, api.tokens);
    byPhone = await seedPerson(store, api.tokens, { phone: '+8613500135000', email: null });
    byMail = await seedPerson(store, api.tokens, {});
    await store.transaction(async (trx) => {
      for (const p of [byPhone, byMail])
        await enqueue(
          trx,
          {
            personId: p.person.id,
            kind: 'live_reminder_golive',
            source: 'session:receipts',
            params: { title: 'Receipts', path: '/live/receipts-session' },
          },
          Date.now(),
        );
    });
    await api.commerce.messaging.worker.drain();
  }, 30_000);
  afterAll(async () => {
    await api?.close();
    await Promise.all([mailbox?.close(), sms?.close()]);
    await t?.cleanup();
  });

  const figures = async () => {
    const res = await call<Figures[]>(api.url, 'GET', '/api/staff/messages/figures', { token: staff.token });
    expect(res.status).toBe(200);
    return res.body.find((f) => f.kind === 'live_reminder_golive')!;
  };
  const channel = (f: Figures, c: string) => f.channels.find((x) => x.channel === c)!;
  const receipt = (raw: string, signature = signInbound(SECRET, raw, Date.now())) =>
    fetch(`${api.url}/api/webhooks/sms/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-vitalive-signature': signature },
      body: raw,
    });
  const open = (path: string) => fetch(`${api.url}${path}`, { redirect: 'manual' });
  const trackedPath = (text: string) => {
    const url = text.match(/https:\/\/shop\.example\.com(\/m\/[\w.-]+)/)?.[1];
    expect(url).toBeDefined();
    return url!;
  };

  it('an SMS delivery receipt, signed, marks the message delivered once; forged and unknown ones change nothing', async () => {
    const [sent] = sms.to('+8613500135000');
    expect(sent?.id).toBeDefined();
    const good = JSON.stringify({ id: sent!.id, status: 'delivered' });

    const forged = await receipt(good, signInbound('another-secret-0123456789', good, Date.now()));
    expect(forged.status).toBe(401);
    const stale = await receipt(good, signInbound(SECRET, good, Date.now() - 600_000));
    expect(stale.status).toBe(401);
    expect(channel(await figures(), 'sms').delivered).toBe(0);

    const unknown = await receipt(JSON.stringify({ id: 'no-such-message', status: 'delivered' }));
    expect(await unknown.json()).toEqual({ received: true, matched: false });

    for (const bad of [
      JSON.stringify({ id: sent!.id, status: 'read' }),
      JSON.stringify({ id: sent!.id, status: 'delivered', personId: byMail.person.id }),
      '{"id":',
    ]) {
      const res = await receipt(bad);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('VALIDATION_FAILED');
    }
    const huge = JSON.stringify({ id: sent!.id, status: 'delivered', error: 'x'.repeat(5_000) });
    expect((await receipt(huge)).status).toBe(413);

    const ok = await receipt(good);
    expect(await ok.json()).toEqual({ received: true, matched: true });
    // The provider retrying its callback, or a later contradicting one, changes nothing.
    await receipt(good);
    await receipt(JSON.stringify({ id: sent!.id, status: 'undelivered' }));
    const f = await figures();
    expect(f.delivered).toBe(1);
    expect(channel(f, 'sms')).toMatchObject({ sent: 1, delivered: 1, undelivered: 0 });
    expect(channel(f, 'email')).toMatchObject({ sent: 1, delivered: 0 });
  });

  it("a message's tracked link counts its first click and opens our page; forged tokens count nothing", async () => {
    const smsPath = trackedPath(sms.to('+8613500135000')[0]!.text);
    const mailPath = trackedPath(decodeMail((await mailbox.nth(byMail.person.email!, 1)).raw).text);
    expect(smsPath).not.toBe(mailPath);

    const [id36, mac] = mailPath.slice(3).split('.') as [string, string];
    const otherId = (Number.parseInt(id36, 36) + 1).toString(36);
    for (const forged of [
      `/m/${otherId}.${mac}`, // another message's id with this one's MAC
      `/m/${id36}.${'A'.repeat(16)}`,
    ]) {
      const res = await open(forged);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('/');
    }
    for (const malformed of ['/m/x', `/m/${id36}.${mac}${'a'.repeat(40)}`, `/m/${id36}..${mac}`])
      expect((await open(malformed)).status).toBe(400);
    expect((await figures()).clicked).toBe(0);

    for (let i = 0; i < 3; i++) {
      const res = await open(mailPath);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('/live/receipts-session');
    }
    let f = await figures();
    expect(f.clicked).toBe(1);
    expect(channel(f, 'email').clicked).toBe(1);
    expect(channel(f, 'sms').clicked).toBe(0);
    await open(smsPath);
    f = await figures();
    expect(f.clicked).toBe(2);
    expect(channel(f, 'sms').clicked).toBe(1);

    const log = await call<{
      items: Array<{ personId: string; receipt: string | null; clickedAtMs: number | null }>;
    }>(api.url, 'GET', `/api/staff/messages?personId=${byPhone.person.id}`, { token: staff.token });
    expect(log.body.items[0]).toMatchObject({ receipt: 'delivered', clickedAtMs: expect.any(Number) });
  });

  it('the figures stay staff-only', async () => {
    const res = await call(api.url, 'GET', '/api/staff/messages/figures', { token: byMail.token });
    expect(res.status).toBe(403);
  });
});
