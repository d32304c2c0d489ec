// Query integers are plain decimal text or nothing: "1.5", "true", "0x3", "1e1", " 3" and "" used to be
// truncated or guessed into numbers (limit=1.5 answered 200 with limit 1); every listing now refuses them
// with VALIDATION_FAILED, and well-formed integers keep working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { seedAdmin, testTokens } from '../helpers/people.ts';

const LISTINGS = [
  '/api/people',
  '/api/orders',
  '/api/products',
  '/api/live-sessions',
  '/api/me/readings',
  '/api/readings/unlinked',
  '/api/events',
  '/api/me/credit',
  '/api/metrics/follow-ups',
];

const NOT_INTEGERS = [
  '1.5',
  'true',
  '0x3',
  '1e1',
  '%203',
  '',
  '+3',
  '-0',
  '1.0',
  '3abc',
  '99999999999999999999',
];

describe('query integers', () => {
  let node: LiveNode;
  let token: string;

  beforeAll(async () => {
    node = await startLiveNode();
    ({ token } = await seedAdmin(node.platform.store, testTokens()));
  });
  afterAll(async () => {
    await node?.close();
  });

  it('answers 200 to decimal integers on every listing', async () => {
    for (const path of LISTINGS) {
      const res = await call(node.url, 'GET', `${path}?limit=3`, { token });
      expect(res.status, path).toBe(200);
    }
    const res = await call(node.url, 'GET', '/api/people?limit=2&offset=0', { token });
    expect(res.status).toBe(200);
  });

  it('refuses limit written any other way with a coded 400 on every listing', async () => {
    for (const path of LISTINGS) {
      for (const text of NOT_INTEGERS) {
        const res = await call(node.url, 'GET', `${path}?limit=${text}`, { token });
        expect(res.status, `${path}?limit=${text}`).toBe(400);
        expect(res.body.code, `${path}?limit=${text}`).toBe('VALIDATION_FAILED');
      }
    }
  });

  it('refuses a fractional or boolean offset', async () => {
    for (const text of ['1.5', 'true', '0x1']) {
      const res = await call(node.url, 'GET', `/api/people?offset=${text}`, { token });
      expect(res.status, text).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
  });

  it('refuses non-decimal days on the follow-ups', async () => {
    for (const q of ['days=7.5', 'days=0x7', 'days=true']) {
      const res = await call(node.url, 'GET', `/api/metrics/follow-ups?${q}`, { token });
      expect(res.status, q).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
  });
});
