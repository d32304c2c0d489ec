// The follow-up and payout-run routes over HTTP on both store backends: a channel invitation opens a
// record that the list, its filters and the CSV export show alike (notes only with consent); stage,
// owner, notes and tasks change it; trials follow the health-data rule (values for staff with consent,
// audited; the direction for managers with consent; nothing without; the member always sees their own);
// trial aggregates reach managers only from five people; payout runs are made, exported, paid and read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPosition } from '../../commerce/events/index.ts';
import { releaseDue } from '../../commerce/internals.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { type ApiPlatform, startApiPlatform } from '../helpers/api-platform.ts';
import { rangedCard, trialBuyer } from '../helpers/follow-ups.ts';
import { call } from '../helpers/http-call.ts';
import { actorOf, placeOrder, seedChannel } from '../helpers/ledger.ts';
import { type Seeded, STORE_BACKENDS, seedPerson, seedStaff, testTokens } from '../helpers/people.ts';
import { liveCard, testOrders } from '../helpers/sales.ts';

const tokens = testTokens();

type Row = Record<string, unknown> & { followUpId: string; personId: string };

describe.each(STORE_BACKENDS)('follow-up API on $name', ({ name }) => {
  let t: ApiPlatform;
  let staff: Seeded;
  let m1: Seeded;
  let c1: string;

  beforeAll(async () => {
    t = await startApiPlatform(name, { delivery: true });
    staff = await seedStaff(t.store, tokens);
    m1 = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    c1 = await seedChannel(t.store, { commissionBps: 1000, managerId: m1.person.id, name: 'C1' });
  }, 30_000);
  afterAll(() => t?.close());

  /** Waits until the follow-up, rollup and ledger consumers have seen every event written so far. */
  async function settled(): Promise<void> {
    for (;;) {
      const last = await t.store.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirstOrThrow();
      t.bus!.notify();
      for (const c of ['follow-ups', 'conversion-rollups', 'ledger'])
        await waitFor(async () => (await readPosition(t.store.db, c)) >= Number(last.id ?? 0));
      const again = await t.store.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirstOrThrow();
      // The follow-up consumer appends events of its own; settled once nothing new arrived.
      if (Number(again.id) === Number(last.id)) return;
    }
  }

  let n = 0;
  async function invite(consent = false): Promise<Row> {
    const email = `invitee-${++n}-${name}@example.test`;
    const r = await call(t.url, 'POST', `/api/channels/${c1}/invitations`, {
      token: m1.token,
      body: { displayName: `Invitee ${n}`, email },
    });
    // The answer does not say who holds the contact; the prospect it made is read from the store.
    expect(r.status).toBe(202);
    const { id: personId } = await t.store.db
      .selectFrom('people')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    if (consent)
      await t.store.db
        .updateTable('people')
        .set({ consent_health_data: 1 })
        .where('id', '=', personId)
        .execute();
    // The manager's invitation is held back until the person acts: staff vouch for them at the desk.
    const vouched = await call(t.url, 'POST', `/api/people/${personId}/contacts/email/vouch`, {
      token: staff.token,
    });
    expect(vouched.status).toBe(200);
    await settled();
    const list = await call<{ rows: Row[] }>(t.url, 'GET', `/api/follow-ups?q=Invitee%20${n}`, {
      token: m1.token,
    });
    const row = list.body.rows.find((x) => x.personId === personId);
    expect(row).toBeDefined();
    return row!;
  }

  it('lists, changes and exports follow-ups; the CSV is exactly the filtered list, notes only with consent', async () => {
    const a = await invite(true);
    const b = await invite(false);
    const c = await invite(false);
    const path = (id: string, rest = '') => `/api/follow-ups/${id}${rest}`;
    expect(
      (
        await call(t.url, 'POST', path(a.followUpId, '/stage'), {
          token: m1.token,
          body: { stage: 'contacted' },
        })
      ).status,
    ).toBe(200);
    await call(t.url, 'POST', path(b.followUpId, '/stage'), {
      token: m1.token,
      body: { stage: 'contacted' },
    });
    const lost = await call(t.url, 'POST', path(c.followUpId, '/stage'), {
      token: m1.token,
      body: { stage: 'lost' },
    });
    expect(lost).toMatchObject({ status: 400, body: { code: 'FOLLOW_UP_LOST_REASON_REQUIRED' } });
    for (const row of [a, b])
      expect(
        (
          await call(t.url, 'POST', path(row.followUpId, '/notes'), {
            token: m1.token,
            body: { body: 'Asked about the trial' },
          })
        ).status,
      ).toBe(201);
    const task = await call(t.url, 'POST', path(a.followUpId, '/tasks'), {
      token: m1.token,
      body: { kind: 'call', dueAtMs: Date.now() + 3_600_000, nextContact: true },
    });
    expect(task.status).toBe(201);
    const done = await call(t.url, 'PUT', path(a.followUpId, `/tasks/${task.body.taskId}/done`), {
      token: m1.token,
      body: { done: true },
    });
    expect(done.body).toMatchObject({ doneBy: m1.person.id });
    const colleague = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    const assigned = await call(t.url, 'POST', '/api/follow-ups/assign', {
      token: m1.token,
      body: { followUpIds: [a.followUpId, b.followUpId], ownerId: colleague.person.id },
    });
    expect(assigned.body).toEqual({ changed: 2 });

    const query = `stage=contacted&ownerId=${colleague.person.id}&sort=name&order=asc`;
    const json = await call<{ total: number; rows: Row[] }>(t.url, 'GET', `/api/follow-ups?${query}`, {
      token: m1.token,
    });
    expect(json.body.total).toBe(2);
    expect(json.body.rows.map((r) => r.followUpId)).toEqual([a.followUpId, b.followUpId]);
    const csv = await fetch(`${t.url}/api/follow-ups?${query}&format=csv&includeNotes=true`, {
      headers: { authorization: `Bearer ${m1.token}` },
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe(
      'followUpId,personId,displayName,memberCode,channelName,ownerName,stage,lostReason,nextDueAtMs,invitedAtMs,attendedAtMs,lastTestAtMs,firstPaidAtMs,updatedAtMs,notes',
    );
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([a.followUpId, b.followUpId]);
    // a consented: their note is exported; b did not: the column stays empty.
    expect(lines[1]).toMatch(/Asked about the trial/);
    expect(lines[2]).not.toMatch(/Asked about the trial/);
    expect(lines[2]!.endsWith(',')).toBe(true);

    const detail = await call(t.url, 'GET', path(a.followUpId), { token: m1.token });
    expect(detail.status).toBe(200);
    expect(detail.body.followUp).toMatchObject({ stage: 'contacted', ownerId: colleague.person.id });
    expect((detail.body.history as Array<{ kind: string }>).map((h) => h.kind)).toEqual([
      'created',
      'milestone',
      'stage',
      'note',
      'task',
      'task',
      'owner',
    ]);
  });

  it('trials follow the health-data rule; aggregates reach a manager only from five people', async () => {
    const { card } = await rangedCard(t.store, tokens);
    const buyers = [];
    for (let i = 0; i < 4; i++)
      buyers.push(
        await trialBuyer(t.store, tokens, {
          cardId: card.cardId,
          channelId: c1,
          consent: true,
          before: 33.4,
          after: 31.3 - i * 0.1,
          staff,
        }),
      );
    const without = await trialBuyer(t.store, tokens, {
      cardId: card.cardId,
      channelId: c1,
      consent: false,
      before: 33,
      after: 30,
      staff,
    });
    await settled();
    const rowOf = async (personId: string) => {
      const list = await call<{ rows: Row[] }>(t.url, 'GET', '/api/follow-ups?limit=200', {
        token: staff.token,
      });
      return list.body.rows.find((r) => r.personId === personId)!;
    };
    const first = await rowOf(buyers[0]!.buyer.person.id);
    expect(first.stage).toBe('bought');

    const asStaff = await call<{ healthData: string; trials: Array<{ changes: unknown[] }> }>(
      t.url,
      'GET',
      `/api/follow-ups/${first.followUpId}`,
      { token: staff.token },
    );
    expect(asStaff.body.healthData).toBe('values');
    expect(asStaff.body.trials[0]!.changes).toEqual([
      expect.objectContaining({
        metric: 'BODY_FAT_PCT',
        before: 33.4,
        after: 31.3,
        change: -2.1,
        direction: 'improved',
      }),
    ]);
    const audit = await t.store.db
      .selectFrom('readings_access_log')
      .select(['actor_id', 'action'])
      .where('person_id', '=', buyers[0]!.buyer.person.id)
      .execute();
    expect(audit).toEqual([{ actor_id: staff.person.id, action: 'read_trial' }]);

    const asManager = await call<{ healthData: string; trials: Array<{ changes: unknown[] }> }>(
      t.url,
      'GET',
      `/api/follow-ups/${first.followUpId}`,
      { token: m1.token },
    );
    expect(asManager.body.healthData).toBe('direction');
    expect(asManager.body.trials[0]!.changes).toEqual([{ metric: 'BODY_FAT_PCT', direction: 'improved' }]);

    const other = await rowOf(without.buyer.person.id);
    for (const token of [staff.token, m1.token]) {
      const d = await call(t.url, 'GET', `/api/follow-ups/${other.followUpId}`, { token });
      expect(d.body).toMatchObject({ healthData: 'none', trials: [] });
    }
    // The member always sees their own, with values.
    const mine = await call<Array<{ changes: unknown[] }>>(t.url, 'GET', '/api/me/trials', {
      token: without.buyer.token,
    });
    expect(mine.body[0]!.changes).toEqual([expect.objectContaining({ before: 33, after: 30, change: -3 })]);

    // Four consenting people: staff see the figure, the manager does not; a fifth makes it visible.
    const figures = (token: string) => call<unknown[]>(t.url, 'GET', '/api/follow-ups/trials', { token });
    expect((await figures(staff.token)).body).toEqual([
      expect.objectContaining({
        channelId: c1,
        people: 4,
        metrics: [{ metric: 'BODY_FAT_PCT', people: 4, medianChange: -2.25, towardsRangeShare: 1 }],
      }),
    ]);
    expect((await figures(m1.token)).body).toEqual([]);
    await trialBuyer(t.store, tokens, {
      cardId: card.cardId,
      channelId: c1,
      consent: true,
      before: 30,
      after: 31,
      staff,
    });
    await settled();
    expect((await figures(m1.token)).body).toEqual([
      expect.objectContaining({
        people: 5,
        metrics: [{ metric: 'BODY_FAT_PCT', people: 5, medianChange: -2.2, towardsRangeShare: 0.8 }],
      }),
    ]);
  });

  it('payout runs: staff create, export and mark paid; the manager reads the statement; members see credit earned and spent', async () => {
    const channelId = await seedChannel(t.store, {
      commissionBps: 1000,
      managerId: m1.person.id,
      name: 'Runs',
    });
    const referrer = await seedPerson(t.store, tokens, { tier: 'basic' });
    const buyer = await seedPerson(t.store, tokens, { channelId, referredBy: referrer.person.id });
    const { card } = await liveCard(t.store, tokens, { units: 2, priceMinor: 10_000 });
    const orders = testOrders(t.store);
    const order = await placeOrder(orders, buyer, card.cardId);
    await orders.confirmManualPayment(actorOf(staff), order.orderId);
    await settled();
    await releaseDue(t.store, Date.now() + 8 * 86_400_000);
    const from = 0;
    const to = Date.now() + 1;
    const created = await call(t.url, 'POST', '/api/payout-runs', {
      token: staff.token,
      body: { from, to },
    });
    expect(created.status).toBe(201);
    const runId = created.body.runId as string;
    const csv = await fetch(`${t.url}/api/payout-runs/${runId}/statement?format=csv`, {
      headers: { authorization: `Bearer ${m1.token}` },
    });
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe(
      'runId,status,accountKind,accountId,accountName,currency,orders,gmvMinor,refundedOrders,refundedGmvMinor,commissionMinor,adjustmentsMinor,payableMinor,paidReference,paidAtMs',
    );
    expect(lines.find((l) => l.includes(channelId))).toBe(
      `${runId},frozen,channel,${channelId},Runs,CNY,1,10000,0,0,1000,0,1000,,`,
    );
    const paid = await call(t.url, 'POST', `/api/payout-runs/${runId}/paid`, {
      token: staff.token,
      body: { reference: 'BANK-2026-12-07' },
    });
    expect(paid.body).toMatchObject({ status: 'paid', paidReference: 'BANK-2026-12-07' });
    const again = await call(t.url, 'POST', `/api/payout-runs/${runId}/paid`, {
      token: staff.token,
      body: { reference: 'BANK-2026-12-07' },
    });
    expect(again).toMatchObject({ status: 409, body: { code: 'PAYOUT_RUN_ALREADY_PAID' } });
    const runs = await call<Array<{ runId: string; status: string }>>(t.url, 'GET', '/api/payout-runs', {
      token: m1.token,
    });
    expect(runs.body.find((r) => r.runId === runId)).toMatchObject({ status: 'paid' });
    const report = await call<{ rows: Array<Record<string, unknown>> }>(
      t.url,
      'GET',
      `/api/payouts?from=${from}&to=${to}&channelId=${channelId}`,
      { token: m1.token },
    );
    expect(report.body.rows).toEqual([
      expect.objectContaining({ availableMinor: 0, frozenMinor: 0, paidOutMinor: 1000 }),
    ]);
    const credit = await call<{ summary: unknown[] }>(t.url, 'GET', '/api/me/credit', {
      token: referrer.token,
    });
    expect(credit.body.summary).toEqual([
      {
        currency: 'CNY',
        earnedMinor: 300,
        spentMinor: 0,
        pendingMinor: 0,
        availableMinor: 300,
        frozenMinor: 0,
        paidOutMinor: 0,
      },
    ]);
  });
});
