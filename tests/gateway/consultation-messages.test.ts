// Consultation messages over real SMTP (in-process server): booking an online consultation e-mails the
// member and the expert, each naming the other, with the call's link; the 24 h and 1 h reminders are
// scheduled, moved when the booking moves (the member is told the new time) and cancelled with it; the
// 1 h reminder carries the join link; a reminder job left from an older time sends nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../commerce/internals.ts';
import { smtpSender } from '../../gateway/messaging/senders.ts';
import { freeSlots, seedExpert } from '../helpers/experts.ts';
import { call } from '../helpers/http-call.ts';
import { deliver } from '../helpers/ledger.ts';
import { decodeMail, type Mailbox, startMailbox } from '../helpers/mailbox.ts';
import {
  openTestStore,
  type Seeded,
  seedPerson,
  startTestApi,
  type TestApi,
  type TestStore,
} from '../helpers/people.ts';

const HOUR = 3_600_000;

describe('consultation messages', () => {
  let t: TestStore;
  let api: TestApi;
  let store: Store;
  let mailbox: Mailbox;
  let expert: Seeded;

  beforeAll(async () => {
    t = await openTestStore('sqlite');
    store = t.store;
    mailbox = await startMailbox();
    api = await startTestApi(store, {
      env: {
        PUBLIC_URL: 'https://shop.example.com',
        MESSAGE_RATE_EMAIL_PER_SEC: '0',
        MESSAGE_QUIET_HOURS: '00:00-00:00',
      },
      senders: { email: smtpSender(mailbox.url, 'Vitalive <no-reply@example.test>') },
    });
    expert = await seedExpert(api.url, store, api.tokens, { displayName: 'Dr Lin' });
  }, 30_000);
  afterAll(async () => {
    await api?.close();
    await mailbox?.close();
    await t?.cleanup();
  });

  const send = async () => {
    await deliver(store, api.commerce.consumers.messaging);
    await api.commerce.messaging.scheduler.runDue();
    await api.commerce.messaging.worker.drain();
  };
  const mails = (to: string) => mailbox.to(to).map((m) => decodeMail(m.raw));
  const jobs = (id: string) =>
    store.db
      .selectFrom('jobs')
      .select(['dedupe_key', 'kind', 'due_at_ms', 'done_at_ms', 'cancelled'])
      .where('dedupe_key', 'like', `consultation:${id}:%`)
      .orderBy('dedupe_key')
      .execute();
  /** Time passes: the job becomes due now. */
  const makeDue = (key: string) =>
    store.db
      .updateTable('jobs')
      .set({ due_at_ms: Date.now() - 1 })
      .where('dedupe_key', '=', key)
      .execute();

  /** Links to our own pages are tracked: a mail carries /m/<token>, which redirects to the page. */
  async function linkIn(text: string): Promise<string | undefined> {
    const tracked = /https:\/\/shop\.example\.com(\/m\/\S+)/.exec(text)?.[1];
    if (!tracked) return undefined;
    const opened = await fetch(`${api.url}${tracked}`, { redirect: 'manual' });
    expect(opened.status).toBe(302);
    return new URL(opened.headers.get('location')!, 'https://shop.example.com').href;
  }

  it('booking, moving and the two reminders reach both sides; cancelling stops the reminders', async () => {
    const member = await seedPerson(store, api.tokens, { displayName: 'Mei' });
    const [start, moved] = await freeSlots(api.url, expert.person.id, Date.now() + 48 * HOUR);
    const booked = await call(api.url, 'POST', '/api/consultations', {
      token: member.token,
      body: { expertId: expert.person.id, startsAtMs: start },
    });
    expect(booked.status).toBe(201);
    const id = booked.body.consultationId as string;
    await send();

    const join = `https://shop.example.com/web/consult.html?c=${id}`;
    await mailbox.nth(member.person.email!, 1);
    await mailbox.nth(expert.person.email!, 1);
    expect(mails(member.person.email!)[0]).toMatchObject({
      subject: expect.stringContaining('Consultation booked'),
    });
    expect(mails(member.person.email!)[0]!.text).toContain('Dr Lin');
    expect(await linkIn(mails(member.person.email!)[0]!.text)).toBe(join);
    expect(mails(expert.person.email!)[0]!.text).toContain('Mei');

    expect((await jobs(id)).map((j) => [j.dedupe_key, Number(j.due_at_ms), j.done_at_ms])).toEqual([
      [`consultation:${id}:1h`, start! - HOUR, null],
      [`consultation:${id}:24h`, start! - 24 * HOUR, null],
    ]);

    // Moved: both jobs follow the booking, and each side hears the new time.
    const mv = await call(api.url, 'POST', `/api/consultations/${id}/reschedule`, {
      token: member.token,
      body: { startsAtMs: moved },
    });
    expect(mv.status).toBe(200);
    await send();
    await mailbox.nth(member.person.email!, 2);
    await mailbox.nth(expert.person.email!, 2);
    expect(mails(member.person.email!)[1]!.subject).toContain('Consultation moved');
    expect((await jobs(id)).map((j) => Number(j.due_at_ms))).toEqual([moved! - HOUR, moved! - 24 * HOUR]);

    // The day before, then an hour before (with the join link).
    await makeDue(`consultation:${id}:24h`);
    await send();
    await mailbox.nth(member.person.email!, 3);
    await mailbox.nth(expert.person.email!, 3);
    expect(mails(member.person.email!)[2]!.subject).toBe('Tomorrow: consultation with Dr Lin');
    expect(mails(expert.person.email!)[2]!.subject).toBe('Tomorrow: consultation with Mei');
    await makeDue(`consultation:${id}:1h`);
    await send();
    await mailbox.nth(member.person.email!, 4);
    const hour = mails(member.person.email!)[3]!;
    expect(hour.subject).toBe('In one hour: consultation with Dr Lin');
    expect(hour.text).toContain('Join the video call here:');
    expect(await linkIn(hour.text)).toBe(join);
    await mailbox.nth(expert.person.email!, 4);

    // A second booking, cancelled: its reminders are cancelled and never send; both hear of it.
    const [other] = await freeSlots(api.url, expert.person.id, Date.now() + 72 * HOUR);
    const b2 = await call(api.url, 'POST', '/api/consultations', {
      token: member.token,
      body: { expertId: expert.person.id, startsAtMs: other },
    });
    const id2 = b2.body.consultationId as string;
    await send();
    const cancelled = await call(api.url, 'POST', `/api/consultations/${id2}/cancel`, {
      token: member.token,
    });
    expect(cancelled.status).toBe(200);
    await send();
    expect((await jobs(id2)).map((j) => j.cancelled)).toEqual([1, 1]);
    await mailbox.nth(member.person.email!, 6);
    expect(mails(member.person.email!)[5]!.subject).toBe('Consultation cancelled');
    await mailbox.nth(expert.person.email!, 6);
    const before = mailbox.received.length;
    // Even a reminder job forced back to life finds the booking cancelled and stays silent.
    await store.db
      .updateTable('jobs')
      .set({ done_at_ms: null, cancelled: 0, due_at_ms: Date.now() - 1 })
      .where('dedupe_key', '=', `consultation:${id2}:1h`)
      .execute();
    await send();
    expect(mailbox.received.length).toBe(before);
  }, 60_000);

  it('the member’s language: a zh-Hant member reads the booking in Traditional Chinese', async () => {
    const member = await seedPerson(store, api.tokens, { displayName: '美' });
    const p = await call(api.url, 'PATCH', '/api/me/profile', {
      token: member.token,
      body: { locale: 'zh-Hant', timeZone: 'Asia/Taipei' },
    });
    expect(p.status).toBe(200);
    const [start] = await freeSlots(api.url, expert.person.id, Date.now() + 100 * HOUR);
    await call(api.url, 'POST', '/api/consultations', {
      token: member.token,
      body: { expertId: expert.person.id, startsAtMs: start },
    });
    await send();
    const mail = decodeMail((await mailbox.nth(member.person.email!, 1)).raw);
    expect(mail.subject).toContain('諮詢已預約');
    expect(mail.text).toContain('視訊');
  });
});
