// Impressions and clicks count once per viewer, card and window across the cluster, not per node: a
// viewer who reconnects to another node (the balancer moved them, or a second tab landed elsewhere) and
// sends the same impression and click again is not counted twice. Two platform nodes share Redis and
// PostgreSQL; the funnel both write to is read from the store.
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLiveFunnel } from '../../commerce/internals.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../loadtest/clients/postgres.ts';
import { RedisServer } from '../../loadtest/clients/redis-server.ts';
import { postOk } from '../helpers/http-call.ts';
import { type LiveNode, ok, socketTo, startLiveNode } from '../helpers/live-platform.ts';
import { seedPerson, testTokens } from '../helpers/people.ts';

const tokens = testTokens();

describe('card events across two nodes', () => {
  const redis = new RedisServer();
  let pg: ScratchDatabase;
  const nodes: LiveNode[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    await redis.start();
    pg = await createScratchDatabase();
    // One at a time: the first runs the migrations.
    for (let i = 0; i < 2; i++)
      nodes.push(await startLiveNode({ REDIS_URL: redis.url, DATABASE_URL: pg.url, LOG_LEVEL: 'warn' }));
  }, 120_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    for (const n of nodes) await n.close();
    await pg?.drop();
    await redis.stop();
  }, 60_000);

  it('a viewer repeating an impression and a click on the other node is counted once', async () => {
    const [a, b] = nodes.map((n) => n.url) as [string, string];
    const store = nodes[0]!.platform.store;
    const host = await seedPerson(store, tokens, { roles: ['host'] });
    const staff = await seedPerson(store, tokens, { roles: ['staff'] });
    const product = await postOk(a, staff.token, '/api/products', {
      titles: { en: 'Fibre', 'zh-Hans': '膳食纤维', 'zh-Hant': '膳食纖維' },
      skus: [{ code: 'FB-C', priceMinor: 9_900, currency: 'CNY', stock: 50 }],
    });
    const skuId = (product.skus as Array<{ skuId: string }>)[0]!.skuId;
    const sessionId = (await postOk(a, host.token, '/api/live-sessions', { title: 'Two nodes' }))
      .sessionId as string;
    await postOk(a, host.token, `/api/live-sessions/${sessionId}/go-live`);
    const card = await postOk(a, host.token, `/api/live-sessions/${sessionId}/cards`, { skuId, quantity: 5 });
    const cardId = card.cardId as string;

    // The viewer on node A: joins (the server mints a signed viewer id), sees and taps the card.
    const onA = await socketTo(a, '/live');
    sockets.push(onA);
    const { viewerId } = (await ok(onA, 'live:join', { sessionId })) as { viewerId: string };
    await ok(onA, 'card:impression', { sessionId, cardId });
    await ok(onA, 'card:click', { sessionId, cardId });
    onA.disconnect();

    // The same viewer on node B, within the window: the same impression and click again.
    const onB = await socketTo(b, '/live');
    sockets.push(onB);
    const again = (await ok(onB, 'live:join', { sessionId, viewerId })) as { viewerId: string };
    expect(again.viewerId).toBe(viewerId);
    await ok(onB, 'card:impression', { sessionId, cardId });
    await ok(onB, 'card:click', { sessionId, cardId });

    // Every event recorded so far is written by each node's log (the funnel in the same transaction).
    for (const n of nodes) await n.platform.commerce.viewers.log.flush();
    const rows = await readLiveFunnel(store.db, [sessionId]);
    const totals = {
      impressions: rows.reduce((n, r) => n + r.impressions, 0),
      clicks: rows.reduce((n, r) => n + r.clicks, 0),
    };
    expect(totals).toEqual({ impressions: 1, clicks: 1 });
  }, 60_000);
});
