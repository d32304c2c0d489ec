// Attack: a channel manager registers contacts for an offline event to learn whether each belongs to
// someone (another channel's prospect, or an account). Before, the event-invitee route told: 201 with
// the new prospect's person id and member code for a fresh contact, EVENT_INVITEE_OTHER_CHANNEL for
// another channel's prospect or an account. Now a manager gets 202 `{invitationId, status: "sent"}`
// for every contact, answered before any message is delivered; the new prospect receives their member
// code by message. Staff still learn what happened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/http-call.ts';
import { expectSameAnswers, type InvitationProbe, invitationProbe } from '../helpers/invitation-probe.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { decodeMail } from '../helpers/mailbox.ts';

describe('what a manager learns from registering an event invitee', () => {
  let node: LiveNode;
  let probe: InvitationProbe;
  let eventId = '';

  beforeAll(async () => {
    node = await startLiveNode();
    probe = await invitationProbe(node, {
      account: 'event-account@example.test',
      otherProspect: 'event-other@example.test',
    });
    const event = await call(node.url, 'POST', '/api/events', {
      token: probe.staff.token,
      body: {
        title: 'Open day',
        venue: 'Clinic hall',
        startsAtMs: Date.now(),
        channelIds: [probe.channelId],
      },
    });
    expect(event.status).toBe(201);
    eventId = event.body.id as string;
  }, 60_000);

  afterAll(async () => {
    await node?.close();
  });

  it('answers a manager the same for a new contact, an account and another channel’s prospect', async () => {
    const contacts = ['event-new@example.test', 'event-account@example.test', 'event-other@example.test'];
    await expectSameAnswers(node, contacts, (email, signal) =>
      fetch(`${node.url}/api/events/${eventId}/invitees`, {
        method: 'POST',
        headers: { authorization: `Bearer ${probe.manager.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ channelId: probe.channelId, displayName: 'Someone', email }),
        signal,
      }),
    );
    node.mailbox.release();

    // The new prospect got their member code by message, and is registered for the event.
    const mail = decodeMail((await node.mailbox.nth('event-new@example.test', 1)).raw).text;
    const listed = await call<Array<{ memberCode: string }>>(
      node.url,
      'GET',
      `/api/events/${eventId}/invitees`,
      { token: probe.staff.token },
    );
    expect(listed.body).toHaveLength(1);
    expect(mail).toContain(listed.body[0]!.memberCode);
  }, 60_000);

  it('tells staff what happened', async () => {
    const fresh = await call(node.url, 'POST', `/api/events/${eventId}/invitees`, {
      token: probe.staff.token,
      body: { channelId: probe.channelId, displayName: 'Walk-in', email: 'event-walk-in@example.test' },
    });
    expect(fresh.status).toBe(201);
    expect(fresh.body).toMatchObject({ outcome: 'created', registered: true });
    expect(typeof fresh.body.memberCode).toBe('string');
    const taken = await call(node.url, 'POST', `/api/events/${eventId}/invitees`, {
      token: probe.staff.token,
      body: { channelId: probe.channelId, displayName: 'Taken', email: 'event-other@example.test' },
    });
    expect(taken.body).toMatchObject({ code: 'EVENT_INVITEE_OTHER_CHANNEL' });
  }, 30_000);
});
