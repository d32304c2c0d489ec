// The first answer to an idempotency key is the answer to that key (as Stripe keeps it): a refusal
// decided by the placement (here ORDER_LIMIT_EXCEEDED) is stored, so the same key and body never turn
// into an order later, and POST /api/orders and the socket's order:place racing with one key answer
// exactly the same — before and after the state that decided the refusal changed.
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../loadtest/clients/postgres.ts';
import { call, postOk } from '../helpers/http-call.ts';
import { type LiveNode, ok, socketTo, startLiveNode } from '../helpers/live-platform.ts';
import { STORE_BACKENDS, seedPerson, testTokens } from '../helpers/people.ts';
import { PICKUP } from '../helpers/sales.ts';

const tokens = testTokens();

describe.each(STORE_BACKENDS)('idempotency: the first final answer is the answer ($name)', ({ name }) => {
  let node: LiveNode;
  let pg: ScratchDatabase | undefined;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    pg = name === 'postgres' ? await createScratchDatabase() : undefined;
    node = await startLiveNode({
      ...(pg ? { DATABASE_URL: pg.url } : {}),
      ORDERS_PER_MEMBER_PER_MIN: '1000',
    });
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await node?.close();
    await pg?.drop();
  });

  async function pinnedCard(units: number, perMemberLimit: number) {
    const { store } = node.platform;
    const staff = await seedPerson(store, tokens, { roles: ['staff'] });
    const host = await seedPerson(store, tokens, { roles: ['host'] });
    const p = await postOk(node.url, staff.token, '/api/products', {
      titles: { en: 'Shake', 'zh-Hans': 'Shake', 'zh-Hant': 'Shake' },
      skus: [{ code: `IDEM-${Date.now()}`, priceMinor: 5_000, currency: 'CNY', stock: units }],
    });
    const skuId = (p.skus as Array<{ skuId: string }>)[0]!.skuId;
    const sessionId = (await postOk(node.url, host.token, '/api/live-sessions', { title: 'Idem' }))
      .sessionId as string;
    await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/go-live`);
    const card = await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/cards`, {
      skuId,
      quantity: units,
      perMemberLimit,
    });
    await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/cards/${card.cardId}/pin`);
    return { sessionId, cardId: card.cardId as string };
  }

  it('a limit refusal stays the answer to its key, over HTTP and over the socket, racing', async () => {
    const { sessionId, cardId } = await pinnedCard(10, 2);
    const buyer = await seedPerson(node.platform.store, tokens);
    const sock = await socketTo(node.url, '/live', buyer.token);
    sockets.push(sock);
    await ok(sock, 'live:join', { sessionId, viewerId: 'idem-viewer-1' });
    const body = { cardId, quantity: 1, fulfilment: PICKUP };
    const overHttp = (key: string) =>
      call(node.url, 'POST', '/api/orders', {
        token: buyer.token,
        headers: { 'idempotency-key': key },
        body,
      });
    const overSocket = (key: string): Promise<{ status: number; body: Record<string, unknown> }> =>
      sock.timeout(5000).emitWithAck('order:place', { sessionId, idempotencyKey: key, order: body });
    type Answer = { status: number; body: unknown };
    const both = async (key: string): Promise<[Answer, Answer]> => {
      const [h, s] = await Promise.all([overHttp(key), overSocket(key)]);
      return [
        { status: h.status, body: h.body },
        { status: s.status, body: s.body },
      ];
    };

    // Two units bought: the member is at the card's limit.
    const first = await call(node.url, 'POST', '/api/orders', {
      token: buyer.token,
      headers: { 'idempotency-key': 'idem-first-order' },
      body: { ...body, quantity: 2 },
    });
    expect(first.status).toBe(201);

    // Both transports race with one key: one refusal, the same for both.
    const [h1, s1] = await both('idem-race-key-1');
    expect(h1).toEqual(s1);
    expect(h1).toMatchObject({ status: 409, body: { code: 'ORDER_LIMIT_EXCEEDED' } });

    // The member cancels the first order: the limit has room again, but the key was answered.
    await postOk(node.url, buyer.token, `/api/orders/${first.body.orderId}/cancel`);
    const [h2, s2] = await both('idem-race-key-1');
    expect(h2).toEqual(h1);
    expect(s2).toEqual(h1);
    expect((await overSocket('idem-race-key-1')).status).toBe(409);

    // A fresh key buys; HTTP and socket racing on it answer the very same order.
    const [h3, s3] = await both('idem-race-key-2');
    expect(h3.status).toBe(201);
    expect(s3).toEqual(h3);
    const rows = await node.platform.store.db
      .selectFrom('orders')
      .select(['id', 'status'])
      .where('card_id', '=', cardId)
      .execute();
    expect(rows.filter((r) => r.status === 'placed')).toHaveLength(1);
  });
});
