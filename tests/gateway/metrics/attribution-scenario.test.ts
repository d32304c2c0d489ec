// The scripted attribution scenario (see tests/helpers/attribution-scenario.ts) yields exactly the
// hand-computed figures on SQLite and on PostgreSQL, through /api/metrics.
//
// Hand computation. C1 (10 %): invitees a0..a19; checked in a0..a11; tested at the event a0..a7 and
// a12 (whose reading is their attendance) → invited 20, attended 13, tested 9. Paid: a0 199.00,
// a2 2 × 199.00, a3 199.00 (refunded) → bought 3, paid 796.00, refunded 199.00, commission
// 79.60 − 19.90 = 59.70. C2 (5 %): invitees b0..b9; checked in b0..b4; tested at the event b0..b2,
// b5 at a clinic → invited 10, attended 5, tested 4. Paid: b0 twice, b5 once → bought 2, 597.00,
// commission 29.85. Event: C1 bought 3 (all tested there), C2 bought 1 (b0; b5 tested elsewhere).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../../loadtest/clients/postgres.ts';
import { runScenario, type Scenario } from '../../helpers/attribution-scenario.ts';
import { call } from '../../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../../helpers/live-platform.ts';

describe.each([{ name: 'sqlite' }, { name: 'postgres' }])('attribution scenario on $name', ({ name }) => {
  let node: LiveNode;
  let pg: ScratchDatabase | undefined;
  let s: Scenario;
  const get = async (token: string, p: string) => {
    const r = await call(node.url, 'GET', p, { token });
    expect(r.status, `${p}: ${JSON.stringify(r.body)}`).toBe(200);
    return r.body as Record<string, unknown> & Array<Record<string, unknown>>;
  };

  beforeAll(async () => {
    pg = name === 'postgres' ? await createScratchDatabase() : undefined;
    node = await startLiveNode(pg ? { DATABASE_URL: pg.url } : {});
    s = await runScenario(node);
  }, 120_000);
  afterAll(async () => {
    for (const v of s?.sockets ?? []) v.disconnect();
    await node?.close();
    await pg?.drop();
  });

  it('check-in is idempotent', () => {
    expect(s.repeatedCheckIn.status).toBe(200);
    expect(s.repeatedCheckIn.body).toMatchObject({
      firstTime: false,
      via: 'check_in',
      personId: s.a[0]!.personId,
    });
  });

  it('per channel: invited → attended → tested → bought → GMV → commission', async () => {
    const rows = await get(s.staff.token, '/api/metrics/channels');
    const c1 = rows.find((r) => r.channelId === s.c1);
    const c2 = rows.find((r) => r.channelId === s.c2);
    expect(c1).toEqual({
      channelId: s.c1,
      invited: 20,
      attended: 13,
      tested: 9,
      // No one in this story booked an expert.
      consulted: 0,
      bought: 3,
      ordersPaid: 3,
      refunds: 1,
      paidGmvMinor: 79_600,
      refundedGmvMinor: 19_900,
      netGmvMinor: 59_700,
      commissionMinor: 5_970,
      commissionReversedMinor: 1_990,
    });
    expect(c2).toEqual({
      channelId: s.c2,
      invited: 10,
      attended: 5,
      tested: 4,
      consulted: 0,
      bought: 2,
      ordersPaid: 3,
      refunds: 0,
      paidGmvMinor: 59_700,
      refundedGmvMinor: 0,
      netGmvMinor: 59_700,
      commissionMinor: 2_985,
      commissionReversedMinor: 0,
    });
    // The ledger's channel entries (posted by its own consumer) agree with the rollup's commission.
    for (const [channel, expected] of [
      [s.c1, 5_970],
      [s.c2, 2_985],
    ] as const) {
      const owed = await node.platform.store.db
        .selectFrom('ledger_entries')
        .select((eb) => eb.fn.sum<number>('amount_minor').as('n'))
        .where('account_kind', '=', 'channel')
        .where('account_id', '=', channel)
        .where('status', 'in', ['pending', 'available'])
        .executeTakeFirst();
      expect(Number(owed?.n ?? 0)).toBe(expected);
    }
    const one = await get(s.m1.token, `/api/metrics/channels/${s.c1}`);
    expect(one.total).toEqual(c1);
    expect((one.days as unknown[]).length).toBe(1);
  });

  it('per event, with purchases attributed to the test taken there', async () => {
    const e = await get(s.staff.token, `/api/metrics/events/${s.eventId}`);
    const rows = e.channels as Array<Record<string, number | string>>;
    expect(rows.find((r) => r.channelId === s.c1)).toMatchObject({
      invited: 20,
      attended: 13,
      tested: 9,
      bought: 3,
      ordersPaid: 3,
      paidGmvMinor: 79_600,
      refundedGmvMinor: 19_900,
      commissionMinor: 5_970,
    });
    expect(rows.find((r) => r.channelId === s.c2)).toMatchObject({
      invited: 10,
      attended: 5,
      tested: 3,
      bought: 1,
      ordersPaid: 2,
      paidGmvMinor: 39_800,
      commissionMinor: 1_990,
    });
    expect(e.total).toMatchObject({ invited: 30, attended: 18, tested: 12, bought: 4, netGmvMinor: 99_500 });
    // The channel manager of C2 reads the same event, only their own row.
    const mine = await get(s.m2.token, `/api/metrics/events/${s.eventId}`);
    expect((mine.channels as unknown[]).length).toBe(1);
    expect(mine.total).toMatchObject({ invited: 10, attended: 5, tested: 3, bought: 1 });
  });

  it('per live session: viewers, impressions, clicks, orders, paid GMV, conversion', async () => {
    const f = await get(s.staff.token, `/api/metrics/sessions/${s.sessionId}`);
    expect(f).toMatchObject({
      uniqueViewers: 8,
      impressions: 8,
      clickers: 7,
      clicks: 7,
      buyers: 6,
      ordersPlaced: 7,
      ordersPaid: 6,
      ordersRefunded: 1,
      paidGmvMinor: 139_300,
      refundedGmvMinor: 19_900,
      currency: 'CNY',
      peakViewers: 8,
      conversion: { joinToClick: 0.875, clickToOrder: 0.8571, orderToPaid: 0.8571, joinToPaid: 0.75 },
    });
    // C1's manager: Alice, a2, a3, a15 and the anonymous viewer on C1's link.
    const c1 = await get(s.m1.token, `/api/metrics/sessions/${s.sessionId}`);
    expect(c1).toMatchObject({ uniqueViewers: 5, clicks: 5, buyers: 4, ordersPlaced: 4, ordersPaid: 3 });
    expect(c1.peakViewers).toBeUndefined();
  });

  it('per referrer: Bob referred Alice, who paid 199.00', async () => {
    const bob = await get(s.staff.token, `/api/metrics/referrers/${s.bob.personId}`);
    expect(bob).toEqual({
      referrerId: s.bob.personId,
      signups: 1,
      ordersPaid: 1,
      refunds: 0,
      paidGmvMinor: 19_900,
      refundedGmvMinor: 0,
      netGmvMinor: 19_900,
      // The ledger's referral credit: basic tier, 3 % of 199.00, inside the refund window.
      credit: [{ currency: 'CNY', pendingMinor: 597, availableMinor: 0 }],
    });
    const list = await get(s.m1.token, '/api/metrics/referrers');
    expect(list.map((r) => r.referrerId)).toEqual([s.bob.personId]);
  });

  it('AARRR for the period', async () => {
    const r = await get(s.staff.token, '/api/metrics/aarrr');
    expect(r.acquisition).toEqual({
      newPeople: 30,
      byChannel: [
        { channelId: s.c1, newPeople: 20 },
        { channelId: s.c2, newPeople: 10 },
      ].sort((x, y) => x.channelId.localeCompare(y.channelId)),
    });
    expect(r.activation).toEqual({ activated: 13 });
    expect(r.retention).toEqual({ firstBuyers: 5, repeat30: 1, repeat90: 1, rate30: 0.2, rate90: 0.2 });
    expect(r.referral).toEqual({ signups: 7, referredSignups: 1, referredShare: 0.1429 });
    expect(r.revenue).toEqual({
      paidGmvMinor: 139_300,
      refundedGmvMinor: 19_900,
      netGmvMinor: 119_400,
      userBase: 30,
      arpuMinor: 3_980,
    });
    const c2 = await get(s.m2.token, `/api/metrics/aarrr?channelId=${s.c2}`);
    expect(c2.acquisition).toMatchObject({ newPeople: 10 });
    expect(c2.retention).toMatchObject({ firstBuyers: 2, repeat30: 1 });
  });

  it('follow-ups: tested, not bought since, with channel and referrer', async () => {
    const rows = await get(s.staff.token, '/api/metrics/follow-ups?days=7');
    // Tested 13, of whom a0, a2, a3, b0, b5 paid afterwards.
    expect(rows.length).toBe(8);
    const ids = new Set(rows.map((r) => r.personId));
    for (const p of [s.a[0]!, s.a[2]!, s.a[3]!, s.b[0]!, s.b[5]!]) expect(ids.has(p.personId)).toBe(false);
    expect(ids.has(s.a[12]!.personId)).toBe(true);
    // A manager sees only people who gave health-data consent; none of the invitees has yet.
    expect(await get(s.m2.token, '/api/metrics/follow-ups')).toEqual([]);
    await node.platform.store.db
      .updateTable('people')
      .set({ consent_health_data: 1, consent_health_data_at_ms: Date.now() })
      .where('id', 'in', [s.b[1]!.personId, s.b[2]!.personId])
      .execute();
    const mine = await get(s.m2.token, '/api/metrics/follow-ups');
    expect(mine.map((r) => r.channelId)).toEqual([s.c2, s.c2]);
  });
});
