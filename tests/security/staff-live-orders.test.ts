// The dashboard's live order list and paid-GMV series, by audience: staff see every order and all paid
// GMV; a channel manager only their channels' buyers' orders and GMV, over the same /staff stream and
// /api/metrics/gmv; naming another channel is 403, a member gets nothing, and bad periods are coded 400s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import type { LiveOrder, StaffFigures } from '../../protocols/index.ts';
import { call } from '../helpers/http-call.ts';
import { seedChannel } from '../helpers/ledger.ts';
import { type LiveNode, socketTo, startLiveNode, type TestSocket } from '../helpers/live-platform.ts';
import { type Seeded, seedPerson, seedStaff, testTokens } from '../helpers/people.ts';
import { liveCard, PICKUP } from '../helpers/sales.ts';

const tokens = testTokens();
const PRICE = 12_300;

describe('dashboard orders and paid GMV by audience', () => {
  let node: LiveNode;
  let staff: Seeded;
  let m1: Seeded;
  let m2: Seeded;
  let b1: Seeded;
  let b2: Seeded;
  let c1: string;
  let c2: string;
  const orderIds: Record<'b1' | 'b2', string> = { b1: '', b2: '' };
  const sockets: Array<TestSocket<'/staff'>> = [];
  const latest: Record<'staff' | 'm1' | 'm2', StaffFigures | undefined> = {
    staff: undefined,
    m1: undefined,
    m2: undefined,
  };
  let startMs = 0;

  beforeAll(async () => {
    startMs = Date.now();
    node = await startLiveNode();
    const store = node.platform.store;
    staff = await seedStaff(store, tokens);
    m1 = await seedPerson(store, tokens, { roles: ['channel_manager'] });
    m2 = await seedPerson(store, tokens, { roles: ['channel_manager'] });
    c1 = await seedChannel(store, { commissionBps: 1000, managerId: m1.person.id, name: 'North' });
    c2 = await seedChannel(store, { commissionBps: 1000, managerId: m2.person.id, name: 'South' });
    b1 = await seedPerson(store, tokens, { channelId: c1, displayName: 'Buyer North' });
    b2 = await seedPerson(store, tokens, { channelId: c2, displayName: 'Buyer South' });
    for (const [who, s] of [
      ['staff', staff],
      ['m1', m1],
      ['m2', m2],
    ] as const) {
      const socket = await socketTo(node.url, '/staff', s.token, {
        listen: (sock) => {
          sock.on('staff:snapshot', (f) => {
            latest[who] = f;
          });
          sock.on('staff:update', (f) => {
            latest[who] = f;
          });
        },
      });
      sockets.push(socket);
    }
    const { card } = await liveCard(store, tokens, { units: 10, priceMinor: PRICE });
    for (const [who, buyer] of [
      ['b1', b1],
      ['b2', b2],
    ] as const) {
      const placed = await call<{ orderId: string }>(node.url, 'POST', '/api/orders', {
        token: buyer.token,
        headers: { 'idempotency-key': `live-orders-${who}` },
        body: { cardId: card.cardId, quantity: 1, provider: 'manual', fulfilment: PICKUP },
      });
      expect(placed.status).toBe(201);
      orderIds[who] = placed.body.orderId;
    }
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await node?.close();
  });

  const ordersOf = (who: 'staff' | 'm1' | 'm2'): LiveOrder[] => latest[who]?.orders ?? [];
  const has = (who: 'staff' | 'm1' | 'm2', orderId: string, status: string) =>
    ordersOf(who).some((o) => o.orderId === orderId && o.status === status);

  it("streams new orders live: staff see all, a manager only their channels' buyers", async () => {
    await waitFor(() => has('staff', orderIds.b1, 'placed') && has('staff', orderIds.b2, 'placed'));
    await waitFor(() => has('m1', orderIds.b1, 'placed') && has('m2', orderIds.b2, 'placed'));
    const mine = ordersOf('m1').find((o) => o.orderId === orderIds.b1)!;
    expect(mine).toMatchObject({
      buyerName: 'Buyer North',
      channelId: c1,
      channelName: 'North',
      totalMinor: PRICE,
      currency: 'CNY',
      quantity: 1,
    });
    expect(mine.productTitles.en).toBe('Protein shake');

    // A payment moves the row's status on the stream, without a reload.
    for (const id of [orderIds.b1, orderIds.b2]) {
      const paid = await call(node.url, 'POST', `/api/orders/${id}/confirm-payment`, { token: staff.token });
      expect(paid.status).toBe(200);
    }
    await waitFor(() => has('staff', orderIds.b1, 'paid') && has('staff', orderIds.b2, 'paid'));
    await waitFor(() => has('m1', orderIds.b1, 'paid') && has('m2', orderIds.b2, 'paid'));
    // The orders page lists them by buyer and product, not by id.
    const listed = await call<Array<{ orderId: string; buyerName: string; productTitles: { en: string } }>>(
      node.url,
      'GET',
      '/api/orders?limit=10',
      { token: staff.token },
    );
    expect(listed.body.find((o) => o.orderId === orderIds.b2)).toMatchObject({
      buyerName: 'Buyer South',
      productTitles: { en: 'Protein shake' },
    });
    // The other channel's order reached each manager's stream in no frame at all.
    expect(ordersOf('m1').map((o) => o.orderId)).toEqual([orderIds.b1]);
    expect(ordersOf('m2').map((o) => o.orderId)).toEqual([orderIds.b2]);
  });

  it("sums paid GMV per minute on the server, a manager's over their channels only", async () => {
    const from = Math.floor(startMs / 60_000) * 60_000 - 60 * 60_000;
    const to = from + 2 * 60 * 60_000;
    const gmv = (token: string, extra = '') =>
      call<{
        bucketMs: number;
        currency: string | null;
        points: Array<{ atMs: number; paidGmvMinor: number }>;
      }>(node.url, 'GET', `/api/metrics/gmv?from=${from}&to=${to}&bucket=minute${extra}`, { token });
    const sum = (points: Array<{ paidGmvMinor: number }>) => points.reduce((a, p) => a + p.paidGmvMinor, 0);
    // The rollup consumer writes the paid orders' facts shortly after the payments.
    await waitFor(async () => sum((await gmv(staff.token)).body.points) === 2 * PRICE);
    const all = await gmv(staff.token);
    expect(all.body).toMatchObject({ bucketMs: 60_000, currency: 'CNY' });
    expect(all.body.points).toHaveLength(120);
    expect(all.body.points[0]!.atMs).toBe(from);
    expect(all.body.points[119]!.atMs).toBe(to - 60_000);
    // Both payments land in the minutes after the test started, none before.
    const paidAt = all.body.points.filter((p) => p.paidGmvMinor > 0);
    expect(paidAt.every((p) => p.atMs >= from + 60 * 60_000)).toBe(true);

    expect(sum((await gmv(m1.token)).body.points)).toBe(PRICE);
    expect(sum((await gmv(m2.token)).body.points)).toBe(PRICE);
    expect(sum((await gmv(staff.token, `&channelId=${c2}`)).body.points)).toBe(PRICE);
  });

  it('refuses another channel, members, bad buckets and periods too long for the bucket', async () => {
    const now = Date.now();
    const url = (q: string) => `/api/metrics/gmv?${q}`;
    const other = await call(node.url, 'GET', url(`bucket=hour&channelId=${c2}`), { token: m1.token });
    expect(other).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    const member = await call(node.url, 'GET', url('bucket=hour'), { token: b1.token });
    expect(member.status).toBe(403);
    const anonymous = await call(node.url, 'GET', url('bucket=hour'));
    expect(anonymous.status).toBe(401);
    const second = await call(node.url, 'GET', url('bucket=second'), { token: staff.token });
    expect(second).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const tooMany = await call(node.url, 'GET', url(`bucket=minute&from=${now - 2 * 86_400_000}&to=${now}`), {
      token: staff.token,
    });
    expect(tooMany).toMatchObject({ status: 400, body: { code: 'METRICS_PERIOD_INVALID' } });
    const backwards = await call(node.url, 'GET', url(`bucket=hour&from=${now}&to=${now - 1}`), {
      token: staff.token,
    });
    expect(backwards).toMatchObject({ status: 400, body: { code: 'METRICS_PERIOD_INVALID' } });
    const extra = await call(node.url, 'GET', url('bucket=hour&sql=1'), { token: staff.token });
    expect(extra.status).toBe(400);
  });
});
