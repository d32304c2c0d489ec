// Attack: lock a member out by failing their login on purpose, and tell a locked account from a wrong
// password by the answer. Now failures lock the account only for the address that failed (the owner
// logging in from elsewhere is not affected), a locked attempt answers exactly like a wrong password,
// and a reset code still opens the account.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { type Seeded, seedPerson, testTokens } from '../helpers/people.ts';

/** A JSON POST from a chosen loopback source address (127.0.0.0/8 is all local on Linux). */
function postFrom(
  localAddress: string,
  url: string,
  path: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}${path}`,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } },
      (res) => {
        let raw = '';
        res.on('data', (d) => {
          raw += d;
        });
        res.on('end', () => resolve({ status: res.statusCode!, body: raw ? JSON.parse(raw) : {} }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const ATTACKER = '127.0.0.2';
const OWNER = '127.0.0.1';

describe('failed logins and lockout', () => {
  let node: LiveNode;
  let member: Seeded;
  let staff: Seeded;
  const email = 'locked-out@example.test';
  const password = 'owner-password-1';

  beforeAll(async () => {
    node = await startLiveNode();
    const tokens = testTokens();
    member = await seedPerson(node.platform.store, tokens, { email, password });
    staff = await seedPerson(node.platform.store, tokens, { roles: ['staff'] });
  }, 60_000);

  afterAll(async () => {
    await node?.close();
  });

  const login = (from: string, pw: string) =>
    postFrom(from, node.url, '/api/auth/login', { login: email, password: pw });

  it("an attacker's failures do not lock the owner out, and locked looks like a wrong password", async () => {
    const wrong = [];
    for (let i = 0; i < 8; i++) wrong.push(await login(ATTACKER, `guess-${i}-password`));
    // Before: the 6th attempt on answered 429 AUTH_THROTTLED, telling the account exists and is locked.
    for (const w of wrong) {
      expect(w.status).toBe(401);
      expect(w.body).toEqual(wrong[0]!.body);
    }
    expect(wrong[0]!.body.code).toBe('AUTH_INVALID_CREDENTIALS');
    // Locked for the attacker's address: even the right password answers like a wrong one there.
    const lockedRight = await login(ATTACKER, password);
    expect(lockedRight).toEqual(wrong[0]);
    // The owner, from their own address, logs in. Before: 429 for 15 minutes.
    const owner = await login(OWNER, password);
    expect(owner.status).toBe(200);
  });

  it('a reset code opens the account even where it is locked', async () => {
    for (let i = 0; i < 6; i++) await login(ATTACKER, `again-${i}-password`);
    expect((await login(ATTACKER, password)).status).toBe(401);
    const issued = await call(node.url, 'POST', `/api/people/${member.person.id}/reset-code`, {
      token: staff.token,
    });
    expect(issued.status).toBe(201);
    const reset = await postFrom(ATTACKER, node.url, '/api/auth/reset', {
      login: email,
      code: issued.body.code,
      newPassword: 'new-owner-password-2',
    });
    // Before: 429 AUTH_THROTTLED, the code was useless until the window ended.
    expect(reset.status).toBe(204);
    expect((await login(ATTACKER, 'new-owner-password-2')).status).toBe(200);
  });
});
