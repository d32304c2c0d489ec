// The share poster renders an image for anyone, so every parameter is checked before any work: sharer
// codes of the code alphabet and bounded length, a known language and time zone, nothing else; and a
// flood of distinct codes cannot grow the poster cache past its bound.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSales } from '../../commerce/internals.ts';
import { PosterService } from '../../gateway/posters/poster-service.ts';
import { type ApiPlatform, startApiPlatform } from '../helpers/api-platform.ts';
import { call } from '../helpers/http-call.ts';
import { seedPerson, testTokens } from '../helpers/people.ts';

const tokens = testTokens();

describe('share poster input', () => {
  let t: ApiPlatform;
  let sessionId: string;

  beforeAll(async () => {
    t = await startApiPlatform('sqlite');
    const host = await seedPerson(t.store, tokens, { roles: ['host'] });
    const sales = new LiveSales(t.store);
    sessionId = (
      await sales.createSession(
        { personId: host.person.id, roles: host.person.roles },
        { title: 'Poster night' },
      )
    ).sessionId;
  }, 30_000);
  afterAll(() => t?.close());

  const get = (query: string) => call(t.url, 'GET', `/api/live-sessions/${sessionId}/poster.png?${query}`);

  it.each([
    ['an oversized ref', `ref=${'A'.repeat(17)}`],
    ['a huge ref', `ref=${'A'.repeat(2_000)}`],
    ['a lower-case ref', 'ref=abcd2345'],
    ['look-alike characters', 'ref=ABCD0O1I'],
    ['markup in ref', `ref=${encodeURIComponent('<script>x</script>')}`],
    ['a URL in ch', `ch=${encodeURIComponent('https://evil.example/')}`],
    ['non-ASCII in ch', `ch=${encodeURIComponent('ＡＢＣＤ２３４５')}`],
    ['an empty ref', 'ref='],
    ['an unknown language', 'lang=fr'],
    ['a malformed time zone', `tz=${encodeURIComponent('../../etc')}`],
    ['an unknown parameter', 'ref=ABCD2345&next=https://evil.example/'],
  ])('refuses %s with a coded 400', async (_what, query) => {
    const r = await get(query);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a time zone that does not exist', async () => {
    const r = await get('tz=Mars/Olympus_Mons');
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('VALIDATION_FAILED');
  });

  it('answers a coded 404 for a session that does not exist', async () => {
    const r = await call(t.url, 'GET', '/api/live-sessions/no-such-session/poster.png?ref=ABCD2345');
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('NOT_FOUND');
  });

  it('keeps at most its bound of posters however many codes are asked for', async () => {
    const posters = new PosterService(new LiveSales(t.store), { maxEntries: 3 });
    for (const ref of ['AAAA2222', 'BBBB3333', 'CCCC4444', 'DDDD5555', 'EEEE6666'])
      await posters.poster({ sessionId, ref, lang: 'en', timeZone: 'UTC', origin: 'http://127.0.0.1' });
    expect(posters.size).toBe(3);
  });

  it('refuses new renders past its bound while serving cached posters', async () => {
    const posters = new PosterService(new LiveSales(t.store), { maxRendering: 1 });
    const ask = (ref: string) =>
      posters.poster({ sessionId, ref, lang: 'en', timeZone: 'UTC', origin: 'http://127.0.0.1' });
    await ask('KEPT2345');
    const burst = await Promise.allSettled(['FLOOD234', 'FLOOD345', 'FLOOD456', 'KEPT2345'].map(ask));
    const floods = burst.slice(0, 3);
    expect(floods.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of floods.filter((r) => r.status === 'rejected'))
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'RATE_LIMITED' });
    expect(burst[3]!.status).toBe('fulfilled');
    // Once the render in flight is done, the next one goes through.
    await expect(ask('FLOOD999')).resolves.toBeDefined();
  });
});
