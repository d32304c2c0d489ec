// Hostile content and oversized input on the knowledge routes: Markdown carrying <script>, event
// handlers and javascript: links renders without them; bodies, titles, queries and tag lists over their
// limits, unknown fields, bad kinds and malformed tags are refused with coded errors and store nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Article } from '../../commerce/internals.ts';
import {
  KNOWLEDGE_BODY_MAX,
  KNOWLEDGE_QUERY_MAX,
  KNOWLEDGE_TAGS_MAX,
  KNOWLEDGE_TITLE_MAX,
} from '../../protocols/index.ts';
import { type ApiPlatform, startApiPlatform } from '../helpers/api-platform.ts';
import { call } from '../helpers/http-call.ts';
import { type Seeded, seedPerson, testTokens } from '../helpers/people.ts';

const tokens = testTokens();

describe('knowledge base input under attack', () => {
  let t: ApiPlatform;
  let staff: Seeded;
  const post = (body: unknown) =>
    call<Article>(t.url, 'POST', '/api/knowledge/articles', { token: staff.token, body });
  const count = async () =>
    Number(
      (
        await t.store.db
          .selectFrom('knowledge_versions')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await startApiPlatform('sqlite');
    staff = await seedPerson(t.store, tokens, { roles: ['staff'] });
  }, 60_000);
  afterAll(() => t?.close());

  it('renders Markdown without scripts, handlers or javascript: links, for anyone who reads it', async () => {
    const hostile = [
      '# 血压计说明',
      '<script>alert(1)</script>',
      '[click](javascript:alert(1)) and [ok](https://example.test/a)',
      '<a href="JaVaScRiPt:alert(2)">x</a> <img src=x onerror="alert(3)"> <iframe src="https://evil.test"></iframe>',
      '<p onclick="alert(4)" style="position:fixed">para</p>',
      '[data](data:text/html;base64,PHNjcmlwdD4=)',
    ].join('\n\n');
    const r = await post({
      kind: 'product_faq',
      titles: { en: 'Hostile' },
      bodies: { en: hostile },
      tags: { products: ['p-x'] },
    });
    expect(r.status).toBe(201);
    const read = await call<Article>(t.url, 'GET', `/api/knowledge/articles/${r.body.articleId}`);
    const html = read.body.html.en!;
    expect(html).toContain('<h1>血压计说明</h1>');
    expect(html).toContain('href="https://example.test/a"');
    for (const bad of [
      '<script',
      'javascript:',
      'JaVaScRiPt',
      'onerror',
      'onclick',
      '<iframe',
      'style=',
      'href="data:',
    ])
      expect(html).not.toContain(bad);
    // The Markdown itself comes back as written: it is text, never inserted as HTML by the web apps.
    expect(read.body.bodies.en).toBe(hostile);
    const faq = await call<{ articles: Article[] }>(t.url, 'GET', '/api/products/p-x/faq');
    expect(faq.body.articles[0]!.html.en).not.toContain('<script');
  });

  it('refuses oversized and malformed articles with VALIDATION_FAILED and stores nothing', async () => {
    const before = await count();
    const cases: unknown[] = [
      { kind: 'sop', titles: { en: 'Long' }, bodies: { en: 'x'.repeat(KNOWLEDGE_BODY_MAX + 1) } },
      { kind: 'sop', titles: { 'zh-Hans': '长'.repeat(KNOWLEDGE_TITLE_MAX + 1) }, bodies: {} },
      { kind: 'novel', titles: { en: 'Bad kind' }, bodies: {} },
      { kind: 'sop', titles: { fr: 'Langue' }, bodies: {} },
      { kind: 'sop', titles: { en: 'Extra' }, bodies: {}, authorId: 'someone-else' },
      { kind: 'sop', titles: { en: 'Bad tag' }, bodies: {}, tags: { goals: ['<script>'] } },
      { kind: 'sop', titles: { en: 'Bad audience' }, bodies: {}, tags: { audiences: ['everyone'] } },
      {
        kind: 'sop',
        titles: { en: 'Many tags' },
        bodies: {},
        tags: { goals: Array.from({ length: KNOWLEDGE_TAGS_MAX + 1 }, (_, i) => `g${i}`) },
      },
      { kind: 'sop', titles: { en: '   ' }, bodies: {} },
      { kind: 'sop', titles: { en: 5 }, bodies: {} },
    ];
    for (const body of cases) {
      const r = await post(body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect((r.body as unknown as { code: string }).code).toBe('VALIDATION_FAILED');
    }
    expect(await count()).toBe(before);
  });

  it('refuses a body over the route’s byte limit with HTTP_BODY_TOO_LARGE', async () => {
    const r = await call(t.url, 'POST', '/api/knowledge/articles', {
      token: staff.token,
      raw: JSON.stringify({ kind: 'sop', titles: { en: 'x' }, bodies: { en: 'x'.repeat(400_000) } }),
    });
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('HTTP_BODY_TOO_LARGE');
  });

  it('refuses oversized and malformed searches with VALIDATION_FAILED', async () => {
    const bad = [
      `q=${encodeURIComponent('血'.repeat(KNOWLEDGE_QUERY_MAX + 1))}`,
      'kind=novel',
      'tag=colour:red',
      `tag=${encodeURIComponent('goal:<script>')}`,
      'limit=500',
      'limit=1e1',
      'q=a&extra=1',
    ];
    for (const query of bad) {
      const r = await call(t.url, 'GET', `/api/knowledge/search?${query}`);
      expect(r.status, query).toBe(400);
      expect(r.body.code).toBe('VALIDATION_FAILED');
    }
    const products = await call(
      t.url,
      'GET',
      `/api/knowledge/products?productIds=${Array.from({ length: 21 }, (_, i) => `p${i}`).join(',')}`,
    );
    expect(products.status).toBe(400);
    expect(products.body.code).toBe('VALIDATION_FAILED');
    // A query at the limit, punctuation only or SQL-looking text is just a query.
    for (const q of ['血'.repeat(KNOWLEDGE_QUERY_MAX), '%_*"\'', "' OR 1=1 --"]) {
      const r = await call(t.url, 'GET', `/api/knowledge/search?q=${encodeURIComponent(q)}`);
      expect(r.status, q).toBe(200);
    }
  });
});
