// Readings over HTTP: admin-issued edge token on the ingest route (idempotent), a member reads their own,
// staff read consenting people only (audited; HEALTH_CONSENT_REQUIRED otherwise), channel managers and
// hosts never see raw readings (FORBIDDEN),
// device routes answer 503 on a node without an embedded edge.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Readings } from '../../commerce/internals.ts';
import { type ApiPlatform, startApiPlatform } from '../helpers/api-platform.ts';
import { seedAdmin, seedMember, seedStaff } from '../helpers/people.ts';

let t: ApiPlatform;
beforeAll(async () => {
  t = await startApiPlatform('sqlite');
});
afterAll(() => t?.close());

const call = async (method: string, path: string, token: string, body?: unknown) => {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
};

it('ingests with an edge token and applies the health-data access rules', async () => {
  const admin = await seedAdmin(t.store, t.api.tokens);
  const staff = await seedStaff(t.store, t.api.tokens);
  const manager = await seedMember(t.store, t.api.tokens, { roles: ['channel_manager'] });
  const host = await seedMember(t.store, t.api.tokens, { roles: ['host'] });
  const yes = await seedMember(t.store, t.api.tokens, { healthDataConsent: true });
  const no = await seedMember(t.store, t.api.tokens, { healthDataConsent: false });

  expect((await call('POST', '/api/edge-tokens', staff.token, { name: 'venue' })).status).toBe(403);
  const issued = await call('POST', '/api/edge-tokens', admin.token, { name: 'venue' });
  expect(issued.status).toBe(201);
  const reading = (seq: number, memberCode: string | null) => ({
    deviceId: 'scale-1',
    bootId: 1,
    seq,
    metric: 'WEIGHT_KG',
    value: 80,
    measuredAtMs: Date.now(),
    memberCode,
    eventId: null,
    receivedAtMs: Date.now(),
  });
  const batch = {
    readings: [reading(1, yes.person.memberCode), reading(2, no.person.memberCode), reading(3, null)],
  };
  expect((await call('POST', '/api/ingest/readings', 'wrong', batch)).status).toBe(401);
  expect((await call('POST', '/api/ingest/readings', staff.token, batch)).status).toBe(401);
  expect(
    (
      await call('POST', '/api/ingest/readings', issued.body.token, {
        readings: [{ ...reading(9, null), value: 'x' }],
      })
    ).status,
  ).toBe(400);
  expect((await call('POST', '/api/ingest/readings', issued.body.token, batch)).body).toEqual({
    stored: 3,
    duplicates: 0,
  });
  expect((await call('POST', '/api/ingest/readings', issued.body.token, batch)).body).toEqual({
    stored: 0,
    duplicates: 3,
  });

  const mine = await call('GET', '/api/me/readings', no.token);
  expect(mine.body.map((r: { seq: number }) => r.seq)).toEqual([2]);
  expect((await call('GET', `/api/people/${yes.person.id}/readings`, staff.token)).body).toHaveLength(1);
  const refused = await call('GET', `/api/people/${no.person.id}/readings`, staff.token);
  expect([refused.status, refused.body.code]).toEqual([403, 'HEALTH_CONSENT_REQUIRED']);
  for (const who of [manager, host, yes]) {
    const r = await call('GET', `/api/people/${yes.person.id}/readings`, who.token);
    expect([r.status, r.body.code]).toEqual([403, 'FORBIDDEN']);
  }
  // Every staff read is logged; refused reads show nothing and log nothing.
  expect((await new Readings(t.store).accessLog(yes.person.id)).map((a) => [a.actorId, a.action])).toEqual([
    [staff.person.id, 'read_raw'],
  ]);
  expect(await new Readings(t.store).accessLog(no.person.id)).toEqual([]);

  const unlinked = await call('GET', '/api/readings/unlinked', staff.token);
  expect(unlinked.body.map((r: { seq: number }) => r.seq)).toEqual([3]);
  expect((await call('GET', '/api/readings/unlinked', manager.token)).status).toBe(403);
  const assigned = await call('POST', '/api/readings/assign', staff.token, {
    readingIds: [unlinked.body[0].id],
    personId: yes.person.id,
  });
  expect(assigned.body).toEqual({ assigned: 1 });

  // A full batch from a standalone edge is far above the 64 KiB most routes accept.
  const full = { readings: Array.from({ length: 5000 }, (_, i) => reading(1000 + i, null)) };
  expect(JSON.stringify(full).length).toBeGreaterThan(65_536);
  expect((await call('POST', '/api/ingest/readings', issued.body.token, full)).body).toEqual({
    stored: 5000,
    duplicates: 0,
  });

  expect((await call('DELETE', `/api/edge-tokens/${issued.body.id}`, admin.token)).status).toBe(204);
  expect((await call('POST', '/api/ingest/readings', issued.body.token, batch)).status).toBe(401);
  expect((await call('GET', '/api/devices', staff.token)).status).toBe(503);
});
