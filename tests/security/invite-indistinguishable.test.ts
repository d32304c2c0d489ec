// Attack: a channel manager invites contacts to learn whether each belongs to someone (an account, or a
// prospect of another channel). Before, the answer told: 201 `created` with the new prospect's record for
// a fresh contact, `invited` with no record for an account, `other_channel` for another channel's
// prospect — and the account's answer waited for its e-mail to be delivered. Now every invitation
// answers 202 `{invitationId, status: "sent"}` before any message is delivered, and the manager's list
// says `sent` for each; the account holder still gets an invitation to accept, the new prospect their
// member code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { decodeMail } from '../helpers/mailbox.ts';
import { type Seeded, seedPerson, testTokens } from '../helpers/people.ts';

describe('what a manager learns from inviting a contact', () => {
  let node: LiveNode;
  let manager: Seeded;
  let staff: Seeded;
  let account: Seeded;
  let channelId = '';

  beforeAll(async () => {
    node = await startLiveNode();
    const tokens = testTokens();
    manager = await seedPerson(node.platform.store, tokens, { roles: ['channel_manager'] });
    staff = await seedPerson(node.platform.store, tokens, { roles: ['staff'] });
    account = await seedPerson(node.platform.store, tokens, { email: 'has-account@example.test' });
    const mine = await call(node.url, 'POST', '/api/channels', {
      token: staff.token,
      body: { name: 'Probe channel', managerId: manager.person.id, commissionBps: 500 },
    });
    channelId = mine.body.id as string;
    const other = await call(node.url, 'POST', '/api/channels', {
      token: staff.token,
      body: { name: 'Other channel', commissionBps: 500 },
    });
    const first = await call(node.url, 'POST', `/api/channels/${other.body.id}/invitations`, {
      token: staff.token,
      body: { displayName: 'Taken', email: 'other-prospect@example.test' },
    });
    expect(first.status).toBe(202);
    // That invitation's own message is out of the way before the probe starts.
    await node.mailbox.nth('other-prospect@example.test', 1);
  }, 60_000);

  afterAll(async () => {
    await node?.close();
  });

  it('answers the same for a new contact, an account and another channel’s prospect', async () => {
    const contacts = ['brand-new@example.test', 'has-account@example.test', 'other-prospect@example.test'];
    // Nothing can be delivered while the answers are read: an answer that waited for delivery would
    // never come (and the request gives up after 10 s).
    node.mailbox.hold();
    const answers = [];
    for (const email of contacts) {
      const res = await fetch(`${node.url}/api/channels/${channelId}/invitations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${manager.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ displayName: 'Someone', email }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await res.json()) as Record<string, unknown>;
      answers.push({
        status: res.status,
        length: res.headers.get('content-length'),
        keys: Object.keys(body).sort(),
        sent: body.status,
        id: typeof body.invitationId === 'string' && /^[0-9a-f-]{36}$/.test(body.invitationId),
      });
    }
    expect(answers[0]).toEqual({
      status: 202,
      length: answers[0]!.length,
      keys: ['invitationId', 'status'],
      sent: 'sent',
      id: true,
    });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(node.mailbox.to('has-account@example.test')).toHaveLength(0);

    // The manager's list says no more than the answers did.
    const listed = await call<{ items: Array<{ outcome: string; personId: string | null }> }>(
      node.url,
      'GET',
      `/api/channels/${channelId}/invitations`,
      { token: manager.token },
    );
    expect(listed.body.items).toHaveLength(3);
    for (const item of listed.body.items) expect(item).toMatchObject({ outcome: 'sent', personId: null });

    // Once delivery goes on, the account holder has an invitation to accept and the new prospect their
    // member code.
    node.mailbox.release();
    const toAccount = decodeMail((await node.mailbox.nth('has-account@example.test', 1)).raw);
    expect(toAccount.text).toContain('Probe channel');
    const open = await call<Array<{ channelName: string }>>(node.url, 'GET', '/api/me/invitations', {
      token: account.token,
    });
    expect(open.body.map((i) => i.channelName)).toEqual(['Probe channel']);
    const people = await call<{ items: Array<{ memberCode: string }> }>(
      node.url,
      'GET',
      `/api/people?q=brand-new`,
      { token: staff.token },
    );
    const memberCode = people.body.items[0]!.memberCode;
    expect(decodeMail((await node.mailbox.nth('brand-new@example.test', 1)).raw).text).toContain(memberCode);
  });
});
