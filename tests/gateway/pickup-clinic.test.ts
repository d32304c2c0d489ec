// Pickup at a clinic record: an order naming clinicId keeps the clinic's name in `clinic` (so readers of
// the older field keep working), an unknown or archived clinic is refused with NOT_FOUND, an empty
// pickup with VALIDATION_FAILED, and the free-text clinic of older clients still places an order.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ApiPlatform, startApiPlatform } from '../helpers/api-platform.ts';
import { call } from '../helpers/http-call.ts';
import { seedPerson, seedStaff, testTokens } from '../helpers/people.ts';
import { liveCard } from '../helpers/sales.ts';

const tokens = testTokens();
let t: ApiPlatform;

beforeAll(async () => {
  t = await startApiPlatform('sqlite');
});
afterAll(() => t?.close());

it('places pickups by clinic record and by free text; refuses unknown, archived and empty ones', async () => {
  const staff = await seedStaff(t.store, tokens);
  const buyer = await seedPerson(t.store, tokens);
  const { card } = await liveCard(t.store, tokens, { units: 10, perMemberLimit: 10 });
  const made = await call<{ clinicId: string }>(t.url, 'POST', '/api/clinics', {
    token: staff.token,
    body: {
      name: { en: 'East Clinic', 'zh-Hans': '东门店', 'zh-Hant': '東門市' },
      address: { en: '2 East St', 'zh-Hans': '东街2号', 'zh-Hant': '東街2號' },
      openingHours: [{ weekday: 6, fromMin: 600, toMin: 960 }],
    },
  });
  expect(made.status).toBe(201);
  let n = 0;
  const order = (fulfilment: unknown) =>
    call(t.url, 'POST', '/api/orders', {
      token: buyer.token,
      headers: { 'idempotency-key': `pickup-${++n}` },
      body: { cardId: card.cardId, quantity: 1, fulfilment },
    });

  const byRecord = await order({ method: 'pickup', clinicId: made.body.clinicId });
  expect(byRecord.status, JSON.stringify(byRecord.body)).toBe(201);
  const stored = await t.store.db
    .selectFrom('orders')
    .select('fulfilment')
    .where('id', '=', byRecord.body.orderId as string)
    .executeTakeFirstOrThrow();
  expect(JSON.parse(stored.fulfilment)).toEqual({
    method: 'pickup',
    clinic: '东门店',
    clinicId: made.body.clinicId,
  });

  expect((await order({ method: 'pickup', clinic: 'Old Town counter' })).status).toBe(201);
  const unknown = await order({ method: 'pickup', clinicId: 'no-such-clinic' });
  expect({ status: unknown.status, code: unknown.body.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
  const empty = await order({ method: 'pickup' });
  expect({ status: empty.status, code: empty.body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });

  await call(t.url, 'PATCH', `/api/clinics/${made.body.clinicId}`, {
    token: staff.token,
    body: { archived: true },
  });
  const archived = await order({ method: 'pickup', clinicId: made.body.clinicId });
  expect(archived.status).toBe(404);
  const listed = await call<{ clinics: unknown[] }>(t.url, 'GET', '/api/clinics');
  expect(listed.body.clinics).toEqual([]);
});
