// Attack: guess one member's password from many addresses, each staying under the per-address limit.
// Before, failures were counted per account only as tried from one IP, so a guess spread over enough
// addresses was unbounded: after any number of wrong guesses, the right one got in. Now failures to one
// account from all addresses together are capped: past the ceiling, only a browser that logged in to
// that account before (its device cookie) may still try, and a staff reset code gives a new browser
// that proof. The ceiling is keyed by the login as typed, so an unknown login answers the same.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { type Seeded, seedPerson, testTokens } from '../helpers/people.ts';
import { TEST_METRICS_TOKEN } from '../helpers/platform-process.ts';

interface Answer {
  status: number;
  body: Record<string, unknown>;
  /** name=value of every cookie set. */
  cookies: Record<string, string>;
}

/** A JSON POST from a chosen loopback source address (127.0.0.0/8 is all local on Linux). */
function postFrom(
  localAddress: string,
  url: string,
  path: string,
  body: unknown,
  cookie?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (cookie) headers.cookie = cookie;
    const req = http.request(`${url}${path}`, { method: 'POST', localAddress, headers }, (res) => {
      let raw = '';
      res.on('data', (d) => {
        raw += d;
      });
      res.on('end', () => {
        const cookies: Record<string, string> = {};
        for (const c of res.headers['set-cookie'] ?? []) {
          const [pair] = c.split(';');
          const eq = pair!.indexOf('=');
          cookies[pair!.slice(0, eq)] = pair!.slice(eq + 1);
        }
        resolve({ status: res.statusCode!, body: raw ? JSON.parse(raw) : {}, cookies });
      });
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** Ceiling for this test: 8 failures to one account from all addresses within the window. */
const CEILING = 8;
/** Each attacking address stays under the per-account-per-address limit (5). */
const GUESSES_PER_ADDRESS = 2;
const OWNER = '127.0.0.1';
const attacker = (i: number) => `127.0.1.${i + 1}`;

describe('guessing one account from many addresses', () => {
  let node: LiveNode;
  let member: Seeded;
  let staff: Seeded;
  const email = 'distributed-target@example.test';
  const password = 'owner-password-1';
  let ownerDevice: string;

  beforeAll(async () => {
    node = await startLiveNode({ LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_IPS: String(CEILING) });
    const tokens = testTokens();
    member = await seedPerson(node.platform.store, tokens, { email, password });
    staff = await seedPerson(node.platform.store, tokens, { roles: ['staff'] });
    // The owner logged in on their phone earlier: the phone keeps the device cookie.
    const first = await postFrom(OWNER, node.url, '/api/auth/login', { login: email, password });
    expect(first.status).toBe(200);
    expect(first.cookies.vl_device).toMatch(/\S/);
    ownerDevice = `vl_device=${first.cookies.vl_device}`;
  }, 60_000);

  afterAll(async () => {
    await node?.close();
  });

  /** Wrong guesses from fresh addresses until `n` were made; returns every answer. */
  async function spreadGuesses(login: string, n: number, firstAddress: number): Promise<Answer[]> {
    const answers: Answer[] = [];
    for (let i = 0; i < n; i++) {
      const from = attacker(firstAddress + Math.floor(i / GUESSES_PER_ADDRESS));
      answers.push(await postFrom(from, node.url, '/api/auth/login', { login, password: `guess-${i}-pw` }));
    }
    return answers;
  }

  it('stops the guess at the ceiling, even when it finds the password, and tells nothing of the account', async () => {
    const onTarget = await spreadGuesses(email, CEILING + 4, 0);
    expect(onTarget.slice(0, CEILING).map((a) => a.status)).toEqual(Array(CEILING).fill(401));
    for (const a of onTarget.slice(CEILING)) {
      expect(a.status).toBe(429);
      expect(a.body.code).toBe('AUTH_ACCOUNT_THROTTLED');
    }
    // The right password from yet another address. Before: 200 and a session for the attacker.
    const found = await postFrom(attacker(40), node.url, '/api/auth/login', { login: email, password });
    expect(found.status).toBe(429);
    expect(found.body.code).toBe('AUTH_ACCOUNT_THROTTLED');
    expect(found.cookies.vl_refresh).toBeUndefined();
    // A login nobody holds is throttled alike, so the ceiling does not tell accounts from strangers.
    const onNobody = await spreadGuesses('nobody-here@example.test', CEILING + 4, 50);
    expect(onNobody.map((a) => [a.status, a.body.code])).toEqual(
      onTarget.map((a) => [a.status, a.body.code]),
    );
  });

  it('lets the owner in from the browser they logged in on before, wherever they are', async () => {
    const ownerNow = await postFrom(
      attacker(90),
      node.url,
      '/api/auth/login',
      { login: email, password },
      ownerDevice,
    );
    expect(ownerNow.status).toBe(200);
    // A forged or foreign device cookie is no proof.
    const at = ownerDevice.length - 10;
    const forged = `${ownerDevice.slice(0, at)}${ownerDevice[at] === 'A' ? 'B' : 'A'}${ownerDevice.slice(at + 1)}`;
    const withForged = await postFrom(
      attacker(91),
      node.url,
      '/api/auth/login',
      { login: email, password },
      forged,
    );
    expect(withForged.body.code).toBe('AUTH_ACCOUNT_THROTTLED');
  });

  it('a staff reset code gives a new browser its proof', async () => {
    const issued = await call(node.url, 'POST', `/api/people/${member.person.id}/reset-code`, {
      token: staff.token,
    });
    expect(issued.status).toBe(201);
    const reset = await postFrom(attacker(100), node.url, '/api/auth/reset', {
      login: email,
      code: issued.body.code,
      newPassword: 'new-owner-password-2',
    });
    expect(reset.status).toBe(204);
    const newPhone = `vl_device=${reset.cookies.vl_device}`;
    const login = await postFrom(
      attacker(100),
      node.url,
      '/api/auth/login',
      { login: email, password: 'new-owner-password-2' },
      newPhone,
    );
    expect(login.status).toBe(200);
  });

  it('counts the refusals in /metrics', async () => {
    const text = await (
      await fetch(`${node.url}/metrics`, {
        headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` },
      })
    ).text();
    expect(text).toMatch(/vitalive_http_errors_total\{code="AUTH_ACCOUNT_THROTTLED"\} [1-9]/);
  });
});
