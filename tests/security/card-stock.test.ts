// Units and cards that members and viewers must not be able to exploit: units left on a card go back to
// stock when its session ends; a refund never puts a card back on screen beyond SALES_MAX_PINNED; a
// draft card never reaches viewers' frames; concurrent stock write-offs never lose one another (both
// backends).
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../loadtest/clients/postgres.ts';
import { call, postOk } from '../helpers/http-call.ts';
import { type LiveNode, ok, record, socketTo, startLiveNode } from '../helpers/live-platform.ts';
import { type Seeded, seedPerson, testTokens } from '../helpers/people.ts';
import { PICKUP } from '../helpers/sales.ts';

const tokens = testTokens();
let seq = 0;

describe.each([{ name: 'sqlite' }, { name: 'postgres' }])('cards and stock on $name', ({ name }) => {
  let node: LiveNode;
  let pg: ScratchDatabase | undefined;
  let staff: Seeded;
  let host: Seeded;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const env: Record<string, string> = { ORDERS_PER_MEMBER_PER_MIN: '1000', SALES_MAX_PINNED: '1' };
    if (name === 'postgres') {
      pg = await createScratchDatabase();
      env.DATABASE_URL = pg.url;
    }
    node = await startLiveNode(env);
    staff = await seedPerson(node.platform.store, tokens, { roles: ['staff'] });
    host = await seedPerson(node.platform.store, tokens, { roles: ['host'] });
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await node?.close();
    await pg?.drop();
  });

  async function product(stock: number) {
    const p = await postOk(node.url, staff.token, '/api/products', {
      titles: { en: 'Shake', 'zh-Hans': 'Shake', 'zh-Hant': 'Shake' },
      skus: [{ code: `STOCK-${name}-${Date.now()}-${++seq}`, priceMinor: 5_000, currency: 'CNY', stock }],
    });
    return { productId: p.productId as string, skuId: (p.skus as Array<{ skuId: string }>)[0]!.skuId };
  }
  const stockOf = async (productId: string) =>
    (
      (await call(node.url, 'GET', `/api/products/${productId}`, { token: staff.token })).body.skus as Array<{
        stockOnHand: number;
      }>
    )[0]!.stockOnHand;
  async function liveSession() {
    const sessionId = (await postOk(node.url, host.token, '/api/live-sessions', { title: 'Stock' }))
      .sessionId as string;
    await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/go-live`);
    return sessionId;
  }
  const newCard = async (sessionId: string, skuId: string, quantity: number) =>
    (
      await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/cards`, {
        skuId,
        quantity,
        perMemberLimit: 5,
      })
    ).cardId as string;
  const pin = (sessionId: string, cardId: string) =>
    postOk(node.url, host.token, `/api/live-sessions/${sessionId}/cards/${cardId}/pin`);
  const buy = async (buyer: Seeded, cardId: string, quantity: number) => {
    const r = await call(node.url, 'POST', '/api/orders', {
      token: buyer.token,
      headers: { 'idempotency-key': `buy-${cardId}-${++seq}` },
      body: { cardId, quantity, fulfilment: PICKUP },
    });
    expect(r.status).toBe(201);
    return r.body.orderId as string;
  };

  it('units left on cards go back to stock when the session ends', async () => {
    const { productId, skuId } = await product(20);
    const sessionId = await liveSession();
    const pinned = await newCard(sessionId, skuId, 10);
    await newCard(sessionId, skuId, 4); // a draft that never went on screen
    await pin(sessionId, pinned);
    await buy(await seedPerson(node.platform.store, tokens), pinned, 3);
    expect(await stockOf(productId)).toBe(6);
    await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/end`);
    // 20 - 3 sold: the 7 left on the pinned card and the 4 on the draft are back on hand.
    expect(await stockOf(productId)).toBe(17);
  });

  it('a refund never pins a sold-out card beyond SALES_MAX_PINNED', async () => {
    const { skuId } = await product(10);
    const sessionId = await liveSession();
    const first = await newCard(sessionId, skuId, 1);
    await pin(sessionId, first);
    const orderId = await buy(await seedPerson(node.platform.store, tokens), first, 1);
    // Sold out, so the host pins the next card (limit 1).
    const second = await newCard(sessionId, skuId, 3);
    await pin(sessionId, second);
    await postOk(node.url, staff.token, `/api/orders/${orderId}/confirm-payment`);
    await postOk(node.url, staff.token, `/api/orders/${orderId}/refund`);
    const cards = (
      await call(node.url, 'GET', `/api/live-sessions/${sessionId}/cards`, { token: host.token })
    ).body as unknown as Array<{ cardId: string; state: string; remaining: number }>;
    expect(cards.filter((c) => c.state === 'pinned').map((c) => c.cardId)).toEqual([second]);
    expect(cards.find((c) => c.cardId === first)).toMatchObject({ state: 'unpinned', remaining: 1 });
  });

  it('a draft card never reaches viewers', async () => {
    const { skuId } = await product(10);
    const sessionId = await liveSession();
    const viewer = await socketTo(node.url, '/live');
    sockets.push(viewer);
    await ok(viewer, 'live:join', { sessionId, viewerId: `draft-viewer-${name}` });
    const frames = record(viewer, ['card:updated', 'card:pinned', 'card:unpinned', 'seq:skip']);
    const draft = await newCard(sessionId, skuId, 2);
    const now = Date.now();
    await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/cards/${draft}/countdown`, {
      startsAtMs: now + 60_000,
      endsAtMs: now + 120_000,
    });
    const shown = await newCard(sessionId, skuId, 2);
    await pin(sessionId, shown);
    await expect.poll(() => frames.some((f) => f.event === 'card:pinned'), { timeout: 10_000 }).toBe(true);
    const leaked = frames.filter((f) => JSON.stringify(f).includes(draft));
    expect(leaked).toEqual([]);
  });

  it('concurrent write-offs never lose one another', async () => {
    const { productId, skuId } = await product(10);
    const replies = await Promise.all(
      Array.from({ length: 25 }, () =>
        call(node.url, 'POST', `/api/skus/${skuId}/stock`, { token: staff.token, body: { delta: -1 } }),
      ),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(10);
    expect(new Set(replies.filter((r) => r.status !== 200).map((r) => r.body.code))).toEqual(
      new Set(['STOCK_INSUFFICIENT']),
    );
    expect(await stockOf(productId)).toBe(0);
  });
});
