// Device-to-purchase attribution: a paid order counts for the buyer's latest test (and its event) only
// when paid within the window after it; the commission is the channel rate at payment time.
import { afterEach, describe, expect, it } from 'vitest';
import { conversionRollupConsumer, type DomainEvent } from '../../commerce/internals.ts';
import { openTestStore, STORE_BACKENDS, seedPerson, type TestStore, testTokens } from '../helpers/people.ts';

const DAY = 86_400_000;
const tokens = testTokens();

describe.each(STORE_BACKENDS)('attribution window on $name', ({ name }) => {
  let t: TestStore;
  afterEach(() => t?.cleanup());

  it('attributes a purchase within the window to the test and its event, not one after it', async () => {
    t = await openTestStore(name);
    const { store } = t;
    const staff = await seedPerson(store, tokens, { roles: ['staff'] });
    await store.db
      .insertInto('channels')
      .values({
        id: 'ch-1',
        name: 'C',
        manager_id: null,
        commission_bps: 1250,
        invite_code: 'ABCDEFGH',
        archived_at_ms: null,
        created_at_ms: 0,
        updated_at_ms: 0,
      })
      .execute();
    await store.db
      .insertInto('offline_events')
      .values({
        id: 'ev-1',
        title: 'E',
        venue: 'V',
        starts_at_ms: 0,
        created_by: staff.person.id,
        created_at_ms: 0,
      })
      .execute();
    const buyer = await seedPerson(store, tokens, { channelId: 'ch-1' });
    const consumer = conversionRollupConsumer({ attributionWindowMs: 7 * DAY });
    const t0 = Date.UTC(2026, 0, 10, 12);
    let id = 0;
    const apply = (type: DomainEvent['type'], payload: Record<string, unknown>, at: number) =>
      store.transaction((trx) =>
        consumer.handleInTransaction!(trx, {
          id: ++id,
          type,
          aggregateId: 'x',
          sessionId: null,
          sessionSeq: null,
          payload,
          createdAtMs: at,
        }),
      );
    const p = buyer.person.id;
    await apply(
      'reading.recorded',
      { readingId: 1, personId: p, eventId: 'ev-1', deviceId: 'd', measuredAtMs: t0 },
      t0,
    );
    await apply(
      'order.paid',
      { orderId: 'o-1', personId: p, totalMinor: 10_000, currency: 'CNY' },
      t0 + 6 * DAY,
    );
    await apply(
      'order.paid',
      { orderId: 'o-2', personId: p, totalMinor: 20_000, currency: 'CNY' },
      t0 + 8 * DAY,
    );
    await apply(
      'order.paid',
      { orderId: 'o-1', personId: p, totalMinor: 10_000, currency: 'CNY' },
      t0 + 6 * DAY,
    );

    const facts = await store.db.selectFrom('order_facts').selectAll().orderBy('order_id').execute();
    expect(facts.map((f) => [f.order_id, f.event_id, Number(f.commission_minor)])).toEqual([
      ['o-1', 'ev-1', 1_250],
      ['o-2', null, 2_500],
    ]);
    const ev = await store.db.selectFrom('event_funnel').selectAll().where('event_id', '=', 'ev-1').execute();
    expect(
      ev.map((r) => [
        r.channel_id,
        Number(r.attended),
        Number(r.tested),
        Number(r.bought),
        Number(r.paid_gmv_minor),
      ]),
    ).toEqual([['ch-1', 1, 1, 1, 10_000]]);
    // The second purchase came 2 days after the first: a repeat within 30 and 90 days.
    const daily = await store.db
      .selectFrom('channel_daily')
      .selectAll()
      .where('channel_id', '=', 'ch-1')
      .orderBy('day')
      .execute();
    const sum = (k: 'bought' | 'retained30' | 'orders_paid' | 'paid_gmv_minor') =>
      daily.reduce((a, r) => a + Number(r[k]), 0);
    expect([sum('bought'), sum('retained30'), sum('orders_paid'), sum('paid_gmv_minor')]).toEqual([
      1, 1, 2, 30_000,
    ]);
  });
});
