// Anonymous clients cannot inflate the live figures or push real events out. Fifty sockets from one
// address (127.0.0.2) flood `live:join` with made-up viewer ids, `card:impression` and `card:click`
// while a real member (from 127.0.0.1) joins through a channel link, clicks and orders: the real
// viewer's join, click and order are all counted in the session's funnel, and the flood counts at most
// once per viewer id the server actually minted for it.
import { randomUUID } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLiveFunnel } from '../../commerce/internals.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { postOk } from '../helpers/http-call.ts';
import { type LiveNode, ok, socketTo, startLiveNode, type TestSocket } from '../helpers/live-platform.ts';
import { seedPerson, testTokens } from '../helpers/people.ts';
import { TEST_METRICS_TOKEN } from '../helpers/platform-process.ts';
import { PICKUP } from '../helpers/sales.ts';

const tokens = testTokens();
const FLOODERS = 50;
/** Per flooding socket: joins with made-up ids, then impressions and clicks. */
const JOINS = 40;
const CARD_EVENTS = 1_000;

async function flooder(url: string): Promise<TestSocket<'/live'>> {
  const s: TestSocket<'/live'> = connect(`${url}/live`, {
    transports: ['websocket'],
    reconnection: false,
    // Fifty handshakes at once on a busy machine: allow them time.
    timeout: 60_000,
    // Another loopback address: the attacker is not the real viewer's IP.
    localAddress: '127.0.0.2',
  } as Parameters<typeof connect>[1]);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
  return s;
}

describe('a flood of anonymous live events', () => {
  let node: LiveNode;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    node = await startLiveNode();
  }, 30_000);
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await node?.close();
  });

  it('counts the real viewer’s join, click and order, and the flood only once per minted viewer', async () => {
    const { store } = node.platform;
    const staff = await seedPerson(store, tokens, { roles: ['staff'] });
    const host = await seedPerson(store, tokens, { roles: ['host'] });
    const call = (token: string, p: string, body: unknown = {}) => postOk(node.url, token, p, body);
    const channel = await call(staff.token, '/api/channels', { name: 'Clinic F', commissionBps: 500 });
    const product = await call(staff.token, '/api/products', {
      titles: { en: 'Fish oil', 'zh-Hans': '鱼油', 'zh-Hant': '魚油' },
      skus: [{ code: 'FO-1', priceMinor: 8_800, currency: 'CNY', stock: 100 }],
    });
    const sessionId = (await call(host.token, '/api/live-sessions', { title: 'Flood' })).sessionId as string;
    await call(host.token, `/api/live-sessions/${sessionId}/go-live`);
    const skuId = (product.skus as Array<{ skuId: string }>)[0]!.skuId;
    const card = await call(host.token, `/api/live-sessions/${sessionId}/cards`, { skuId, quantity: 50 });
    const cardId = card.cardId as string;
    await call(host.token, `/api/live-sessions/${sessionId}/cards/${cardId}/pin`);

    const floods = await Promise.all(Array.from({ length: FLOODERS }, () => flooder(node.url)));
    sockets.push(...floods);
    // Viewer ids the server handed to the flood (a made-up one is replaced by a fresh signed one).
    const minted = new Set<string>();
    let refusedJoins = 0;
    const flood = Promise.all(
      floods.map(async (s, i) => {
        const joins = await Promise.all(
          Array.from({ length: JOINS }, (_, j) =>
            s.timeout(20_000).emitWithAck('live:join', { sessionId, viewerId: `made-up-${i}-${j}` }),
          ),
        );
        for (const r of joins as Array<{ ok: boolean; data?: { viewerId?: string } }>) {
          if (r.ok && r.data?.viewerId) {
            expect(r.data.viewerId).not.toMatch(/^made-up-/);
            minted.add(r.data.viewerId);
          } else if (!r.ok) {
            expect((r as unknown as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
            refusedJoins++;
          }
        }
        for (let k = 0; k < CARD_EVENTS; k++) {
          s.emit('card:impression', { sessionId, cardId });
          s.emit('card:click', { sessionId, cardId });
        }
        // Acks come back in order: once this one is answered, every event before it was handled.
        await s.timeout(30_000).emitWithAck('live:resync', { sessionId });
      }),
    );

    // Meanwhile a real member watches through the channel's link, clicks and buys.
    const buyer = await seedPerson(store, tokens, { channelId: channel.id as string });
    const viewer = await socketTo(node.url, '/live', buyer.token);
    sockets.push(viewer);
    // It still carries the id an older page made up itself: the server replaces it with a signed one.
    const snap = await ok(viewer, 'live:join', {
      sessionId,
      viewerId: randomUUID().replaceAll('-', ''),
      ch: channel.inviteCode,
    });
    viewer.emit('card:click', { sessionId, cardId });
    const placed = await viewer.timeout(10_000).emitWithAck('order:place', {
      sessionId,
      idempotencyKey: 'live-flood-real-order',
      order: { cardId, quantity: 1, provider: 'manual', fulfilment: PICKUP },
    });
    expect(placed.status).toBe(201);
    await flood;

    const channelId = channel.id as string;
    await waitFor(async () => {
      const rows = await readLiveFunnel(store.db, [sessionId]);
      const real = rows.find((r) => r.channelId === channelId);
      return (real?.clicks ?? 0) >= 1 && (real?.ordersPlaced ?? 0) >= 1;
    }, 20_000);
    const rows = await readLiveFunnel(store.db, [sessionId]);
    const real = rows.find((r) => r.channelId === channelId)!;
    expect(real).toMatchObject({ uniqueViewers: 1, clickers: 1, clicks: 1, ordersPlaced: 1, buyers: 1 });

    // The flood: at most one impression and one click per minted viewer id, and ids only as far as
    // the join budget of its address allowed.
    const others = rows.filter((r) => r.channelId !== channelId);
    const sum = (k: 'uniqueViewers' | 'clicks' | 'impressions') => others.reduce((n, r) => n + r[k], 0);
    expect(sum('uniqueViewers')).toBeLessThanOrEqual(minted.size);
    expect(sum('clicks')).toBeLessThanOrEqual(minted.size);
    expect(sum('impressions')).toBeLessThanOrEqual(minted.size);
    expect(refusedJoins).toBeGreaterThan(0);
    expect(minted.size).toBeLessThan(FLOODERS * JOINS);
    // Refusals are counted where operators look.
    const metrics = await (
      await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } })
    ).text();
    const line = metrics
      .split('\n')
      .find((l) => l.startsWith('vitalive_socket_refusals{sockets="realtime",code="RATE_LIMITED"}'));
    expect(Number(line?.split(' ').at(-1))).toBeGreaterThan(0);
    expect(snap.viewerId).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
  }, 120_000);
});
