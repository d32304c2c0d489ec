// Attack: flood POST /api/auth/register (each request used to run scrypt before any check, stalling the
// thread pool the edge journal shares) and enumerate contacts through PERSON_CONTACT_TAKEN. Now the
// per-IP and per-contact budgets are charged before hashing, and a taken contact answers exactly like a
// fresh one while its owner gets a notice instead of a code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { seedPerson, testTokens } from '../helpers/people.ts';

const PER_IP = 8;

describe('registration flood and contact enumeration', () => {
  let node: LiveNode;

  beforeAll(async () => {
    node = await startLiveNode({ CONTACT_CODES_PER_IP: String(PER_IP), CONTACT_CODES_PER_CONTACT: '3' });
  }, 60_000);

  afterAll(async () => {
    await node?.close();
  });

  const register = (email: string) =>
    call(node.url, 'POST', '/api/auth/register', {
      body: { displayName: 'Flood', email, password: 'flood-password-1' },
    });

  it('a taken contact answers like a fresh one; its owner is told, and no code is sent', async () => {
    const owner = await seedPerson(node.platform.store, testTokens(), { email: 'owner@example.test' });
    const taken = await register(owner.person.email!);
    const fresh = await register('nobody-yet@example.test');
    // Before: 409 PERSON_CONTACT_TAKEN for the taken one, 201 with a session for the fresh one.
    expect(taken.status).toBe(202);
    expect(fresh.status).toBe(202);
    expect(taken.body).toEqual(fresh.body);
    const notice = node.mailbox.to('owner@example.test');
    expect(notice).toHaveLength(1);
    expect(notice[0]!.raw).toMatch(/already/);
    expect(notice[0]!.raw).not.toMatch(/\b[0-9]{6}\b/);
    expect(node.mailbox.to('nobody-yet@example.test')).toHaveLength(1);
  });

  it('one contact gets at most its budget of codes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await register('target@example.test')).status);
    expect(statuses).toEqual([202, 202, 202, 429, 429]);
    expect(node.mailbox.to('target@example.test')).toHaveLength(3);
  });

  it('one IP is refused once its budget is spent, before any password is hashed or message sent', async () => {
    const answers = [];
    // The earlier tests of this file spent 7 of the IP's budget already (1 + 1 + 5).
    for (let i = 0; i < 20; i++) answers.push(await register(`flood-${i}@example.test`));
    const accepted = answers.filter((a) => a.status === 202).length;
    const refused = answers.filter((a) => a.status === 429);
    expect(accepted).toBe(PER_IP - 7);
    expect(refused).toHaveLength(20 - accepted);
    expect(refused[0]!.body.code).toBe('CONTACT_CODE_THROTTLED');
    const mails = node.mailbox.received.filter((m) => m.to[0]!.startsWith('flood-'));
    expect(mails).toHaveLength(accepted);
  });
});
