// Attacks on consultations. An expert reads only the people who booked them (and a demoted expert's
// token reads nobody); a member cannot book for someone else; another channel's manager cannot see,
// change or book a consultation of the first channel's person; the notes stay hidden from the follow-up
// owner and from staff without consent (with consent the read is audited); only the consultation's
// expert writes notes; oversized and malformed input is refused with its code and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiPlatform, startApiPlatform } from '../helpers/api-platform.ts';
import { freeSlots, seedExpert, seedProduct } from '../helpers/experts.ts';
import { call } from '../helpers/http-call.ts';
import { seedChannel } from '../helpers/ledger.ts';
import { type Seeded, seedPerson, seedStaff, testTokens } from '../helpers/people.ts';

const tokens = testTokens();
const HOUR = 3_600_000;

describe('consultations under attack', () => {
  let t: ApiPlatform;
  let staff: Seeded;
  let expert: Seeded;
  let otherExpert: Seeded;
  let m1: Seeded;
  let m2: Seeded;
  let consenting: Seeded;
  let refusing: Seeded;
  let member: Seeded;
  let consultationId: string;
  let refusingConsultationId: string;
  let productId: string;

  const count = async () =>
    Number(
      (
        await t.store.db
          .selectFrom('consultations')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const accessLog = (personId: string) =>
    t.store.db
      .selectFrom('readings_access_log')
      .select(['actor_id', 'action'])
      .where('person_id', '=', personId)
      .orderBy('id')
      .execute();

  beforeAll(async () => {
    t = await startApiPlatform('sqlite', { delivery: true });
    staff = await seedStaff(t.store, tokens);
    expert = await seedExpert(t.url, t.store, tokens);
    otherExpert = await seedExpert(t.url, t.store, tokens, { displayName: 'Dr Wu' });
    m1 = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    m2 = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    const c1 = await seedChannel(t.store, { commissionBps: 0, managerId: m1.person.id });
    await seedChannel(t.store, { commissionBps: 0, managerId: m2.person.id });
    consenting = await seedPerson(t.store, tokens, { channelId: c1, healthDataConsent: true });
    refusing = await seedPerson(t.store, tokens, { channelId: c1 });
    member = await seedPerson(t.store, tokens);
    productId = await seedProduct(t.store);
    const [s1, s2] = await freeSlots(t.url, expert.person.id, Date.now() + 24 * HOUR);
    const a = await call(t.url, 'POST', '/api/consultations', {
      token: consenting.token,
      body: { expertId: expert.person.id, startsAtMs: s1 },
    });
    const b = await call(t.url, 'POST', '/api/consultations', {
      token: refusing.token,
      body: { expertId: expert.person.id, startsAtMs: s2 },
    });
    consultationId = a.body.consultationId as string;
    refusingConsultationId = b.body.consultationId as string;
    for (const id of [consultationId, refusingConsultationId]) {
      await t.store.db
        .updateTable('consultations')
        .set({ starts_at_ms: Date.now() - 1000 })
        .where('id', '=', id)
        .execute();
      await call(t.url, 'POST', `/api/consultations/${id}/outcome`, {
        token: expert.token,
        body: { outcome: 'consulted' },
      });
      const notes = await call(t.url, 'PUT', `/api/consultations/${id}/notes`, {
        token: expert.token,
        body: { notes: 'private clinical note', summary: 'your summary', recommendedProductIds: [productId] },
      });
      expect(notes.status).toBe(200);
    }
  }, 60_000);
  afterAll(() => t?.close());

  it('an expert reads only people who booked them; a demoted expert reads nobody', async () => {
    const own = await call(t.url, 'GET', `/api/expert/people/${consenting.person.id}`, {
      token: expert.token,
    });
    expect(own.status).toBe(200);
    expect(own.body.readings).toEqual([]);
    expect(await accessLog(consenting.person.id)).toContainEqual({
      actor_id: expert.person.id,
      action: 'read_raw',
    });
    // Without consent: the timeline, but no readings, and no read to audit.
    const noConsent = await call(t.url, 'GET', `/api/expert/people/${refusing.person.id}`, {
      token: expert.token,
    });
    expect(noConsent.status).toBe(200);
    expect(noConsent.body).not.toHaveProperty('readings');
    expect(await accessLog(refusing.person.id)).toEqual([]);

    for (const personId of [consenting.person.id, member.person.id]) {
      const r = await call(t.url, 'GET', `/api/expert/people/${personId}`, { token: otherExpert.token });
      expect({ status: r.status, code: r.body.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
    }
    const notHis = await call(t.url, 'GET', `/api/consultations/${consultationId}`, {
      token: otherExpert.token,
    });
    expect(notHis.status).toBe(404);
    const notes = await call(t.url, 'PUT', `/api/consultations/${consultationId}/notes`, {
      token: otherExpert.token,
      body: { notes: 'x', summary: 'x', recommendedProductIds: [] },
    });
    expect(notes.status).toBe(404);

    // Demoted: the token still says expert, the store no longer does.
    const demoted = await seedExpert(t.url, t.store, tokens, { displayName: 'Dr Gone' });
    const [slot] = await freeSlots(t.url, demoted.person.id, Date.now() + 24 * HOUR);
    const booked = await call(t.url, 'POST', '/api/consultations', {
      token: consenting.token,
      body: { expertId: demoted.person.id, startsAtMs: slot },
    });
    expect(booked.status).toBe(201);
    await t.store.db
      .deleteFrom('person_roles')
      .where('person_id', '=', demoted.person.id)
      .where('role', '=', 'expert')
      .execute();
    const after = await call(t.url, 'GET', `/api/expert/people/${consenting.person.id}`, {
      token: demoted.token,
    });
    // The role guard reads the person's current roles: the token still says expert, the store does not.
    expect({ status: after.status, code: after.body.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    const detail = await call(t.url, 'GET', `/api/consultations/${booked.body.consultationId}`, {
      token: demoted.token,
    });
    expect(detail.status).toBe(404);
    const expired = await tokens.mintAccess(expert.person.id, expert.person.roles, Date.now() - 2 * HOUR);
    const old = await call(t.url, 'GET', `/api/expert/people/${consenting.person.id}`, { token: expired });
    expect({ status: old.status, code: old.body.code }).toEqual({ status: 401, code: 'AUTH_INVALID_TOKEN' });
  });

  it('a member cannot book for another person, record an outcome or write notes', async () => {
    const before = await count();
    const [slot] = await freeSlots(t.url, expert.person.id, Date.now() + 30 * HOUR);
    const forOther = await call(t.url, 'POST', '/api/consultations', {
      token: member.token,
      body: { expertId: expert.person.id, startsAtMs: slot, personId: consenting.person.id },
    });
    expect({ status: forOther.status, code: forOther.body.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    const outcome = await call(t.url, 'POST', `/api/consultations/${consultationId}/outcome`, {
      token: consenting.token,
      body: { outcome: 'no_show' },
    });
    expect(outcome.status).toBe(403);
    const notes = await call(t.url, 'PUT', `/api/consultations/${consultationId}/notes`, {
      token: consenting.token,
      body: { notes: 'x', summary: 'x', recommendedProductIds: [] },
    });
    expect(notes.status).toBe(403);
    // Someone else's consultation is not there at all.
    const peek = await call(t.url, 'GET', `/api/consultations/${consultationId}`, { token: member.token });
    expect(peek.status).toBe(404);
    expect(await count()).toBe(before);
  });

  it('another channel’s manager cannot see, change or book for the first channel’s person', async () => {
    const before = await count();
    for (const [method, path] of [
      ['GET', `/api/consultations/${consultationId}`],
      ['POST', `/api/consultations/${consultationId}/cancel`],
    ] as const) {
      const r = await call(t.url, method, path, { token: m2.token });
      expect({ path, status: r.status, code: r.body.code }).toEqual({ path, status: 404, code: 'NOT_FOUND' });
    }
    const [slot] = await freeSlots(t.url, expert.person.id, Date.now() + 40 * HOUR);
    const onBehalf = await call(t.url, 'POST', '/api/consultations', {
      token: m2.token,
      body: { expertId: expert.person.id, startsAtMs: slot, personId: consenting.person.id },
    });
    expect({ status: onBehalf.status, code: onBehalf.body.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
    expect(await count()).toBe(before);
  });

  it('keeps the notes from the follow-up owner, and from staff without consent; staff reads are audited', async () => {
    const owner = await call(t.url, 'GET', `/api/consultations/${consultationId}`, { token: m1.token });
    expect(owner.status).toBe(200);
    expect(owner.body).toMatchObject({ status: 'consulted', recommendedProductIds: [productId] });
    expect(owner.body).not.toHaveProperty('notes');
    expect(owner.body).not.toHaveProperty('summary');
    expect(JSON.stringify(owner.body)).not.toContain('private clinical note');

    const withoutConsent = await call(t.url, 'GET', `/api/consultations/${refusingConsultationId}`, {
      token: staff.token,
    });
    expect(withoutConsent.body).not.toHaveProperty('notes');
    expect(await accessLog(refusing.person.id)).toEqual([]);

    const withConsent = await call(t.url, 'GET', `/api/consultations/${consultationId}`, {
      token: staff.token,
    });
    expect(withConsent.body).toMatchObject({ notes: 'private clinical note' });
    expect(await accessLog(consenting.person.id)).toContainEqual({
      actor_id: staff.person.id,
      action: 'read_notes',
    });

    const mine = await call(t.url, 'GET', `/api/consultations/${consultationId}`, {
      token: consenting.token,
    });
    expect(mine.body).toMatchObject({ summary: 'your summary' });
    expect(mine.body).not.toHaveProperty('notes');
  });

  it('refuses oversized and malformed input with its code, changing nothing', async () => {
    const before = await count();
    const [slot] = await freeSlots(t.url, expert.person.id, Date.now() + 45 * HOUR);
    const bad: Array<[string, string, unknown, string?]> = [
      ['POST', '/api/consultations', { expertId: expert.person.id, startsAtMs: String(slot) }],
      ['POST', '/api/consultations', { expertId: expert.person.id, startsAtMs: slot, extra: 1 }],
      ['POST', '/api/consultations', { expertId: 'x'.repeat(65), startsAtMs: slot }],
      ['POST', '/api/consultations', { expertId: '../etc', startsAtMs: slot }],
      ['POST', '/api/consultations', { expertId: expert.person.id, startsAtMs: -1 }],
      [
        'PUT',
        `/api/consultations/${consultationId}/notes`,
        { notes: 'x'.repeat(8001), summary: '', recommendedProductIds: [] },
        expert.token,
      ],
      [
        'PUT',
        `/api/consultations/${consultationId}/notes`,
        { notes: '', summary: '', recommendedProductIds: Array.from({ length: 21 }, (_, i) => `p${i}`) },
        expert.token,
      ],
      ['POST', `/api/consultations/${consultationId}/outcome`, { outcome: 'vanished' }, expert.token],
      [
        'PUT',
        `/api/experts/${expert.person.id}`,
        { name: 'x', specialities: [], languages: ['fr'], slotMinutes: 30, weeklyHours: [], daysOff: [] },
        expert.token,
      ],
      [
        'PUT',
        `/api/experts/${expert.person.id}`,
        { name: 'x', specialities: [], languages: ['en'], slotMinutes: 5, weeklyHours: [], daysOff: [] },
        expert.token,
      ],
    ];
    for (const [method, path, body, token] of bad) {
      const r = await call(t.url, method, path, { token: token ?? member.token, body });
      expect({ path, status: r.status, code: r.body.code }).toEqual({
        path,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    const overlap = await call(t.url, 'PUT', `/api/experts/${expert.person.id}`, {
      token: expert.token,
      body: {
        name: 'x',
        specialities: [],
        languages: ['en'],
        slotMinutes: 30,
        weeklyHours: [
          { weekday: 1, fromMin: 540, toMin: 720 },
          { weekday: 1, fromMin: 600, toMin: 900 },
        ],
        daysOff: [],
      },
    });
    expect({ status: overlap.status, code: overlap.body.code }).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    const wideRange = await call(
      t.url,
      'GET',
      `/api/experts/${expert.person.id}/slots?from=0&to=${40 * 24 * HOUR}`,
    );
    expect({ status: wideRange.status, code: wideRange.body.code }).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    const unknownProduct = await call(t.url, 'PUT', `/api/consultations/${consultationId}/notes`, {
      token: expert.token,
      body: { notes: 'n', summary: 's', recommendedProductIds: ['no-such-product'] },
    });
    expect(unknownProduct.status).toBe(404);
    // Another expert's profile is not theirs to edit.
    const foreign = await call(t.url, 'PUT', `/api/experts/${otherExpert.person.id}`, {
      token: expert.token,
      body: { name: 'x', specialities: [], languages: ['en'], slotMinutes: 30, weeklyHours: [], daysOff: [] },
    });
    expect(foreign.status).toBe(403);
    expect(await count()).toBe(before);
    const kept = await call(t.url, 'GET', `/api/consultations/${consultationId}`, { token: expert.token });
    expect(kept.body).toMatchObject({ notes: 'private clinical note', recommendedProductIds: [productId] });
  });
});
