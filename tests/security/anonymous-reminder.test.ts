// "Remind me" without an account: a visitor gives an e-mail or phone, gets a code, and only a code that
// comes back sets the reminder, which then reaches that contact at go-live. Attacks: the first answer
// must not tell a contact with an account from one without (same status and body, a code either way);
// wrong, guessed, replayed, expired and other-session codes set nothing; floods are refused per contact
// and per IP before anything is sent; malformed and oversized bodies are refused with their codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSales } from '../../commerce/internals.ts';
import { call } from '../helpers/http-call.ts';
import { deliver } from '../helpers/ledger.ts';
import {
  MessageLog,
  openTestStore,
  type Seeded,
  STORE_BACKENDS,
  seedPerson,
  startTestApi,
  type TestApi,
  type TestStore,
} from '../helpers/people.ts';

const PER_CONTACT = 3;
const PER_IP = 12;

describe.each(STORE_BACKENDS)('anonymous remind me on $name', ({ name }) => {
  let t: TestStore;
  let api: TestApi;
  let log: MessageLog;
  let member: Seeded;
  let sessionId = '';
  let otherSessionId = '';
  let ended = '';
  let ipSeq = 0;
  const sent: Array<{ to: string; kind: string }> = [];

  beforeAll(async () => {
    t = await openTestStore(name);
    log = new MessageLog();
    api = await startTestApi(t.store, {
      env: {
        CONTACT_CODES_PER_CONTACT: String(PER_CONTACT),
        CONTACT_CODES_PER_IP: String(PER_IP),
        CONTACT_CODE_MAX_TRIES: '3',
        HTTP_TRUST_PROXY: '127.0.0.1',
        MESSAGE_RATE_EMAIL_PER_SEC: '0',
        MESSAGE_QUIET_HOURS: '00:00-00:00',
      },
      people: { messenger: log },
      senders: {
        email: {
          async send(d) {
            sent.push({ to: d.to, kind: d.kind });
            return {};
          },
        },
      },
    });
    member = await seedPerson(t.store, api.tokens, { email: 'has-account@example.test' });
    const host = await seedPerson(t.store, api.tokens, { roles: ['host'] });
    const sales = new LiveSales(t.store);
    const actor = { personId: host.person.id, roles: host.person.roles };
    sessionId = (await sales.createSession(actor, { title: 'Anonymous' })).sessionId;
    otherSessionId = (await sales.createSession(actor, { title: 'Other' })).sessionId;
    ended = (await sales.createSession(actor, { title: 'Ended' })).sessionId;
    await sales.goLive(actor, ended);
    await sales.end(actor, ended);
  }, 30_000);
  afterAll(async () => {
    await api?.close();
    await t?.cleanup();
  });

  /** Each call from its own documentation-range address unless one is given. */
  const ask = (contact: unknown, session = sessionId, ip = `203.0.113.${(ipSeq++ % 250) + 1}`) =>
    call(api.url, 'POST', `/api/live-sessions/${session}/reminder/contact`, {
      body: { contact },
      headers: { 'x-forwarded-for': ip, 'accept-language': 'zh-TW' },
    });
  const verify = (
    contact: string,
    code: string,
    session = sessionId,
    ip = `198.51.100.${(ipSeq++ % 250) + 1}`,
  ) =>
    call(api.url, 'POST', `/api/live-sessions/${session}/reminder/contact/verify`, {
      body: { contact, code },
      headers: { 'x-forwarded-for': ip },
    });
  const subscribed = async (personId: string) =>
    (
      await t.store.db
        .selectFrom('live_reminders')
        .select('session_id')
        .where('person_id', '=', personId)
        .execute()
    ).map((r) => r.session_id);
  const personWith = async (email: string) =>
    t.store.db.selectFrom('people').selectAll().where('email', '=', email).executeTakeFirst();

  it('the answer is the same for a contact with an account and one without; both get a code', async () => {
    const withAccount = await ask('Has-Account@example.test');
    const without = await ask('no-account@example.test');
    expect(withAccount.status).toBe(202);
    expect(without.status).toBe(202);
    expect(withAccount.body).toEqual(without.body);
    expect(withAccount.body).toEqual({ status: 'code_sent' });
    expect(log.to('has-account@example.test')).toHaveLength(1);
    expect(log.to('no-account@example.test')).toHaveLength(1);
    // In the page's language; and asking created no one.
    expect(log.to('no-account@example.test')[0]!.locale).toBe('zh-Hant');
    expect(await personWith('no-account@example.test')).toBeUndefined();
  });

  it('wrong, other-session and malformed codes set nothing; the right one sets the reminder once', async () => {
    const code = log.codeFor('no-account@example.test');
    const wrong = code === '000000' ? '111111' : '000000';
    expect((await verify('no-account@example.test', wrong)).body.code).toBe('CONTACT_CODE_INVALID');
    expect((await verify('no-account@example.test', code, otherSessionId)).body.code).toBe(
      'CONTACT_CODE_INVALID',
    );
    expect((await verify('no-account@example.test', 'abcdef')).body.code).toBe('CONTACT_CODE_INVALID');
    expect(await personWith('no-account@example.test')).toBeUndefined();

    const ok = await verify('no-account@example.test', code);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ sessionId, subscribed: true });
    const prospect = (await personWith('no-account@example.test'))!;
    expect(prospect).toMatchObject({
      kind: 'prospect',
      consent_marketing: 0,
      channel_id: null,
      locale: 'zh-Hant',
    });
    expect(prospect.email_proven_at_ms).not.toBeNull();
    expect(await subscribed(prospect.id)).toEqual([sessionId]);
    // Replayed: used up.
    expect((await verify('no-account@example.test', code)).body.code).toBe('CONTACT_CODE_INVALID');

    // The account's contact proved: the reminder is the account's, and no second person appears.
    const memberCode = log.codeFor('has-account@example.test');
    expect((await verify('has-account@example.test', memberCode)).body).toEqual({
      sessionId,
      subscribed: true,
    });
    expect(await subscribed(member.person.id)).toEqual([sessionId]);
    const holders = await t.store.db
      .selectFrom('people')
      .select('id')
      .where('email', '=', 'has-account@example.test')
      .execute();
    expect(holders).toHaveLength(1);
  });

  it('guessing burns the code after its tries', async () => {
    await ask('guess@example.test');
    const code = log.codeFor('guess@example.test');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 3; i++) await verify('guess@example.test', wrong);
    expect((await verify('guess@example.test', code)).body.code).toBe('CONTACT_CODE_INVALID');
    expect(await personWith('guess@example.test')).toBeUndefined();
  });

  it('a newer code voids the older one', async () => {
    await ask('twice@example.test');
    const first = log.codeFor('twice@example.test');
    await ask('twice@example.test');
    const second = log.codeFor('twice@example.test');
    if (first !== second)
      expect((await verify('twice@example.test', first)).body.code).toBe('CONTACT_CODE_INVALID');
    expect((await verify('twice@example.test', second)).status).toBe(200);
  });

  it('floods: one contact gets at most its budget of codes, one IP at most its own', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < PER_CONTACT + 2; i++) statuses.push((await ask('victim@example.test')).status);
    expect(statuses).toEqual([...Array(PER_CONTACT).fill(202), 429, 429]);
    expect(log.to('victim@example.test')).toHaveLength(PER_CONTACT);

    const answers = [];
    for (let i = 0; i < PER_IP + 3; i++)
      answers.push(await ask(`flood-${i}@example.test`, sessionId, '192.0.2.77'));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(PER_IP);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(3);
    expect(refused[0]!.body.code).toBe('CONTACT_CODE_THROTTLED');
    expect(log.sent.filter((m) => m.to.value.startsWith('flood-'))).toHaveLength(PER_IP);
  });

  it('bad input: malformed contact, extra fields, oversized body, ended or unknown session', async () => {
    expect((await ask('not a contact')).body.code).toBe('CONTACT_INVALID');
    const extra = await call(api.url, 'POST', `/api/live-sessions/${sessionId}/reminder/contact`, {
      body: { contact: 'x@example.test', personId: member.person.id },
    });
    expect(extra.status).toBe(400);
    expect(extra.body.code).toBe('VALIDATION_FAILED');
    const huge = await call(api.url, 'POST', `/api/live-sessions/${sessionId}/reminder/contact`, {
      raw: JSON.stringify({ contact: `${'a'.repeat(2_000_000)}@example.test` }),
    });
    expect([400, 413]).toContain(huge.status);
    expect((await ask('late@example.test', ended)).body.code).toBe('LIVE_REMINDER_CLOSED');
    expect((await ask('late@example.test', 'no-such-session')).status).toBe(404);
    expect(log.to('late@example.test')).toHaveLength(0);
  });

  it('at go-live, the proved contact gets the reminder', async () => {
    const host = await seedPerson(t.store, api.tokens, { roles: ['host'] });
    const sales = new LiveSales(t.store);
    const s = await sales.createSession(
      { personId: host.person.id, roles: host.person.roles },
      { title: 'Go' },
    );
    await ask('go-live@example.test', s.sessionId);
    await verify('go-live@example.test', log.codeFor('go-live@example.test'), s.sessionId);
    await sales.goLive({ personId: host.person.id, roles: host.person.roles }, s.sessionId);
    await deliver(t.store, api.commerce.consumers.messaging);
    await api.commerce.messaging.worker.drain();
    expect(sent.filter((m) => m.to === 'go-live@example.test').map((m) => m.kind)).toEqual([
      'live_reminder_golive',
    ]);
  });
});
