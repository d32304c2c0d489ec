// The refresh cookie is Secure whenever the platform's public origin (PUBLIC_URL) is https. Before, it was
// Secure only when the socket was TLS or a trusted proxy said X-Forwarded-Proto: https, so behind a TLS
// proxy that was not trusted (or did not send the header) the long-lived refresh token went out without
// Secure and a browser would send it back over plain HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { seedMember, testTokens } from '../helpers/people.ts';

const PASSWORD = 'member-password-1';

async function loginCookie(node: LiveNode, headers: Record<string, string> = {}) {
  const email = `m${Math.random().toString(36).slice(2)}@example.com`;
  await seedMember(node.platform.store, testTokens(), { email, password: PASSWORD });
  const res = await call(node.url, 'POST', '/api/auth/login', {
    body: { login: email, password: PASSWORD },
    headers,
  });
  expect(res.status).toBe(200);
  const cookie = res.headers.get('set-cookie') ?? '';
  expect(cookie).toMatch(/^vl_refresh=/);
  return { cookie, email };
}

const isSecure = (setCookie: string) => /;\s*Secure(;|$)/i.test(setCookie);

describe('refresh cookie Secure flag', () => {
  let node: LiveNode | undefined;
  afterEach(async () => {
    await node?.close();
    node = undefined;
  });

  it('is Secure on login, refresh and logout when PUBLIC_URL is https, even over plain HTTP', async () => {
    node = await startLiveNode({ PUBLIC_URL: 'https://shop.example.com' });
    const { cookie } = await loginCookie(node);
    expect(isSecure(cookie)).toBe(true);
    const pair = cookie.split(';')[0];
    const refreshed = await call(node.url, 'POST', '/api/auth/refresh', { cookie: pair });
    expect(refreshed.status).toBe(200);
    expect(isSecure(refreshed.headers.get('set-cookie') ?? '')).toBe(true);
    const out = await call(node.url, 'POST', '/api/auth/logout', {
      cookie: refreshed.headers.get('set-cookie')!.split(';')[0],
    });
    expect(isSecure(out.headers.get('set-cookie') ?? '')).toBe(true);
  });

  it('stays Secure when a trusted proxy says the hop was plain http', async () => {
    node = await startLiveNode({ PUBLIC_URL: 'https://shop.example.com', HTTP_TRUST_PROXY: '127.0.0.1' });
    const { cookie } = await loginCookie(node, { 'x-forwarded-proto': 'http' });
    expect(isSecure(cookie)).toBe(true);
  });

  it('is not Secure on a plain-HTTP LAN without PUBLIC_URL, and a client cannot claim https', async () => {
    node = await startLiveNode();
    const { cookie } = await loginCookie(node, { 'x-forwarded-proto': 'https' });
    expect(isSecure(cookie)).toBe(false);
  });

  it('refuses a PUBLIC_URL that is not an http(s) origin', async () => {
    const { loadConfig } = await import('../../gateway/config.ts');
    for (const bad of ['shop.example.com', 'ftp://shop.example.com', 'https://shop.example.com/app']) {
      expect(() => loadConfig({ PUBLIC_URL: bad }), bad).toThrow(/PUBLIC_URL/);
    }
    expect(loadConfig({ PUBLIC_URL: 'https://shop.example.com/' }).publicUrl).toBe(
      'https://shop.example.com',
    );
  });
});
