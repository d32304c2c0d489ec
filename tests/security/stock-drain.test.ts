// A member must not be able to drain the shared Redis stock gate: replaying one idempotency key with
// another body (IDEMPOTENCY_KEY_REUSED) or asking for more than the per-member limit must take no units
// from the gate, so a second member can still buy the card on any node.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../loadtest/clients/postgres.ts';
import { RedisServer } from '../../loadtest/clients/redis-server.ts';
import { call, postOk } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { STORE_BACKENDS, seedPerson, testTokens } from '../helpers/people.ts';
import { TEST_METRICS_TOKEN } from '../helpers/platform-process.ts';
import { PICKUP } from '../helpers/sales.ts';

const tokens = testTokens();

describe.each(STORE_BACKENDS)('stock gate drain over HTTP ($name, Redis gate)', ({ name }) => {
  let node: LiveNode;
  let pg: ScratchDatabase | undefined;
  const redis = new RedisServer();

  beforeAll(async () => {
    await redis.start();
    pg = name === 'postgres' ? await createScratchDatabase() : undefined;
    node = await startLiveNode({
      ...(pg ? { DATABASE_URL: pg.url } : {}),
      REDIS_URL: redis.url,
      STOCK_GATE: 'redis',
      ORDERS_PER_MEMBER_PER_MIN: '1000',
    });
  }, 60_000);
  afterAll(async () => {
    await node?.close();
    await pg?.drop();
    await redis.stop();
  });

  async function pinnedCard(units: number, perMemberLimit: number): Promise<string> {
    const { store } = node.platform;
    const staff = await seedPerson(store, tokens, { roles: ['staff'] });
    const host = await seedPerson(store, tokens, { roles: ['host'] });
    const p = await postOk(node.url, staff.token, '/api/products', {
      titles: { en: 'Shake', 'zh-Hans': 'Shake', 'zh-Hant': 'Shake' },
      skus: [{ code: `DRAIN-${Date.now()}-${units}`, priceMinor: 9_900, currency: 'CNY', stock: units }],
    });
    const skuId = (p.skus as Array<{ skuId: string }>)[0]!.skuId;
    const sessionId = (await postOk(node.url, host.token, '/api/live-sessions', { title: 'Drain' }))
      .sessionId as string;
    await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/go-live`);
    const card = await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/cards`, {
      skuId,
      quantity: units,
      perMemberLimit,
    });
    const cardId = card.cardId as string;
    await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/cards/${cardId}/pin`);
    return cardId;
  }

  const place = (token: string, key: string, cardId: string, quantity: number) =>
    call(node.url, 'POST', '/api/orders', {
      token,
      headers: { 'idempotency-key': key },
      body: { cardId, quantity, fulfilment: PICKUP },
    });

  it('a reused key replayed in a loop with a large quantity leaves the card buyable', async () => {
    const cardId = await pinnedCard(10, 10);
    const attacker = await seedPerson(node.platform.store, tokens);
    const buyer = await seedPerson(node.platform.store, tokens);
    // One real order puts the card's counter in Redis (10 - 1 = 9).
    expect((await place(attacker.token, 'drain-key-0001', cardId, 1)).status).toBe(201);
    const codes = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const r = await place(attacker.token, 'drain-key-0001', cardId, 9);
      expect(r.status).toBe(422);
      codes.add(String(r.body.code));
    }
    expect([...codes]).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    const metrics = await (
      await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } })
    ).text();
    expect(metrics).toMatch(/^vitalive_orders_refused\{code="IDEMPOTENCY_KEY_REUSED"\} 40$/m);
    const bought = await place(buyer.token, 'buyer-key-0001', cardId, 1);
    expect(bought.body.code).toBeUndefined();
    expect(bought.status).toBe(201);
    const client = new Redis(redis.url);
    const gate = await client.hget(`vitalive:gate:${cardId}`, 'n');
    client.disconnect();
    // The counter is absent (unknown) or exactly the card's remaining units.
    expect(gate === null || Number(gate) === 8).toBe(true);
  });

  it('requests over the per-member limit take no units from the gate', async () => {
    const cardId = await pinnedCard(6, 3);
    const attacker = await seedPerson(node.platform.store, tokens);
    const buyer = await seedPerson(node.platform.store, tokens);
    expect((await place(attacker.token, 'limit-key-0000', cardId, 3)).status).toBe(201);
    // Concurrent over-limit attempts with fresh keys: each is refused and gives nothing to the gate.
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => place(attacker.token, `limit-key-${100 + i}`, cardId, 3)),
    );
    expect(new Set(replies.map((r) => r.body.code))).toEqual(new Set(['ORDER_LIMIT_EXCEEDED']));
    const bought = await place(buyer.token, 'limit-buyer-01', cardId, 3);
    expect(bought.status).toBe(201);
  });
});
