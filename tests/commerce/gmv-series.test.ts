// Paid GMV per bucket, on both stores: every bucket of the period from its start (empty ones 0), sales
// summed in the bucket their payment fell in (edges included at the start, excluded at the end), a
// manager's series over their channels only, and too many buckets refused with a coded error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metrics } from '../../commerce/internals.ts';
import { isVitaliveError } from '../../protocols/index.ts';
import { seedChannel } from '../helpers/ledger.ts';
import { openTestStore, STORE_BACKENDS, seedPerson, type TestStore, testTokens } from '../helpers/people.ts';

const tokens = testTokens();
const FROM = 1_796_000_000_000;
const MIN = 60_000;

describe.each(STORE_BACKENDS)('paid GMV series on $name', ({ name }) => {
  let t: TestStore;
  let metrics: Metrics;
  let c1: string;
  let manager: { personId: string; roles: Array<'channel_manager'> };
  const staff = { personId: 'staff', roles: ['staff' as const] };

  beforeAll(async () => {
    t = await openTestStore(name);
    metrics = new Metrics(t.store);
    const m = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    manager = { personId: m.person.id, roles: ['channel_manager'] };
    c1 = await seedChannel(t.store, { commissionBps: 0, managerId: m.person.id });
    const sales: Array<[atMs: number, channel: string, minor: number]> = [
      [FROM - 1, c1, 1], // before the period
      [FROM, c1, 100], // on the first bucket's edge
      [FROM + MIN - 1, 'other', 200],
      [FROM + 2 * MIN + 30_000, c1, 400],
      [FROM + 2 * MIN + 59_999, 'other', 800],
      [FROM + 5 * MIN, c1, 1600], // on the period's end: out
    ];
    for (const [i, [at, channel, minor]] of sales.entries())
      await t.store.db
        .insertInto('order_facts')
        .values({
          order_id: `gmv-${i}`,
          person_id: 'buyer',
          channel_id: channel,
          session_id: null,
          referrer_id: null,
          event_id: null,
          reading_id: null,
          tested_at_ms: null,
          total_minor: minor,
          currency: 'CNY',
          commission_bps: 0,
          commission_minor: 0,
          paid_at_ms: at,
          refunded_at_ms: null,
        })
        .execute();
  }, 30_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  const period = { fromMs: FROM, toMs: FROM + 5 * MIN };

  it('sums each sale into the bucket its payment fell in, every bucket listed', async () => {
    const s = await metrics.gmv(staff, period, 'minute');
    expect(s).toMatchObject({ fromMs: FROM, toMs: FROM + 5 * MIN, bucketMs: MIN, currency: 'CNY' });
    expect(s.points.map((p) => [p.atMs - FROM, p.paidGmvMinor, p.ordersPaid])).toEqual([
      [0, 300, 2],
      [MIN, 0, 0],
      [2 * MIN, 1200, 2],
      [3 * MIN, 0, 0],
      [4 * MIN, 0, 0],
    ]);
  });

  it("gives a manager their channels' sales only", async () => {
    const s = await metrics.gmv(manager, period, 'minute');
    expect(s.points.map((p) => p.paidGmvMinor)).toEqual([100, 0, 400, 0, 0]);
  });

  it('refuses more than 1,500 buckets', async () => {
    const err = await metrics
      .gmv(staff, { fromMs: FROM, toMs: FROM + 1501 * MIN }, 'minute')
      .catch((e: unknown) => e);
    expect(isVitaliveError(err) && err.code).toBe('METRICS_PERIOD_INVALID');
    expect(
      (await metrics.gmv(staff, { fromMs: FROM, toMs: FROM + 1500 * MIN }, 'minute')).points,
    ).toHaveLength(1500);
  });
});
