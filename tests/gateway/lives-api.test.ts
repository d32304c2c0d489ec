// GET /api/lives on both store backends: live sessions and those scheduled in the next 14 days (late
// starts within the grace period too), nothing ended or further out; host names; a line-up only after
// staff made it public, one entry per product at its list price; and the staff-only switch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSales } from '../../commerce/internals.ts';
import { type ApiPlatform, startApiPlatform } from '../helpers/api-platform.ts';
import { call } from '../helpers/http-call.ts';
import { type Seeded, STORE_BACKENDS, seedPerson, testTokens } from '../helpers/people.ts';

const tokens = testTokens();
const DAY = 24 * 3_600_000;

interface Live {
  sessionId: string;
  title: string;
  hostName: string;
  state: string;
  scheduledAtMs: number | null;
  lineup: Array<{
    skuId: string;
    titles: Record<string, string>;
    listPriceMinor: number;
    currency: string;
  }> | null;
}

describe.each(STORE_BACKENDS)('the public list of lives on $name', ({ name }) => {
  let t: ApiPlatform;
  let staff: Seeded;
  let host: Seeded;
  const ids: Record<string, string> = {};
  let skuId: string;

  beforeAll(async () => {
    t = await startApiPlatform(name);
    staff = await seedPerson(t.store, tokens, { roles: ['staff'] });
    host = await seedPerson(t.store, tokens, { roles: ['host'], displayName: 'Host Lin 林老师' });
    const sales = new LiveSales(t.store);
    const actor = { personId: host.person.id, roles: host.person.roles };
    const now = Date.now();
    const make = async (title: string, at: number | undefined) =>
      (await sales.createSession(actor, { title, scheduledAtMs: at })).sessionId;
    ids.soon = await make('In two days', now + 2 * DAY);
    ids.far = await make('In twenty days', now + 20 * DAY);
    ids.late = await make('Host running late', now - 30 * 60_000);
    ids.stale = await make('Never started', now - 3 * 3_600_000);
    ids.live = await make('On air', now - 60_000);
    await sales.goLive(actor, ids.live);
    ids.ended = await make('Over', now - DAY);
    await sales.goLive(actor, ids.ended);
    await sales.end(actor, ids.ended);
    const product = await call(t.url, 'POST', '/api/products', {
      token: staff.token,
      body: {
        titles: { en: 'Fibre bar', 'zh-Hans': '纤维棒', 'zh-Hant': '纖維棒' },
        skus: [{ code: `FIBRE-${name}`, priceMinor: 5_900, currency: 'CNY', stock: 100 }],
      },
    });
    skuId = (product.body.skus as Array<{ skuId: string }>)[0]!.skuId;
    // Two cards of the same product: the line-up names it once.
    for (const quantity of [5, 7])
      await sales.createCard(actor, ids.soon, { skuId, quantity, priceMinor: 3_900 });
  }, 60_000);
  afterAll(() => t?.close());

  const lives = async () => {
    const r = await call<{ nowMs: number; lives: Live[] }>(t.url, 'GET', '/api/lives');
    expect(r.status).toBe(200);
    return r.body;
  };

  it('lists live and upcoming sessions only, live first, with the host name and UTC times', async () => {
    const body = await lives();
    expect(Math.abs(body.nowMs - Date.now())).toBeLessThan(5_000);
    expect(body.lives.map((l) => l.sessionId)).toEqual([ids.live, ids.late, ids.soon]);
    const soon = body.lives.find((l) => l.sessionId === ids.soon)!;
    expect(soon).toMatchObject({ title: 'In two days', hostName: 'Host Lin 林老师', state: 'scheduled' });
    expect(soon.scheduledAtMs).toBeGreaterThan(Date.now() + DAY);
  });

  it('keeps every line-up private until staff make it public', async () => {
    for (const live of (await lives()).lives) expect(live.lineup).toBeNull();
    const one = await call<Live>(t.url, 'GET', `/api/lives/${ids.soon}`);
    expect(one.status).toBe(200);
    expect(one.body.lineup).toBeNull();
  });

  it('lets only staff switch a line-up public, then shows each product once at its list price', async () => {
    const path = `/api/live-sessions/${ids.soon}/lineup-visibility`;
    const byHost = await call(t.url, 'PUT', path, { token: host.token, body: { public: true } });
    expect(byHost.status).toBe(403);
    const anonymous = await call(t.url, 'PUT', path, { body: { public: true } });
    expect(anonymous.status).toBe(401);
    expect((await lives()).lives.find((l) => l.sessionId === ids.soon)!.lineup).toBeNull();

    const r = await call(t.url, 'PUT', path, { token: staff.token, body: { public: true } });
    expect(r.status).toBe(200);
    expect(r.body.lineupPublic).toBe(true);
    const soon = (await lives()).lives.find((l) => l.sessionId === ids.soon)!;
    expect(soon.lineup).toEqual([
      {
        skuId,
        titles: { en: 'Fibre bar', 'zh-Hans': '纤维棒', 'zh-Hant': '纖維棒' },
        listPriceMinor: 5_900,
        currency: 'CNY',
      },
    ]);
    // Another public session without cards shows an empty line-up, not a missing one.
    await call(t.url, 'PUT', `/api/live-sessions/${ids.live}/lineup-visibility`, {
      token: staff.token,
      body: { public: true },
    });
    expect((await lives()).lives.find((l) => l.sessionId === ids.live)!.lineup).toEqual([]);

    const off = await call(t.url, 'PUT', path, { token: staff.token, body: { public: false } });
    expect(off.body.lineupPublic).toBe(false);
    expect((await lives()).lives.find((l) => l.sessionId === ids.soon)!.lineup).toBeNull();
  });

  it('answers a coded 404 for an unknown session and 400 for a malformed switch', async () => {
    const missing = await call(t.url, 'GET', '/api/lives/no-such-session');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
    const bad = await call(t.url, 'PUT', `/api/live-sessions/${ids.soon}/lineup-visibility`, {
      token: staff.token,
      body: { public: 'yes', extra: 1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });
});
