// The client IP (login throttling per IP) comes from X-Forwarded-For only as the trusted proxies wrote it.
// Before, HTTP_TRUST_PROXY=true believed the leftmost entry, which the client writes itself: one client
// rotating X-Forwarded-For got a fresh per-IP budget on every attempt and was never throttled. Now `true`
// means one proxy hop (the entry the balancer appended), and a list of proxy addresses believes only them.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../gateway/config.ts';
import { call } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';

const PER_IP = 3;

async function failedLogins(node: LiveNode, forwardedFor: (i: number) => string, attempts: number) {
  const statuses: number[] = [];
  for (let i = 0; i < attempts; i++) {
    const res = await call(node.url, 'POST', '/api/auth/login', {
      // A different (unknown) account each time, so only the per-IP budget can run out.
      body: { login: `nobody${i}@example.com`, password: 'wrong-password' },
      headers: { 'x-forwarded-for': forwardedFor(i) },
    });
    statuses.push(res.status);
  }
  return statuses;
}

describe('trusted proxies', () => {
  let node: LiveNode | undefined;
  afterEach(async () => {
    await node?.close();
    node = undefined;
  });

  const start = (trust: string) =>
    startLiveNode({
      HTTP_TRUST_PROXY: trust,
      LOGIN_MAX_FAILURES_PER_IP: String(PER_IP),
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000',
    });

  it('true believes only the entry the balancer appended, not the client-written leftmost ones', async () => {
    node = await start('true');
    // The client forges a new leftmost address each time; the balancer appends the real one.
    const statuses = await failedLogins(node, (i) => `198.51.100.${i + 1}, 203.0.113.7`, PER_IP + 3);
    expect(statuses.slice(0, PER_IP).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(PER_IP)).toEqual([429, 429, 429]);
  });

  it('a list of proxy addresses believes X-Forwarded-For from those peers only', async () => {
    // The test client (127.0.0.1) is not the listed proxy: its header is ignored, its own address counts.
    node = await start('10.9.8.7,192.168.0.0/16');
    const statuses = await failedLogins(node, (i) => `198.51.100.${i + 1}`, PER_IP + 2);
    expect(statuses.slice(PER_IP)).toEqual([429, 429]);
  });

  it('a listed proxy has its appended entry believed, and forged entries before it are not', async () => {
    node = await start('127.0.0.1');
    const statuses = await failedLogins(node, (i) => `198.51.100.${i + 1}, 203.0.113.9`, PER_IP + 1);
    expect(statuses.at(-1)).toBe(429);
    // Another real client behind the same proxy keeps its own budget.
    const other = await failedLogins(node, () => '203.0.113.10', 1);
    expect(other).toEqual([401]);
  });

  it('refuses a setting that is not false, a hop count or addresses/CIDRs', () => {
    for (const bad of ['yes', '10.0.0.1/40', 'example.com', '10.0.0.1,,']) {
      expect(() => loadConfig({ HTTP_TRUST_PROXY: bad }), bad).toThrow(/HTTP_TRUST_PROXY/);
    }
    expect(loadConfig({ HTTP_TRUST_PROXY: '10.0.0.0/8, ::1' }).http.trustProxy).toEqual([
      '10.0.0.0/8',
      '::1',
    ]);
  });
});
