// The set-up of the invitation-probing attacks, where a channel manager registers contacts to learn whom
// they belong to: the manager with their own channel, a staff member, an account holder, and another
// channel's prospect whose own invitation message is already out of the way. Then what each probe's
// answer shows, which must be the same for every contact.
import { expect } from 'vitest';
import { call } from './http-call.ts';
import type { LiveNode } from './live-platform.ts';
import { type Seeded, seedPerson, testTokens } from './people.ts';

export interface InvitationProbe {
  manager: Seeded;
  staff: Seeded;
  account: Seeded;
  /** The manager's channel ("Probe channel"). */
  channelId: string;
}

export async function invitationProbe(
  node: LiveNode,
  contacts: { account: string; otherProspect: string },
): Promise<InvitationProbe> {
  const tokens = testTokens();
  const { store } = node.platform;
  const manager = await seedPerson(store, tokens, { roles: ['channel_manager'] });
  const staff = await seedPerson(store, tokens, { roles: ['staff'] });
  const account = await seedPerson(store, tokens, { email: contacts.account });
  const mine = await call(node.url, 'POST', '/api/channels', {
    token: staff.token,
    body: { name: 'Probe channel', managerId: manager.person.id, commissionBps: 500 },
  });
  const other = await call(node.url, 'POST', '/api/channels', {
    token: staff.token,
    body: { name: 'Other channel', commissionBps: 500 },
  });
  const first = await call(node.url, 'POST', `/api/channels/${other.body.id}/invitations`, {
    token: staff.token,
    body: { displayName: 'Taken', email: contacts.otherProspect },
  });
  expect(first.status).toBe(202);
  await node.mailbox.nth(contacts.otherProspect, 1);
  return { manager, staff, account, channelId: mine.body.id as string };
}

/**
 * Posts one probe per contact, in turn, with nothing delivered meanwhile (an answer that waited for
 * delivery would never come: the request gives up after 10 s), and expects every answer to be 202
 * `{invitationId, status: "sent"}` of one length. The caller releases the mailbox.
 */
export async function expectSameAnswers(
  node: LiveNode,
  contacts: string[],
  probe: (email: string, signal: AbortSignal) => Promise<Response>,
): Promise<void> {
  node.mailbox.hold();
  const answers = [];
  for (const email of contacts) {
    const res = await probe(email, AbortSignal.timeout(10_000));
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
  for (const a of answers.slice(1)) expect(a).toEqual(answers[0]);
}
