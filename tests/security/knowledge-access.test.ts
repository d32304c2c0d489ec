// Attacks on the knowledge base's shelves. A member (or an anonymous viewer) cannot read a channel
// script, by search or by id; a channel manager finds it by a Chinese phrase but cannot see an expert
// case; an expert can; a host sees the sales scripts of a product but not the channel ones; only staff
// and admins write or read the version history; an expired token is refused. Hidden articles answer
// exactly like missing ones (404), so ids cannot be probed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Article } from '../../commerce/internals.ts';
import { type ApiPlatform, startApiPlatform } from '../helpers/api-platform.ts';
import { call } from '../helpers/http-call.ts';
import { type Seeded, seedPerson, testTokens } from '../helpers/people.ts';

const tokens = testTokens();

describe('knowledge base shelves under attack', () => {
  let t: ApiPlatform;
  let staff: Seeded;
  let manager: Seeded;
  let expert: Seeded;
  let host: Seeded;
  let member: Seeded;
  const ids: Record<string, string> = {};

  const write = async (key: string, body: unknown) => {
    const r = await call<Article>(t.url, 'POST', '/api/knowledge/articles', { token: staff.token, body });
    expect(r.status).toBe(201);
    ids[key] = r.body.articleId;
  };
  const search = (q: string, token?: string) =>
    call<{ hits: Array<{ articleId: string }> }>(
      t.url,
      'GET',
      `/api/knowledge/search?q=${encodeURIComponent(q)}`,
      { token },
    );

  beforeAll(async () => {
    t = await startApiPlatform('sqlite');
    staff = await seedPerson(t.store, tokens, { roles: ['staff'] });
    manager = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    expert = await seedPerson(t.store, tokens, { roles: ['expert'] });
    host = await seedPerson(t.store, tokens, { roles: ['host'] });
    member = await seedPerson(t.store, tokens);
    await write('channelScript', {
      kind: 'script',
      titles: { 'zh-Hans': '渠道邀约话术：社区健康讲座' },
      bodies: { 'zh-Hans': '您好，本周六社区中心有免费健康讲座，现场可测血压。' },
      tags: { audiences: ['channel'], products: ['p-bp'] },
    });
    await write('expertCase', {
      kind: 'case',
      titles: { 'zh-Hans': '案例：高血压会员的随访' },
      bodies: { 'zh-Hans': '会员收缩压一百六十，低盐饮食两个月后稳定。' },
    });
    await write('salesScript', {
      kind: 'script',
      titles: { 'zh-Hans': '直播促单话术：血压计' },
      bodies: { 'zh-Hans': '限时优惠，库存有限。' },
      tags: { audiences: ['sales'], products: ['p-bp'] },
    });
    await write('faq', {
      kind: 'product_faq',
      titles: { 'zh-Hans': '血压计常见问题' },
      bodies: { 'zh-Hans': '测量前静坐五分钟。' },
      tags: { products: ['p-bp'] },
    });
  }, 60_000);
  afterAll(() => t?.close());

  it('puts each article on the shelf its kind and audience name', async () => {
    const r = await call<Article>(t.url, 'GET', `/api/knowledge/articles/${ids.channelScript}`, {
      token: staff.token,
    });
    expect(r.body.visibility).toBe('channel');
    const c = await call<Article>(t.url, 'GET', `/api/knowledge/articles/${ids.expertCase}`, {
      token: staff.token,
    });
    expect(c.body.visibility).toBe('expert');
  });

  it('a manager finds a channel script by a Chinese phrase; a member and a viewer cannot, by search or id', async () => {
    const found = await search('健康讲座', manager.token);
    expect(found.body.hits.map((h) => h.articleId)).toEqual([ids.channelScript]);
    // The traditional phrase finds it too.
    expect((await search('健康講座', manager.token)).body.hits.map((h) => h.articleId)).toEqual([
      ids.channelScript,
    ]);
    for (const token of [member.token, undefined, expert.token, host.token]) {
      expect((await search('健康讲座', token)).body.hits).toEqual([]);
      const r = await call(t.url, 'GET', `/api/knowledge/articles/${ids.channelScript}`, { token });
      expect(r.status).toBe(404);
      expect(r.body.code).toBe('NOT_FOUND');
    }
    // Hidden reads exactly like missing.
    const missing = await call(t.url, 'GET', '/api/knowledge/articles/no-such-article', {
      token: member.token,
    });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
  });

  it('a manager cannot see an expert case; an expert can', async () => {
    expect((await search('高血压', manager.token)).body.hits.map((h) => h.articleId)).not.toContain(
      ids.expertCase,
    );
    const byId = await call(t.url, 'GET', `/api/knowledge/articles/${ids.expertCase}`, {
      token: manager.token,
    });
    expect(byId.status).toBe(404);
    expect((await search('高血压', expert.token)).body.hits.map((h) => h.articleId)).toContain(
      ids.expertCase,
    );
    const kindFilter = await call<{ hits: unknown[] }>(t.url, 'GET', '/api/knowledge/search?kind=case', {
      token: manager.token,
    });
    expect(kindFilter.body.hits).toEqual([]);
  });

  it('the host console gets a product’s FAQ and sales script, never the channel script', async () => {
    const r = await call<{ products: Array<{ productId: string; articles: Article[] }> }>(
      t.url,
      'GET',
      '/api/knowledge/products?productIds=p-bp',
      { token: host.token },
    );
    expect(r.status).toBe(200);
    expect(r.body.products[0]!.articles.map((a) => a.articleId).sort()).toEqual(
      [ids.faq, ids.salesScript].sort(),
    );
    const asMember = await call<{ products: Array<{ articles: Article[] }> }>(
      t.url,
      'GET',
      '/api/knowledge/products?productIds=p-bp',
      { token: member.token },
    );
    expect(asMember.body.products[0]!.articles.map((a) => a.articleId)).toEqual([ids.faq]);
  });

  it('a viewer without a token reads the public FAQ of a product', async () => {
    const r = await call<{ articles: Article[] }>(t.url, 'GET', '/api/products/p-bp/faq');
    expect(r.status).toBe(200);
    expect(r.body.articles.map((a) => a.articleId)).toEqual([ids.faq]);
    expect(r.body.articles[0]!.html['zh-Hans']).toContain('测量前静坐五分钟');
    const byId = await call(t.url, 'GET', `/api/knowledge/articles/${ids.faq}`);
    expect(byId.status).toBe(200);
  });

  it('only staff and admins write and read versions; an expired token is refused', async () => {
    const body = { kind: 'product_faq', titles: { en: 'x' }, bodies: {} };
    for (const who of [member, manager, expert, host]) {
      const r = await call(t.url, 'POST', '/api/knowledge/articles', { token: who.token, body });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('FORBIDDEN');
      const e = await call(t.url, 'PUT', `/api/knowledge/articles/${ids.faq}`, {
        token: who.token,
        body: { ...body, baseVersion: 1 },
      });
      expect(e.status).toBe(403);
      const v = await call(t.url, 'GET', `/api/knowledge/articles/${ids.faq}/versions`, {
        token: who.token,
      });
      expect(v.status).toBe(403);
    }
    expect((await call(t.url, 'POST', '/api/knowledge/articles', { body })).status).toBe(401);
    const expired = await tokens.mintAccess(staff.person.id, staff.person.roles, Date.now() - 3_600_000);
    const r = await call(t.url, 'POST', '/api/knowledge/articles', { token: expired, body });
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('AUTH_INVALID_TOKEN');
    // An expired token does not fall back to anonymous reading either.
    const s = await search('血压', expired);
    expect(s.status).toBe(401);
  });

  it('an edit is a new version with its author; a stale base version is refused', async () => {
    const edit = (baseVersion: number) =>
      call<Article>(t.url, 'PUT', `/api/knowledge/articles/${ids.faq}`, {
        token: staff.token,
        body: {
          baseVersion,
          kind: 'product_faq',
          titles: { 'zh-Hans': '血压计常见问题（修订）' },
          bodies: { 'zh-Hans': '测量前静坐五分钟，袖带与心脏同高。' },
          tags: { products: ['p-bp'] },
        },
      });
    const first = await edit(1);
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(2);
    const stale = await edit(1);
    expect(stale.status).toBe(409);
    expect((stale.body as unknown as { code: string }).code).toBe('CONFLICT');
    const v = await call<{ current: number; versions: Array<{ version: number; authorId: string }> }>(
      t.url,
      'GET',
      `/api/knowledge/articles/${ids.faq}/versions`,
      { token: staff.token },
    );
    expect(v.body.current).toBe(2);
    expect(v.body.versions.map((x) => [x.version, x.authorId])).toEqual([
      [2, staff.person.id],
      [1, staff.person.id],
    ]);
    // Search follows the current version only.
    expect((await search('袖带', member.token)).body.hits.map((h) => h.articleId)).toEqual([ids.faq]);
  });
});
