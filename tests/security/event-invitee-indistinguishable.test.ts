// Attack: a channel manager registers contacts for an offline event to learn whether each belongs to
// someone (another channel's prospect, or an account). Before, the event-invitee route told: 201 with
// the new prospect's person id and member code for a fresh contact, EVENT_INVITEE_OTHER_CHANNEL for
// another channel's prospect or an account. Now a manager gets 202 `{invitationId, status: "sent"}`
// for every contact, answered before any message is delivered; the new prospect receives their member
// code by message. Staff still learn what happened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { decodeMail } from '../helpers/mailbox.ts';
import { type Seeded, seedPerson, testTokens } from '../helpers/people.ts';

describe('what a manager learns from registering an event invitee', () => {
  let node: LiveNode;
  let manager: Seeded;
  let staff: Seeded;
  let channelId = '';
  let eventId = '';

  beforeAll(async () => {
    node = await startLiveNode();
    const tokens = testTokens();
    manager = await seedPerson(node.platform.store, tokens, { roles: ['channel_manager'] });
    staff = await seedPerson(node.platform.store, tokens, { roles: ['staff'] });
    await seedPerson(node.platform.store, tokens, { email: 'event-account@example.test' });
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
      body: { displayName: 'Taken', email: 'event-other@example.test' },
    });
    expect(first.status).toBe(202);
    await node.mailbox.nth('event-other@example.test', 1);
    const event = await call(node.url, 'POST', '/api/events', {
      token: staff.token,
      body: { title: 'Open day', venue: 'Clinic hall', startsAtMs: Date.now(), channelIds: [channelId] },
    });
    expect(event.status).toBe(201);
    eventId = event.body.id as string;
  }, 60_000);

  afterAll(async () => {
    await node?.close();
  });

  it('answers a manager the same for a new contact, an account and another channel’s prospect', async () => {
    const contacts = ['event-new@example.test', 'event-account@example.test', 'event-other@example.test'];
    // Nothing can be delivered while the answers are read: an answer that waited for delivery would
    // never come (and the request gives up after 10 s).
    node.mailbox.hold();
    const answers = [];
    for (const email of contacts) {
      const res = await fetch(`${node.url}/api/events/${eventId}/invitees`, {
        method: 'POST',
        headers: { authorization: `Bearer ${manager.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ channelId, displayName: 'Someone', email }),
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
    node.mailbox.release();

    // The new prospect got their member code by message, and is registered for the event.
    const mail = decodeMail((await node.mailbox.nth('event-new@example.test', 1)).raw).text;
    const listed = await call<Array<{ memberCode: string }>>(
      node.url,
      'GET',
      `/api/events/${eventId}/invitees`,
      {
        token: staff.token,
      },
    );
    expect(listed.body).toHaveLength(1);
    expect(mail).toContain(listed.body[0]!.memberCode);
  }, 60_000);

  it('tells staff what happened', async () => {
    const fresh = await call(node.url, 'POST', `/api/events/${eventId}/invitees`, {
      token: staff.token,
      body: { channelId, displayName: 'Walk-in', email: 'event-walk-in@example.test' },
    });
    expect(fresh.status).toBe(201);
    expect(fresh.body).toMatchObject({ outcome: 'created', registered: true });
    expect(typeof fresh.body.memberCode).toBe('string');
    const taken = await call(node.url, 'POST', `/api/events/${eventId}/invitees`, {
      token: staff.token,
      body: { channelId, displayName: 'Taken', email: 'event-other@example.test' },
    });
    expect(taken.body).toMatchObject({ code: 'EVENT_INVITEE_OTHER_CHANNEL' });
  }, 30_000);
});
