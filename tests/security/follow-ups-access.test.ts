// Attacks on the follow-up and payout-run routes. A second channel's manager must reach none of the
// first channel's people (reads, changes, bulk assignment, exports, trial figures, event figures,
// payout statements); a member reaches nothing; an expired or missing token is refused; malformed and
// oversized payloads are refused with their codes and change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPosition } from '../../commerce/events/index.ts';
import { OfflineEvents, releaseDue } from '../../commerce/internals.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { type ApiPlatform, startApiPlatform } from '../helpers/api-platform.ts';
import { call } from '../helpers/http-call.ts';
import { actorOf, placeOrder, seedChannel } from '../helpers/ledger.ts';
import { type Seeded, seedPerson, seedStaff, testTokens } from '../helpers/people.ts';
import { liveCard, testOrders } from '../helpers/sales.ts';

const tokens = testTokens();

describe('follow-ups and payout runs under attack', () => {
  let t: ApiPlatform;
  let staff: Seeded;
  let m1: Seeded;
  let m2: Seeded;
  let member: Seeded;
  let c1: string;
  let c2: string;
  let target: { followUpId: string; taskId: string };
  let eventId: string;
  let runId: string;

  beforeAll(async () => {
    t = await startApiPlatform('sqlite', { delivery: true });
    staff = await seedStaff(t.store, tokens);
    m1 = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    m2 = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    member = await seedPerson(t.store, tokens);
    c1 = await seedChannel(t.store, { commissionBps: 1000, managerId: m1.person.id, name: 'First' });
    c2 = await seedChannel(t.store, { commissionBps: 1000, managerId: m2.person.id, name: 'Second' });
    // C1's person with a note and a task; an event of C1 only; a payout run paying C1 only.
    const invited = await call(t.url, 'POST', `/api/channels/${c1}/invitations`, {
      token: m1.token,
      body: { displayName: 'Private Person', email: 'private@example.test' },
    });
    expect(invited.status).toBe(202);
    const { id: personId } = await t.store.db
      .selectFrom('people')
      .select('id')
      .where('email', '=', 'private@example.test')
      .executeTakeFirstOrThrow();
    // The manager's invitation is held back until the person acts: staff vouch for them at the desk.
    const vouched = await call(t.url, 'POST', `/api/people/${personId}/contacts/email/vouch`, {
      token: staff.token,
    });
    expect(vouched.status).toBe(200);
    await waitFor(async () => {
      const r = await t.store.db
        .selectFrom('follow_ups')
        .select('id')
        .where('person_id', '=', personId)
        .executeTakeFirst();
      return r !== undefined;
    });
    const row = await t.store.db
      .selectFrom('follow_ups')
      .select('id')
      .where('person_id', '=', personId)
      .executeTakeFirstOrThrow();
    await call(t.url, 'POST', `/api/follow-ups/${row.id}/notes`, {
      token: m1.token,
      body: { body: 'secret note' },
    });
    const task = await call(t.url, 'POST', `/api/follow-ups/${row.id}/tasks`, {
      token: m1.token,
      body: { kind: 'visit', dueAtMs: Date.now() },
    });
    target = { followUpId: row.id, taskId: task.body.taskId as string };
    const event = await new OfflineEvents(t.store, t.api.people).create(actorOf(staff), {
      title: 'C1 only',
      venue: 'Hall',
      startsAtMs: Date.now(),
      channelIds: [c1],
    });
    eventId = event.id;
    const buyer = await seedPerson(t.store, tokens, { channelId: c1 });
    const { card } = await liveCard(t.store, tokens, { units: 1 });
    const orders = testOrders(t.store);
    const order = await placeOrder(orders, buyer, card.cardId);
    await orders.confirmManualPayment(actorOf(staff), order.orderId);
    const last = await t.store.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirstOrThrow();
    await waitFor(async () => (await readPosition(t.store.db, 'ledger')) >= Number(last.id));
    await releaseDue(t.store, Date.now() + 8 * 86_400_000);
    const run = await call(t.url, 'POST', '/api/payout-runs', {
      token: staff.token,
      body: { from: 0, to: Date.now() + 1 },
    });
    runId = run.body.runId as string;
  }, 60_000);
  afterAll(() => t?.close());

  const f = (rest = '') => `/api/follow-ups/${target.followUpId}${rest}`;

  it('a second channel’s manager reaches none of the first channel’s people', async () => {
    const token = m2.token;
    for (const [method, path, body] of [
      ['GET', f(), undefined],
      ['POST', f('/stage'), { stage: 'lost', lostReason: 'poached' }],
      ['POST', f('/notes'), { body: 'hello' }],
      ['POST', f('/tasks'), { kind: 'call', dueAtMs: Date.now() }],
      ['PUT', f(`/tasks/${target.taskId}/done`), { done: true }],
      ['POST', '/api/follow-ups/assign', { followUpIds: [target.followUpId], ownerId: m2.person.id }],
      ['GET', `/api/payout-runs/${runId}/statement`, undefined],
    ] as const) {
      const r = await call(t.url, method, path, { token, body });
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.body.code).toBe('NOT_FOUND');
    }
    for (const path of [
      `/api/follow-ups?channelId=${c1}`,
      `/api/follow-ups?channelId=${c1}&format=csv`,
      `/api/follow-ups/trials?channelId=${c1}`,
      `/api/follow-ups/events/${eventId}/attendance`,
    ]) {
      const r = await call(t.url, 'GET', path, { token });
      expect(r.status, path).toBe(403);
      expect(r.body.code).toBe('FORBIDDEN');
    }
    const list = await call<{ rows: Array<{ channelId: string }> }>(t.url, 'GET', '/api/follow-ups', {
      token,
    });
    expect(list.body.rows.filter((r) => r.channelId === c1)).toEqual([]);
    const csv = await fetch(`${t.url}/api/follow-ups?format=csv&includeNotes=true`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const text = await csv.text();
    expect(text).not.toContain('Private Person');
    expect(text).not.toContain('secret note');
    const runs = await call<unknown[]>(t.url, 'GET', '/api/payout-runs', { token });
    expect(runs.body).toEqual([]);
    // Nothing changed: still m1's, stage new, one note, task open.
    const d = await call(t.url, 'GET', f(), { token: m1.token });
    expect(d.body.followUp).toMatchObject({ ownerId: m1.person.id, stage: 'new' });
    expect((d.body.notes as unknown[]).length).toBe(1);
    expect((d.body.tasks as Array<{ doneAtMs: unknown }>)[0]!.doneAtMs).toBeNull();
    expect(c2).toBeTruthy();
  });

  it('a member reaches nothing; payout runs are made and paid by staff only', async () => {
    for (const [method, path, body] of [
      ['GET', '/api/follow-ups', undefined],
      ['GET', f(), undefined],
      ['POST', f('/notes'), { body: 'hi' }],
      ['GET', '/api/follow-ups/trials', undefined],
      ['GET', '/api/payout-runs', undefined],
      ['POST', '/api/payout-runs', { from: 0, to: 1 }],
      ['POST', `/api/payout-runs/${runId}/paid`, { reference: 'X' }],
    ] as const) {
      const r = await call(t.url, method, path, { token: member.token, body });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body.code).toBe('FORBIDDEN');
    }
    for (const [method, path, body] of [
      ['POST', '/api/payout-runs', { from: 0, to: 1 }],
      ['POST', `/api/payout-runs/${runId}/paid`, { reference: 'X' }],
    ] as const) {
      const r = await call(t.url, method, path, { token: m1.token, body });
      expect(r.status, `${method} ${path}`).toBe(403);
    }
    const run = await call<Array<{ runId: string; status: string }>>(t.url, 'GET', '/api/payout-runs', {
      token: staff.token,
    });
    expect(run.body.find((r) => r.runId === runId)?.status).toBe('frozen');
  });

  it('an expired or missing token is refused', async () => {
    const expired = await tokens.mintAccess(m1.person.id, m1.person.roles, Date.now() - 3_600_000);
    for (const path of [f(), '/api/follow-ups', '/api/payout-runs', '/api/me/trials']) {
      const r = await call(t.url, 'GET', path, { token: expired });
      expect(r.status, path).toBe(401);
      expect(r.body.code).toBe('AUTH_INVALID_TOKEN');
      expect((await call(t.url, 'GET', path)).body.code).toBe('AUTH_REQUIRED');
    }
  });

  it('malformed and oversized payloads are refused with their codes and change nothing', async () => {
    const token = m1.token;
    const bad: Array<[string, string, unknown]> = [
      ['POST', f('/stage'), { stage: 'won' }],
      ['POST', f('/stage'), { stage: 'lost', lostReason: 'x'.repeat(201) }],
      ['POST', f('/stage'), { stage: 'contacted', by: 'someone else' }],
      ['POST', f('/notes'), { body: '   ' }],
      ['POST', f('/notes'), { body: 'x'.repeat(2001) }],
      ['POST', f('/notes'), { body: 5 }],
      ['POST', f('/tasks'), { kind: 'email', dueAtMs: 1 }],
      ['POST', f('/tasks'), { kind: 'call', dueAtMs: '1700000000000' }],
      ['POST', f('/tasks'), { kind: 'call', dueAtMs: -1 }],
      ['PUT', f(`/tasks/${target.taskId}/done`), { done: 'yes' }],
      ['POST', '/api/follow-ups/assign', { followUpIds: [], ownerId: null }],
      [
        'POST',
        '/api/follow-ups/assign',
        { followUpIds: Array.from({ length: 201 }, (_, i) => `id${i}`), ownerId: null },
      ],
      ['POST', '/api/follow-ups/assign', { followUpIds: ['../../etc'], ownerId: null }],
      ['GET', '/api/follow-ups?limit=10001', undefined],
      ['GET', '/api/follow-ups?stage=won', undefined],
      ['GET', `/api/follow-ups?q=${'x'.repeat(81)}`, undefined],
      ['GET', '/api/follow-ups?minDaysSinceTest=1e3', undefined],
      ['GET', '/api/follow-ups?unknown=1', undefined],
    ];
    for (const [method, path, body] of bad) {
      const r = await call(t.url, method, path, { token, body });
      expect(r.status, `${method} ${path.slice(0, 80)}`).toBe(400);
      expect(r.body.code).toBe('VALIDATION_FAILED');
    }
    const staffBad: Array<[string, string, unknown]> = [
      ['POST', '/api/payout-runs', { from: 10, to: 5 }],
      ['POST', '/api/payout-runs', { from: 'yesterday', to: 5 }],
      ['POST', `/api/payout-runs/${runId}/paid`, { reference: ' ' }],
      ['POST', `/api/payout-runs/${runId}/paid`, { reference: 'x'.repeat(101) }],
    ];
    for (const [method, path, body] of staffBad) {
      const r = await call(t.url, method, path, { token: staff.token, body });
      expect(r.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(r.body.code).toBe('VALIDATION_FAILED');
    }
    const broken = await call(t.url, 'POST', f('/notes'), { token, raw: '{"body": "unterminated' });
    expect(broken.status).toBe(400);
    const huge = await call(t.url, 'POST', f('/notes'), {
      token,
      raw: JSON.stringify({ body: 'x'.repeat(70_000) }),
    });
    expect(huge).toMatchObject({ status: 413, body: { code: 'HTTP_BODY_TOO_LARGE' } });
    const d = await call(t.url, 'GET', f(), { token });
    expect(d.body.followUp).toMatchObject({ stage: 'new', ownerId: m1.person.id });
    expect((d.body.notes as unknown[]).length).toBe(1);
    expect((d.body.tasks as unknown[]).length).toBe(1);
    const run = await call<Array<{ runId: string; status: string }>>(t.url, 'GET', '/api/payout-runs', {
      token: staff.token,
    });
    expect(run.body.find((r) => r.runId === runId)?.status).toBe('frozen');
  });
});
