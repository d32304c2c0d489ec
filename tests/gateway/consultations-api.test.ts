// Consultations over HTTP on SQLite and PostgreSQL: 50 members racing for one slot end with exactly one
// booking (the UNIQUE key, not a read-then-write check); a cancelled slot is free again; the member's
// cut-off holds while staff may still act; moving onto a taken or an unoffered start is refused by code;
// the outcome and the notes feed follow-ups (booked → consulted), the channel's conversion funnel
// (consulted) and "recommended by your expert".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { type ApiPlatform, startApiPlatform } from '../helpers/api-platform.ts';
import { freeSlots, seedExpert, seedProduct } from '../helpers/experts.ts';
import { call } from '../helpers/http-call.ts';
import { seedChannel } from '../helpers/ledger.ts';
import { type Seeded, STORE_BACKENDS, seedPerson, seedStaff, testTokens } from '../helpers/people.ts';

const tokens = testTokens();
const HOUR = 3_600_000;

describe.each(STORE_BACKENDS)('consultations on $name', ({ name }) => {
  let t: ApiPlatform;
  let expert: Seeded;
  let staff: Seeded;

  beforeAll(async () => {
    t = await startApiPlatform(name, { delivery: true });
    staff = await seedStaff(t.store, tokens);
    expert = await seedExpert(t.url, t.store, tokens);
  }, 60_000);
  afterAll(() => t?.close());

  const book = (who: Seeded, startsAtMs: number, personId?: string) =>
    call(t.url, 'POST', '/api/consultations', {
      token: who.token,
      body: { expertId: expert.person.id, startsAtMs, ...(personId ? { personId } : {}) },
    });

  it('lets exactly one of 50 concurrent bookings of a slot win', async () => {
    const [slot] = await freeSlots(t.url, expert.person.id, Date.now() + 24 * HOUR);
    const members = await Promise.all(Array.from({ length: 50 }, () => seedPerson(t.store, tokens)));
    const replies = await Promise.all(members.map((m) => book(m, slot!)));
    const won = replies.filter((r) => r.status === 201);
    const lost = replies.filter((r) => r.status !== 201);
    expect(won).toHaveLength(1);
    expect(new Set(lost.map((r) => `${r.status} ${r.body.code}`))).toEqual(
      new Set(['409 CONSULTATION_SLOT_TAKEN']),
    );
    const rows = await t.store.db
      .selectFrom('consultations')
      .select('person_id')
      .where('expert_id', '=', expert.person.id)
      .where('starts_at_ms', '=', slot!)
      .execute();
    expect(rows).toEqual([{ person_id: won[0]!.body.personId }]);
    expect(await freeSlots(t.url, expert.person.id, Date.now() + 24 * HOUR)).not.toContain(slot);
  }, 60_000);

  it('frees a cancelled slot; the member’s cut-off holds, staff may still cancel', async () => {
    const member = await seedPerson(t.store, tokens);
    const other = await seedPerson(t.store, tokens);
    const [far] = await freeSlots(t.url, expert.person.id, Date.now() + 30 * HOUR);
    const booked = await book(member, far!);
    expect(booked.status).toBe(201);
    const cancelled = await call(t.url, 'POST', `/api/consultations/${booked.body.consultationId}/cancel`, {
      token: member.token,
    });
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    expect((await book(other, far!)).status).toBe(201);

    // Default cut-off: 12 hours. A slot two hours ahead can no longer be moved or cancelled by the member.
    const [soon] = await freeSlots(t.url, expert.person.id, Date.now() + 2 * HOUR);
    const near = await book(member, soon!);
    expect(near.status).toBe(201);
    const id = near.body.consultationId as string;
    const [later] = await freeSlots(t.url, expert.person.id, Date.now() + 40 * HOUR);
    for (const [path, body] of [
      [`/api/consultations/${id}/cancel`, undefined],
      [`/api/consultations/${id}/reschedule`, { startsAtMs: later }],
    ] as const) {
      const r = await call(t.url, 'POST', path, { token: member.token, body });
      expect({ status: r.status, code: r.body.code }).toEqual({
        status: 409,
        code: 'CONSULTATION_CUTOFF_PASSED',
      });
    }
    const byStaff = await call(t.url, 'POST', `/api/consultations/${id}/cancel`, { token: staff.token });
    expect(byStaff.body).toMatchObject({ status: 'cancelled' });
  });

  it('refuses moving onto a taken start or one the expert does not offer', async () => {
    const a = await seedPerson(t.store, tokens);
    const b = await seedPerson(t.store, tokens);
    const [s1, s2] = await freeSlots(t.url, expert.person.id, Date.now() + 50 * HOUR);
    const ba = await book(a, s1!);
    await book(b, s2!);
    const onto = await call(t.url, 'POST', `/api/consultations/${ba.body.consultationId}/reschedule`, {
      token: a.token,
      body: { startsAtMs: s2 },
    });
    expect({ status: onto.status, code: onto.body.code }).toEqual({
      status: 409,
      code: 'CONSULTATION_SLOT_TAKEN',
    });
    const odd = await call(t.url, 'POST', `/api/consultations/${ba.body.consultationId}/reschedule`, {
      token: a.token,
      body: { startsAtMs: s2! + 60_000 },
    });
    expect({ status: odd.status, code: odd.body.code }).toEqual({
      status: 409,
      code: 'CONSULTATION_SLOT_UNAVAILABLE',
    });
    const past = await book(a, Date.now() - HOUR);
    expect(past.body.code).toBe('CONSULTATION_SLOT_UNAVAILABLE');
  });

  it('feeds booked and consulted to the follow-up, and the products to the member’s list', async () => {
    const manager = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    const channelId = await seedChannel(t.store, { commissionBps: 0, managerId: manager.person.id });
    const member = await seedPerson(t.store, tokens, { channelId, healthDataConsent: true });
    const productId = await seedProduct(t.store);
    const [slot] = await freeSlots(t.url, expert.person.id, Date.now() + 60 * HOUR);
    // The follow-up owner books on the member's behalf.
    const booked = await book(manager, slot!, member.person.id);
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    const id = booked.body.consultationId as string;
    const stage = async () =>
      (
        await t.store.db
          .selectFrom('follow_ups')
          .select('stage')
          .where('person_id', '=', member.person.id)
          .executeTakeFirst()
      )?.stage;
    await waitFor(async () => (await stage()) === 'booked');

    // Before it starts, nobody can mark it consulted.
    const early = await call(t.url, 'POST', `/api/consultations/${id}/outcome`, {
      token: expert.token,
      body: { outcome: 'consulted' },
    });
    expect(early.body.code).toBe('CONSULTATION_STATE_INVALID');
    // The expert records it once it has taken place (its start is moved into the past).
    await t.store.db
      .updateTable('consultations')
      .set({ starts_at_ms: Date.now() - 60_000 })
      .where('id', '=', id)
      .execute();
    const held = await call(t.url, 'POST', `/api/consultations/${id}/outcome`, {
      token: expert.token,
      body: { outcome: 'consulted' },
    });
    expect(held.body).toMatchObject({ status: 'consulted' });
    const notes = await call(t.url, 'PUT', `/api/consultations/${id}/notes`, {
      token: expert.token,
      body: { notes: 'BP high, start DASH', summary: 'Eat less salt', recommendedProductIds: [productId] },
    });
    expect(notes.status, JSON.stringify(notes.body)).toBe(200);
    await waitFor(async () => (await stage()) === 'consulted');
    const milestones = await t.store.db
      .selectFrom('follow_up_milestones')
      .select('kind')
      .where('person_id', '=', member.person.id)
      .orderBy('at_ms')
      .execute();
    expect(milestones.map((m) => m.kind)).toEqual(expect.arrayContaining(['booked', 'consulted']));

    // The conversion funnel counts the person as consulted in their channel, between tested and bought.
    await waitFor(async () => {
      const r = await call<Array<{ channelId: string; consulted: number }>>(
        t.url,
        'GET',
        '/api/metrics/channels',
        {
          token: staff.token,
        },
      );
      return r.body.find((c) => c.channelId === channelId)?.consulted === 1;
    });

    const mine = await call<{ consultations: Array<Record<string, unknown>> }>(
      t.url,
      'GET',
      '/api/me/consultations',
      {
        token: member.token,
      },
    );
    expect(mine.body.consultations[0]).toMatchObject({
      summary: 'Eat less salt',
      recommendedProductIds: [productId],
    });
    expect(mine.body.consultations[0]).not.toHaveProperty('notes');
    const recs = await call<{ products: Array<{ productId: string; expertName: string }> }>(
      t.url,
      'GET',
      '/api/me/recommendations',
      { token: member.token },
    );
    expect(recs.body.products).toEqual([expect.objectContaining({ productId, expertName: 'Dr Lin' })]);

    const events = await t.store.db
      .selectFrom('outbox')
      .select('type')
      .where('aggregate_id', '=', id)
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.type)).toEqual([
      'consultation.booked',
      'consultation.consulted',
      'consultation.notes_written',
    ]);
  });
});
