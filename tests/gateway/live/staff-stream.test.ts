// The /staff stream: staff see every channel's figures plus viewers now; a channel manager's socket
// only ever receives figures computed from their own channel — asserted on every frame received.
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../loadtest/clients/wait-for.ts';
import { postOk } from '../../helpers/http-call.ts';
import { type LiveNode, ok, socketTo, startLiveNode } from '../../helpers/live-platform.ts';
import { seedPerson, testTokens } from '../../helpers/people.ts';
import { PICKUP } from '../../helpers/sales.ts';

const tokens = testTokens();

interface Figures {
  sessions: Array<{
    sessionId: string;
    uniqueViewers: number;
    clicks: number;
    ordersPlaced: number;
    viewersNow?: number;
  }>;
  devices?: unknown;
  media?: unknown;
}

describe('/staff figures per audience', () => {
  let node: LiveNode;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    node = await startLiveNode();
  }, 30_000);
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await node?.close();
  });

  it('a channel manager never receives another channel’s numbers', async () => {
    const { store } = node.platform;
    const staff = await seedPerson(store, tokens, { roles: ['staff'] });
    const host = await seedPerson(store, tokens, { roles: ['host'] });
    const m1 = await seedPerson(store, tokens, { roles: ['channel_manager'] });
    const m2 = await seedPerson(store, tokens, { roles: ['channel_manager'] });
    const call = (token: string, p: string, body: unknown = {}) => postOk(node.url, token, p, body);
    const c1 = await call(staff.token, '/api/channels', {
      name: 'Clinic A',
      managerId: m1.person.id,
      commissionBps: 500,
    });
    const c2 = await call(staff.token, '/api/channels', {
      name: 'Clinic B',
      managerId: m2.person.id,
      commissionBps: 700,
    });
    const product = await call(staff.token, '/api/products', {
      titles: { en: 'Probiotic', 'zh-Hans': '益生菌', 'zh-Hant': '益生菌' },
      skus: [{ code: 'PB-1', priceMinor: 5_000, currency: 'CNY', stock: 100 }],
    });
    const session = await call(host.token, '/api/live-sessions', { title: 'Gut health' });
    const sessionId = session.sessionId as string;
    await call(host.token, `/api/live-sessions/${sessionId}/go-live`);
    const skuId = (product.skus as Array<{ skuId: string }>)[0]!.skuId;
    const card = await call(host.token, `/api/live-sessions/${sessionId}/cards`, { skuId, quantity: 50 });
    const cardId = card.cardId as string;
    await call(host.token, `/api/live-sessions/${sessionId}/cards/${cardId}/pin`);

    const frames = new Map<string, Figures[]>();
    for (const [name, token] of [
      ['staff', staff.token],
      ['m1', m1.token],
      ['m2', m2.token],
    ] as const) {
      const list: Figures[] = [];
      frames.set(name, list);
      const s = await socketTo(node.url, '/staff', token, {
        listen: (s) => {
          s.on('staff:snapshot', (f: Figures) => list.push(f));
          s.on('staff:update', (f: Figures) => list.push(f));
        },
      });
      sockets.push(s);
    }
    // A member is not staff: refused at the handshake.
    const member = await seedPerson(store, tokens);
    await expect(socketTo(node.url, '/staff', member.token)).rejects.toMatchObject({
      data: { code: 'FORBIDDEN' },
    });

    // Clinic A: 2 viewers, 1 click, 1 order. Clinic B: 3 viewers, 2 clicks.
    const join = async (ch: string, i: number, token?: string) => {
      const v = await socketTo(node.url, '/live', token);
      sockets.push(v);
      await ok(v, 'live:join', { sessionId, viewerId: `staff-test-${ch}-${i}`, ch });
      return v;
    };
    const buyer = await seedPerson(store, tokens, { channelId: c1.id as string });
    const a1 = await join(c1.inviteCode as string, 1, buyer.token);
    await join(c1.inviteCode as string, 2);
    const b = await Promise.all([1, 2, 3].map((i) => join(c2.inviteCode as string, i)));
    a1.emit('card:click', { sessionId, cardId });
    b[0]!.emit('card:click', { sessionId, cardId });
    b[1]!.emit('card:click', { sessionId, cardId });
    const placed = await a1.timeout(5000).emitWithAck('order:place', {
      sessionId,
      idempotencyKey: 'staff-order-1',
      order: { cardId, quantity: 1, fulfilment: PICKUP },
    });
    expect(placed.status).toBe(201);

    const latest = (name: string) =>
      frames
        .get(name)!
        .at(-1)
        ?.sessions.find((s) => s.sessionId === sessionId);
    await waitFor(
      () =>
        latest('staff')?.uniqueViewers === 5 &&
        latest('staff')?.clicks === 3 &&
        latest('staff')?.ordersPlaced === 1,
    );
    await waitFor(
      () =>
        latest('m1')?.uniqueViewers === 2 && latest('m1')?.ordersPlaced === 1 && latest('m1')?.clicks === 1,
    );
    await waitFor(() => latest('m2')?.uniqueViewers === 3 && latest('m2')?.clicks === 2);
    expect(latest('staff')?.viewersNow).toBe(5);

    for (const f of frames.get('m1')!) {
      expect(f.devices).toBeUndefined();
      expect(f.media).toBeUndefined();
      for (const s of f.sessions) {
        expect(s.viewersNow).toBeUndefined();
        expect(s.uniqueViewers).toBeLessThanOrEqual(2);
        expect(s.clicks).toBeLessThanOrEqual(1);
      }
    }
    for (const f of frames.get('m2')!) {
      for (const s of f.sessions) {
        expect(s.viewersNow).toBeUndefined();
        expect(s.uniqueViewers).toBeLessThanOrEqual(3);
        expect(s.clicks).toBeLessThanOrEqual(2);
        expect(s.ordersPlaced).toBe(0);
      }
    }
  }, 60_000);
});
