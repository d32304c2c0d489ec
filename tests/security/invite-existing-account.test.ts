// Attack: a channel manager "invites" the e-mail of someone who already has an account (an admin here)
// to learn about the account and claim it for their channel for good (commission on its future orders).
// Now the manager gets no record and no binding; the person is sent the invitation and decides.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { type Seeded, seedPerson, testTokens } from '../helpers/people.ts';

describe('a channel manager inviting an existing account', () => {
  let node: LiveNode;
  let manager: Seeded;
  let admin: Seeded;
  let channelId = '';

  beforeAll(async () => {
    node = await startLiveNode();
    const tokens = testTokens();
    manager = await seedPerson(node.platform.store, tokens, { roles: ['channel_manager'] });
    admin = await seedPerson(node.platform.store, tokens, { roles: ['admin'], email: 'boss@example.test' });
    const channel = await call(node.url, 'POST', '/api/channels', {
      token: admin.token,
      body: { name: 'Claim channel', managerId: manager.person.id, commissionBps: 1000 },
    });
    expect(channel.status).toBe(201);
    channelId = channel.body.id as string;
  }, 60_000);

  afterAll(async () => {
    await node?.close();
  });

  it('learns nothing about the account and binds nothing until the person accepts', async () => {
    const invite = (email: string) =>
      call(node.url, 'POST', `/api/channels/${channelId}/invitations`, {
        token: manager.token,
        body: { displayName: 'Anyone', email },
      });
    const claim = await invite('boss@example.test');
    expect(claim.status).toBe(202);
    // Before: outcome 'joined' with the admin's full record, and the admin bound to the channel.
    expect(claim.body).toEqual({ invitationId: expect.any(String), status: 'sent' });
    expect(JSON.stringify(claim.body)).not.toContain(admin.person.id);
    const me = await call(node.url, 'GET', '/api/me', { token: admin.token });
    expect(me.body.channelId).toBeNull();
    const listed = await call<{ items: Array<{ personId: string | null; outcome: string }> }>(
      node.url,
      'GET',
      `/api/channels/${channelId}/invitations`,
      { token: manager.token },
    );
    expect(listed.body.items).toEqual([expect.objectContaining({ outcome: 'sent', personId: null })]);

    // The person got the invitation (sent after the answer) and accepts it: only now is the channel bound.
    await node.mailbox.nth('boss@example.test', 1);
    expect(node.mailbox.to('boss@example.test')).toHaveLength(1);
    const open = await call<Array<{ id: string; channelName: string }>>(
      node.url,
      'GET',
      '/api/me/invitations',
      {
        token: admin.token,
      },
    );
    expect(open.body).toEqual([
      expect.objectContaining({ id: claim.body.invitationId, channelName: 'Claim channel' }),
    ]);
    // The manager who sent it cannot accept it on the person's behalf.
    const forged = await call(node.url, 'POST', `/api/me/invitations/${claim.body.invitationId}/accept`, {
      token: manager.token,
    });
    expect(forged.status).toBe(404);
    expect(forged.body.code).toBe('INVITATION_NOT_FOUND');
    expect((await call(node.url, 'GET', '/api/me', { token: admin.token })).body.channelId).toBeNull();
    const accepted = await call(node.url, 'POST', `/api/me/invitations/${claim.body.invitationId}/accept`, {
      token: admin.token,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ outcome: 'accepted', channelId });
    // Someone else cannot answer it, nor can it be answered twice.
    const again = await call(node.url, 'POST', `/api/me/invitations/${claim.body.invitationId}/decline`, {
      token: manager.token,
    });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('INVITATION_NOT_FOUND');
  });
});
