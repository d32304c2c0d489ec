// Attack: a channel manager invites contacts to learn whether each belongs to someone (an account, or a
// prospect of another channel). Before, the answer told: 201 `created` with the new prospect's record for
// a fresh contact, `invited` with no record for an account, `other_channel` for another channel's
// prospect — and the account's answer waited for its e-mail to be delivered. Now every invitation
// answers 202 `{invitationId, status: "sent"}` before any message is delivered, and the manager's list
// says `sent` for each; the account holder still gets an invitation to accept, the new prospect their
// member code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/http-call.ts';
import { expectSameAnswers, type InvitationProbe, invitationProbe } from '../helpers/invitation-probe.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { decodeMail } from '../helpers/mailbox.ts';

describe('what a manager learns from inviting a contact', () => {
  let node: LiveNode;
  let probe: InvitationProbe;

  beforeAll(async () => {
    node = await startLiveNode();
    probe = await invitationProbe(node, {
      account: 'has-account@example.test',
      otherProspect: 'other-prospect@example.test',
    });
  }, 60_000);

  afterAll(async () => {
    await node?.close();
  });

  it('answers the same for a new contact, an account and another channel’s prospect', async () => {
    const contacts = ['brand-new@example.test', 'has-account@example.test', 'other-prospect@example.test'];
    await expectSameAnswers(node, contacts, (email, signal) =>
      fetch(`${node.url}/api/channels/${probe.channelId}/invitations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${probe.manager.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ displayName: 'Someone', email }),
        signal,
      }),
    );
    expect(node.mailbox.to('has-account@example.test')).toHaveLength(0);

    // The manager's list says no more than the answers did.
    const listed = await call<{ items: Array<{ outcome: string; personId: string | null }> }>(
      node.url,
      'GET',
      `/api/channels/${probe.channelId}/invitations`,
      { token: probe.manager.token },
    );
    expect(listed.body.items).toHaveLength(3);
    for (const item of listed.body.items) expect(item).toMatchObject({ outcome: 'sent', personId: null });

    // Once delivery goes on, the account holder has an invitation to accept and the new prospect their
    // member code.
    node.mailbox.release();
    const toAccount = decodeMail((await node.mailbox.nth('has-account@example.test', 1)).raw);
    expect(toAccount.text).toContain('Probe channel');
    const open = await call<Array<{ channelName: string }>>(node.url, 'GET', '/api/me/invitations', {
      token: probe.account.token,
    });
    expect(open.body.map((i) => i.channelName)).toEqual(['Probe channel']);
    const people = await call<{ items: Array<{ memberCode: string }> }>(
      node.url,
      'GET',
      `/api/people?q=brand-new`,
      { token: probe.staff.token },
    );
    const memberCode = people.body.items[0]!.memberCode;
    expect(decodeMail((await node.mailbox.nth('brand-new@example.test', 1)).raw).text).toContain(memberCode);
  });
});
