// The `state` of WeChat binding (CSRF): POST /api/me/wechat binds only with a state issued to the same
// person by GET /api/me/wechat/authorize, signed, unexpired and unused. Missing, forged, tampered,
// another person's, replayed and expired states are refused with WECHAT_STATE_INVALID before the
// code is exchanged, and bind nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OauthStates, STATE_TTL_MS } from '../../commerce/internals.ts';
import { WechatClient } from '../../gateway/messaging/wechat.ts';
import { FakeWechat } from '../helpers/fake-wechat.ts';
import { call } from '../helpers/http-call.ts';
import {
  openTestStore,
  type Seeded,
  STORE_BACKENDS,
  seedPerson,
  startTestApi,
  type TestApi,
  type TestStore,
} from '../helpers/people.ts';

const SIGNING_SECRET = 'message-signing-secret-0123456789abcdef';

describe.each(STORE_BACKENDS)('WeChat authorisation state on $name', ({ name }) => {
  let t: TestStore;
  let api: TestApi;
  let wx: FakeWechat;
  let alice: Seeded;
  let mallory: Seeded;
  let codes = 0;

  beforeAll(async () => {
    t = await openTestStore(name);
    wx = await new FakeWechat().start();
    const wechat = new WechatClient({
      apiUrl: wx.url,
      appId: wx.appId,
      appSecret: wx.appSecret,
      templateId: wx.templateId,
    });
    api = await startTestApi(t.store, { env: { MESSAGE_SIGNING_SECRET: SIGNING_SECRET }, wechat });
    alice = await seedPerson(t.store, api.tokens, {});
    mallory = await seedPerson(t.store, api.tokens, {});
  }, 30_000);
  afterAll(async () => {
    await api?.close();
    await wx?.close();
    await t?.cleanup();
  });

  const authorize = async (who: Seeded) => {
    const res = await call(
      api.url,
      'GET',
      `/api/me/wechat/authorize?redirectUri=${encodeURIComponent('https://shop.example.com/me')}`,
      { token: who.token },
    );
    expect(res.status).toBe(200);
    const state = String(res.body.state);
    expect(state).toMatch(/^[A-Za-z0-9]{1,128}$/); // what WeChat passes through
    expect(new URL(String(res.body.url)).searchParams.get('state')).toBe(state);
    return state;
  };
  /** A code WeChat would hand back after the consent screen, standing for `openid`. */
  const codeFor = (openid: string) => {
    const code = `code-${++codes}`;
    wx.codes.set(code, openid);
    return code;
  };
  const bind = (who: Seeded, body: Record<string, unknown>) =>
    call(api.url, 'POST', '/api/me/wechat', { token: who.token, body });
  const bound = async (who: Seeded) =>
    (await call(api.url, 'GET', '/api/me/profile', { token: who.token })).body.wechatBound;

  it('a state issued to the person binds once', async () => {
    const state = await authorize(alice);
    const ok = await bind(alice, { code: codeFor('openid-alice-01'), state });
    expect(ok.status).toBe(200);
    expect(ok.body.wechatBound).toBe(true);
    await call(api.url, 'DELETE', '/api/me/wechat', { token: alice.token });
  });

  it('missing state: refused by the schema, nothing bound', async () => {
    const res = await bind(alice, { code: codeFor('openid-mallory-1') });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(await bound(alice)).toBe(false);
  });

  it('forged and tampered states are refused before the code is spent', async () => {
    const real = await authorize(alice);
    const code = codeFor('openid-mallory-2');
    const forged = `${'0'.repeat(24)}${Date.now() + 60_000}${'a'.repeat(40)}`;
    // Same nonce, later expiry: the MAC no longer matches.
    const tampered = `${real.slice(0, 24)}${String(Number(real.slice(24, 37)) + 3_600_000)}${real.slice(37)}`;
    for (const state of [forged, tampered, 'abc', real.slice(0, -1)]) {
      const res = await bind(alice, { code, state });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('WECHAT_STATE_INVALID');
    }
    expect(wx.codes.has(code)).toBe(true); // never exchanged
    expect(await bound(alice)).toBe(false);
  });

  it("another person's state (the login-CSRF shape) does not bind the victim", async () => {
    // Mallory starts a binding, gets her own state and code, and lures Alice's browser to the bind step.
    const malloryState = await authorize(mallory);
    const res = await bind(alice, { code: codeFor('openid-mallory-3'), state: malloryState });
    expect(res.body.code).toBe('WECHAT_STATE_INVALID');
    expect(await bound(alice)).toBe(false);
    // Still unused: Mallory herself can finish her own binding.
    expect((await bind(mallory, { code: codeFor('openid-mallory-3'), state: malloryState })).status).toBe(
      200,
    );
  });

  it('a replayed state is refused', async () => {
    const state = await authorize(alice);
    expect((await bind(alice, { code: codeFor('openid-alice-02'), state })).status).toBe(200);
    await call(api.url, 'DELETE', '/api/me/wechat', { token: alice.token });
    const again = await bind(alice, { code: codeFor('openid-mallory-4'), state });
    expect(again.body.code).toBe('WECHAT_STATE_INVALID');
    expect(await bound(alice)).toBe(false);
  });

  it('an expired state is refused', async () => {
    // Issued with the platform's secret by a clock one TTL (and a second) in the past.
    const past = new OauthStates(t.store.db, SIGNING_SECRET, () => Date.now() - STATE_TTL_MS - 1_000);
    const state = await past.issue(alice.person.id);
    const res = await bind(alice, { code: codeFor('openid-alice-03'), state });
    expect(res.body.code).toBe('WECHAT_STATE_INVALID');
    expect(await bound(alice)).toBe(false);
  });

  it('a flood of authorise calls keeps at most five open states per person', async () => {
    const states: string[] = [];
    for (let i = 0; i < 12; i++) states.push(await authorize(mallory));
    const open = await t.store.db
      .selectFrom('oauth_states')
      .select('nonce')
      .where('person_id', '=', mallory.person.id)
      .execute();
    expect(open.length).toBe(5);
    // The oldest no longer work; the newest does.
    expect((await bind(mallory, { code: codeFor('openid-mallory-5'), state: states[0]! })).body.code).toBe(
      'WECHAT_STATE_INVALID',
    );
    expect((await bind(mallory, { code: codeFor('openid-mallory-5'), state: states[11]! })).status).toBe(200);
  });
});
