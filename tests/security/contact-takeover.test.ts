// Attack: take over a prospect (invited by a channel, tested on a device) by registering their e-mail
// or phone with one's own password, then read their readings through /api/me/readings. And the reverse:
// register the contact first so that a later invitation reuses the attacker's record. Only the owner of
// the contact, holding the code sent to it, may join the prospect's record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readings } from '../../commerce/internals.ts';
import { registered } from '../helpers/accounts.ts';
import { FakeSmsProvider } from '../helpers/fake-sms.ts';
import { call } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { type Seeded, seedPerson, testTokens } from '../helpers/people.ts';

const tokens = testTokens();

describe('taking over a prospect by registering their contact', () => {
  let node: LiveNode;
  let sms: FakeSmsProvider;
  let staff: Seeded;

  beforeAll(async () => {
    sms = await new FakeSmsProvider().start();
    node = await startLiveNode({ SMS_PROVIDER_URL: sms.url, SMS_PROVIDER_KEY: sms.key });
    staff = await seedPerson(node.platform.store, tokens, { roles: ['staff'] });
  }, 60_000);

  afterAll(async () => {
    await node?.close();
    await sms?.close();
  });

  async function prospectWithReadings(contact: { email?: string; phone?: string }) {
    const victim = await seedPerson(node.platform.store, tokens, {
      kind: 'prospect',
      email: contact.email ?? null,
      phone: contact.phone ?? null,
      nowMs: Date.now() - 60_000,
    });
    const now = Date.now();
    await new Readings(node.platform.store).ingest([
      {
        deviceId: 'scale-takeover',
        bootId: 1,
        seq: Math.floor(Math.random() * 1e9),
        metric: 'WEIGHT_KG',
        value: 81.5,
        measuredAtMs: now - 1000,
        memberCode: victim.person.memberCode,
        eventId: null,
        receivedAtMs: now,
      },
    ]);
    return victim;
  }

  const readingsOf = (token: string) => call<unknown[]>(node.url, 'GET', '/api/me/readings', { token });

  it('registering a prospect e-mail gives the attacker no session, no record and no readings', async () => {
    const email = 'victim-mail@example.test';
    const victim = await prospectWithReadings({ email });
    const attack = await call(node.url, 'POST', '/api/auth/register', {
      body: { displayName: 'Mallory', email, password: 'mallory-password-1' },
    });
    // Before: 201 with a session on the victim's record. Now: a code went to the victim's mailbox.
    expect(attack.status).toBe(202);
    expect(attack.body).toEqual({ status: 'code_sent' });
    expect(attack.body).not.toHaveProperty('accessToken');
    expect(node.mailbox.to(email)).toHaveLength(1);

    // The password the attacker chose does not open anything.
    const login = await call(node.url, 'POST', '/api/auth/login', {
      body: { login: email, password: 'mallory-password-1' },
    });
    expect(login.status).toBe(401);

    // Guessing the code: five tries, then the code is void even for the right value.
    for (let i = 0; i < 5; i++) {
      const guess = await call(node.url, 'POST', '/api/auth/verify-contact', {
        body: { contact: email, code: String(100000 + i) },
      });
      expect([400]).toContain(guess.status);
      expect(guess.body.code).toBe('CONTACT_CODE_INVALID');
    }
    const realCode = await node.mailbox.codeFor(email, 0);
    const late = await call(node.url, 'POST', '/api/auth/verify-contact', {
      body: { contact: email, code: realCode },
    });
    expect(late.status).toBe(400);

    // The owner asks again and proves it: the prospect's record, member code and readings are theirs.
    const owner = await registered(
      node.url,
      { mailbox: node.mailbox },
      { displayName: 'Vera', email, password: 'vera-password-12' },
    );
    expect(owner.person.id).toBe(victim.person.id);
    expect(owner.person.memberCode).toBe(victim.person.memberCode);
    const mine = await readingsOf(owner.accessToken);
    expect(mine.status).toBe(200);
    expect(mine.body).toHaveLength(1);
  });

  it('the same holds for a phone, with the code sent by SMS', async () => {
    const phone = '+8613900001111';
    const victim = await prospectWithReadings({ phone });
    const attack = await call(node.url, 'POST', '/api/auth/register', {
      body: { displayName: 'Mallory', phone, password: 'mallory-password-1' },
    });
    expect(attack.status).toBe(202);
    expect(sms.to(phone)).toHaveLength(1);
    expect(sms.refused).toBe(0);
    const owner = await registered(
      node.url,
      { sms },
      { displayName: 'Vera', phone, password: 'vera-password-12' },
    );
    expect(owner.person.id).toBe(victim.person.id);
    expect((await readingsOf(owner.accessToken)).body).toHaveLength(1);
  });

  it('registering a contact before its invitation does not make the invitation reuse the attacker record', async () => {
    const email = 'future-invitee@example.test';
    const early = await call(node.url, 'POST', '/api/auth/register', {
      body: { displayName: 'Mallory', email, password: 'mallory-password-1' },
    });
    expect(early.status).toBe(202);
    const channel = await call(node.url, 'POST', '/api/channels', {
      token: staff.token,
      body: { name: 'Takeover channel', commissionBps: 500 },
    });
    expect(channel.status).toBe(201);
    const invited = await call(node.url, 'POST', `/api/channels/${channel.body.id}/invitations`, {
      token: staff.token,
      body: { displayName: 'Ivy', email },
    });
    expect(invited.status).toBe(202);
    // A fresh prospect: no account held the contact, so no attacker's record could be reused.
    const listed = await call<{ items: Array<{ outcome: string }> }>(
      node.url,
      'GET',
      `/api/channels/${channel.body.id}/invitations`,
      { token: staff.token },
    );
    expect(listed.body.items.map((i) => i.outcome)).toEqual(['created']);
    const attackerLogin = await call(node.url, 'POST', '/api/auth/login', {
      body: { login: email, password: 'mallory-password-1' },
    });
    expect(attackerLogin.status).toBe(401);
    // Nor can the code of that early registration, should the invitee be talked into giving it away,
    // finish it any more.
    const code = await node.mailbox.codeFor(email, 0);
    const finish = await call(node.url, 'POST', '/api/auth/verify-contact', {
      body: { contact: email, code },
    });
    expect(finish.status).toBe(400);
    expect(finish.body.code).toBe('CONTACT_CODE_INVALID');
  });

  it('an account that joined a prospect before contact proof logs in by that contact only once proved', async () => {
    // As left by the old registration: a member who was a prospect, contact never proven.
    const email = 'legacy-joined@example.test';
    const legacy = await seedPerson(node.platform.store, tokens, { email, password: 'legacy-password-1' });
    await node.platform.store.db
      .updateTable('people')
      .set({ created_at_ms: Date.now() - 86_400_000 })
      .where('id', '=', legacy.person.id)
      .execute();
    const login = () =>
      call(node.url, 'POST', '/api/auth/login', { body: { login: email, password: 'legacy-password-1' } });
    const refused = await login();
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('AUTH_CONTACT_UNPROVEN');

    // The owner proves it with a code sent there; then the password opens the account again.
    const asked = await call(node.url, 'POST', '/api/auth/contact-code', { body: { contact: email } });
    expect(asked.status).toBe(202);
    const code = await node.mailbox.codeFor(email, 0);
    const proved = await call(node.url, 'POST', '/api/auth/verify-contact', {
      body: { contact: email, code },
    });
    expect(proved.status).toBe(200);
    expect(proved.body).toEqual({ status: 'proven' });
    expect((await login()).status).toBe(200);
  });

  it('staff vouch for a contact at the clinic, audited', async () => {
    const phone = '+8613900002222';
    const legacy = await seedPerson(node.platform.store, tokens, {
      email: null,
      phone,
      password: 'legacy-password-2',
    });
    await node.platform.store.db
      .updateTable('people')
      .set({ created_at_ms: Date.now() - 86_400_000 })
      .where('id', '=', legacy.person.id)
      .execute();
    const login = () =>
      call(node.url, 'POST', '/api/auth/login', { body: { login: phone, password: 'legacy-password-2' } });
    expect((await login()).status).toBe(403);
    const member = await seedPerson(node.platform.store, tokens);
    const notStaff = await call(node.url, 'POST', `/api/people/${legacy.person.id}/contacts/phone/vouch`, {
      token: member.token,
    });
    expect(notStaff.status).toBe(403);
    const vouched = await call(node.url, 'POST', `/api/people/${legacy.person.id}/contacts/phone/vouch`, {
      token: staff.token,
    });
    expect(vouched.status).toBe(200);
    expect((await login()).status).toBe(200);
    const audit = await node.platform.store.db
      .selectFrom('outbox')
      .select('payload')
      .where('type', '=', 'person.contact_proven')
      .where('aggregate_id', '=', legacy.person.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.payload)).toEqual({
      personId: legacy.person.id,
      field: 'phone',
      via: 'staff',
      by: staff.person.id,
    });
  });
});
