// What /api/lives and the share poster must never give away: a draft card's live price and units (a sale
// not announced yet), and any line-up staff keep private, whether read from the list, the single
// session, or the products a poster would name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSales } from '../../commerce/internals.ts';
import { type ApiPlatform, startApiPlatform } from '../helpers/api-platform.ts';
import { call } from '../helpers/http-call.ts';
import { type Seeded, seedPerson, testTokens } from '../helpers/people.ts';

const tokens = testTokens();
const CARD_PRICE = 12_345;
const CARD_UNITS = 4_321;
const PER_MEMBER = 37;
/** Field names of a card's terms: none may appear anywhere in a public answer. */
const CARD_FIELDS = [
  'priceMinor',
  'allotted',
  'remaining',
  'perMemberLimit',
  'cardId',
  'startsAtMs',
  'endsAtMs',
];

/** Every key and every number anywhere in a JSON value. */
function walk(value: unknown, keys: Set<string>, numbers: Set<number>): void {
  if (typeof value === 'number') numbers.add(value);
  else if (Array.isArray(value)) for (const v of value) walk(v, keys, numbers);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      keys.add(k);
      walk(v, keys, numbers);
    }
}

describe('public lives leak no private sale terms', () => {
  let t: ApiPlatform;
  let staff: Seeded;
  let sessionId: string;

  beforeAll(async () => {
    t = await startApiPlatform('sqlite');
    staff = await seedPerson(t.store, tokens, { roles: ['staff'] });
    const host = await seedPerson(t.store, tokens, { roles: ['host'] });
    const sales = new LiveSales(t.store);
    const actor = { personId: host.person.id, roles: host.person.roles };
    sessionId = (
      await sales.createSession(actor, { title: 'Launch night', scheduledAtMs: Date.now() + 3_600_000 })
    ).sessionId;
    const product = await call(t.url, 'POST', '/api/products', {
      token: staff.token,
      body: {
        titles: { en: 'Secret launch', 'zh-Hans': '新品', 'zh-Hant': '新品' },
        skus: [{ code: 'SECRET-1', priceMinor: 29_900, currency: 'CNY', stock: 10_000 }],
      },
    });
    const skuId = (product.body.skus as Array<{ skuId: string }>)[0]!.skuId;
    await sales.createCard(actor, sessionId, {
      skuId,
      quantity: CARD_UNITS,
      priceMinor: CARD_PRICE,
      perMemberLimit: PER_MEMBER,
    });
  }, 30_000);
  afterAll(() => t?.close());

  const answers = async () => [
    (await call(t.url, 'GET', '/api/lives')).body,
    (await call(t.url, 'GET', `/api/lives/${sessionId}`)).body,
  ];

  it('keeps a private line-up out of the list and the session preview', async () => {
    for (const body of await answers()) {
      expect(JSON.stringify(body)).not.toContain('Secret launch');
      expect(JSON.stringify(body)).not.toContain('SECRET-1');
    }
    const live = (
      await call<{ lives: Array<{ sessionId: string; lineup: unknown }> }>(t.url, 'GET', '/api/lives')
    ).body.lives;
    expect(live.find((l) => l.sessionId === sessionId)?.lineup).toBeNull();
  });

  it('keeps a private line-up off the share poster', async () => {
    const path = `/api/live-sessions/${sessionId}/poster.png?lang=en`;
    const privateEtag = (await fetch(`${t.url}${path}`)).headers.get('etag');
    await call(t.url, 'PUT', `/api/live-sessions/${sessionId}/lineup-visibility`, {
      token: staff.token,
      body: { public: true },
    });
    const publicEtag = (await fetch(`${t.url}${path}`)).headers.get('etag');
    await call(t.url, 'PUT', `/api/live-sessions/${sessionId}/lineup-visibility`, {
      token: staff.token,
      body: { public: false },
    });
    const hiddenAgain = await fetch(`${t.url}${path}`);
    // The poster's content (its ETag) changes only when the product may be named, and goes back after.
    expect(publicEtag).not.toBe(privateEtag);
    expect(hiddenAgain.headers.get('etag')).toBe(privateEtag);
  });

  it('never shows a draft card’s live price, units or limit once the line-up is public', async () => {
    await call(t.url, 'PUT', `/api/live-sessions/${sessionId}/lineup-visibility`, {
      token: staff.token,
      body: { public: true },
    });
    for (const body of await answers()) {
      const keys = new Set<string>();
      const numbers = new Set<number>();
      walk(body, keys, numbers);
      expect(JSON.stringify(body)).toContain('Secret launch');
      for (const field of CARD_FIELDS) expect(keys).not.toContain(field);
      for (const n of [CARD_PRICE, CARD_UNITS, PER_MEMBER]) expect(numbers).not.toContain(n);
      expect(numbers).toContain(29_900);
    }
  });

  it('lets no one but staff change what the public sees', async () => {
    const member = await seedPerson(t.store, tokens);
    const host = await seedPerson(t.store, tokens, { roles: ['host'] });
    for (const token of [member.token, host.token, 'not-a-token']) {
      const r = await call(t.url, 'PUT', `/api/live-sessions/${sessionId}/lineup-visibility`, {
        token,
        body: { public: false },
      });
      expect([401, 403]).toContain(r.status);
    }
    const stillPublic = await call<{ lineup: unknown[] | null }>(t.url, 'GET', `/api/lives/${sessionId}`);
    expect(stillPublic.body.lineup).not.toBeNull();
  });
});
