// Editing a product's tags and reading ranges over HTTP: staff only; metric names from the device
// contract; min < max, finite, inside the metric's physical range; each bad body a coded error that
// changes nothing. Creating a product follows the same rules.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { METRIC_RANGES } from '../../protocols/index.ts';
import { type ApiPlatform, startApiPlatform } from '../helpers/api-platform.ts';
import { call } from './../helpers/http-call.ts';
import { seedMember, seedStaff } from '../helpers/people.ts';

let t: ApiPlatform;
beforeAll(async () => {
  t = await startApiPlatform('sqlite');
});
afterAll(() => t?.close());

const TITLES = { en: 'Fibre', 'zh-Hans': '膳食纤维', 'zh-Hant': '膳食纖維' };
type Product = {
  productId: string;
  tags: string[];
  metrics: Array<{ metric: string; min: number; max: number }>;
};

it('replaces tags and ranges for staff, and refuses bad ranges with coded errors', async () => {
  const staff = await seedStaff(t.store, t.api.tokens);
  const member = await seedMember(t.store, t.api.tokens);
  const created = await call<Product>(t.url, 'POST', '/api/products', {
    token: staff.token,
    body: {
      titles: TITLES,
      tags: ['glucose-control'],
      metrics: [{ metric: 'GLUCOSE_MMOL_L', min: 7, max: 20 }],
      skus: [{ code: 'FIB-RANGES-1', priceMinor: 8_800, currency: 'CNY', stock: 5 }],
    },
  });
  expect(created.status).toBe(201);
  const id = created.body.productId;
  const patch = (body: unknown, token = staff.token, productId = id) =>
    call(t.url, 'PATCH', `/api/products/${productId}`, { token, body });
  const raw = (text: string) =>
    call(t.url, 'PATCH', `/api/products/${id}`, { token: staff.token, raw: text });

  const ok = await patch({
    tags: ['glucose-control', 'weight-management', 'glucose-control'],
    metrics: [
      { metric: 'GLUCOSE_MMOL_L', min: 6.1, max: 15 },
      { metric: 'BODY_FAT_PCT', min: 25, max: 45 },
    ],
  });
  expect(ok.status).toBe(200);
  expect(ok.body).toMatchObject({
    tags: ['glucose-control', 'weight-management'],
    metrics: [
      { metric: 'GLUCOSE_MMOL_L', min: 6.1, max: 15 },
      { metric: 'BODY_FAT_PCT', min: 25, max: 45 },
    ],
  });
  // Only the tags: the ranges stay.
  expect((await patch({ tags: ['weight-management'] })).body).toMatchObject({
    tags: ['weight-management'],
    metrics: [{ metric: 'GLUCOSE_MMOL_L' }, { metric: 'BODY_FAT_PCT' }],
  });

  const glucose = Object.values(METRIC_RANGES).find((r) => r.name === 'GLUCOSE_MMOL_L')!;
  const refused: Array<[unknown, number, string]> = [
    [{ metrics: [{ metric: 'glucose', min: 1, max: 2 }] }, 400, 'VALIDATION_FAILED'],
    [{ metrics: [{ metric: 'GLUCOSE_MMOL_L', min: 9, max: 9 }] }, 422, 'METRIC_RANGE_INVALID'],
    [{ metrics: [{ metric: 'GLUCOSE_MMOL_L', min: 9, max: 3 }] }, 422, 'METRIC_RANGE_INVALID'],
    // mg/dL typed into a mmol/L range: outside the physical range.
    [{ metrics: [{ metric: 'GLUCOSE_MMOL_L', min: 100, max: 140 }] }, 422, 'METRIC_RANGE_INVALID'],
    [
      {
        metrics: [
          { metric: 'PULSE_BPM', min: 50, max: 90 },
          { metric: 'PULSE_BPM', min: 60, max: 100 },
        ],
      },
      400,
      'VALIDATION_FAILED',
    ],
    [{ metrics: [{ metric: 'PULSE_BPM', min: '50', max: 90 }] }, 400, 'VALIDATION_FAILED'],
    [{ metrics: [{ metric: 'PULSE_BPM', min: 50 }] }, 400, 'VALIDATION_FAILED'],
    [{ tags: ['Not A Tag'] }, 400, 'VALIDATION_FAILED'],
    [{}, 400, 'VALIDATION_FAILED'],
    [{ titles: TITLES }, 400, 'VALIDATION_FAILED'],
  ];
  for (const [body, status, code] of refused) {
    const r = await patch(body);
    expect([JSON.stringify(body), r.status, (r.body as { code: string }).code]).toEqual([
      JSON.stringify(body),
      status,
      code,
    ]);
  }
  const outside = await patch({ metrics: [{ metric: 'GLUCOSE_MMOL_L', min: 100, max: 140 }] });
  expect((outside.body as { params: unknown }).params).toEqual({
    metric: 'GLUCOSE_MMOL_L',
    lower: glucose.min,
    upper: glucose.max,
  });
  // JSON has no Infinity, but 1e999 parses to it: still refused.
  const infinite = await raw('{"metrics":[{"metric":"PULSE_BPM","min":50,"max":1e999}]}');
  expect(infinite.status).toBeGreaterThanOrEqual(400);
  expect(infinite.status).toBeLessThan(500);
  expect(['VALIDATION_FAILED', 'METRIC_RANGE_INVALID']).toContain((infinite.body as { code: string }).code);

  expect((await patch({ tags: ['x'] }, member.token)).status).toBe(403);
  expect((await patch({ tags: ['x'] }, staff.token, 'no-such-product')).status).toBe(404);

  // Nothing refused changed the product.
  const now = await call<Product>(t.url, 'GET', `/api/products/${id}`, { token: staff.token });
  expect(now.body.metrics).toEqual([
    { metric: 'GLUCOSE_MMOL_L', min: 6.1, max: 15 },
    { metric: 'BODY_FAT_PCT', min: 25, max: 45 },
  ]);
  expect(now.body.tags).toEqual(['weight-management']);

  // Removing every range is allowed (the editor asks first).
  expect((await patch({ metrics: [] })).body).toMatchObject({ metrics: [] });

  // Creating follows the same rules; the metric list is published for the editor.
  const bad = await call(t.url, 'POST', '/api/products', {
    token: staff.token,
    body: {
      titles: TITLES,
      metrics: [{ metric: 'WEIGHT_KG', min: 0, max: 1000 }],
      skus: [{ code: 'FIB-RANGES-2', priceMinor: 1, currency: 'CNY', stock: 0 }],
    },
  });
  expect([bad.status, (bad.body as { code: string }).code]).toEqual([422, 'METRIC_RANGE_INVALID']);
  const metrics = await call<Array<{ metric: string }>>(t.url, 'GET', '/api/reading-metrics', {
    token: member.token,
  });
  expect(metrics.body.map((m) => m.metric)).toEqual(Object.values(METRIC_RANGES).map((r) => r.name));
});
