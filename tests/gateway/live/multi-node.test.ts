// Two gateway processes behind one Redis and one PostgreSQL act as one: viewers split across the nodes
// all receive a pin made through one of them, and the viewer count they see is the global one; a host
// change made through one node releases the former host's console on the other.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../../commerce/internals.ts';
import { freePort } from '../../../loadtest/clients/ports.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../../loadtest/clients/postgres.ts';
import { RedisServer } from '../../../loadtest/clients/redis-server.ts';
import { waitFor } from '../../../loadtest/clients/wait-for.ts';
import { call, postOk } from '../../helpers/http-call.ts';
import { ask, ok, record, socketTo } from '../../helpers/live-platform.ts';
import { testLogger } from '../../helpers/logger.ts';
import { seedPerson, TEST_AUTH_SECRET, testTokens } from '../../helpers/people.ts';
import { type PlatformProcess, pollHealth, startMain } from '../../helpers/platform-process.ts';
import { PICKUP } from '../../helpers/sales.ts';

const tokens = testTokens();

describe('two gateway nodes + Redis', () => {
  const redis = new RedisServer();
  let pg: ScratchDatabase;
  let store: Store;
  const nodes: Array<{ proc: PlatformProcess; url: string; dataDir: string }> = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    await redis.start();
    pg = await createScratchDatabase();
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `vitalive-node${i}-`));
      const proc = startMain({
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(port),
        MQTT_HOST: '127.0.0.1',
        MQTT_PORT: String(await freePort()),
        MEDIA_WORKERS: '0',
        DATA_DIR: dataDir,
        REDIS_URL: redis.url,
        DATABASE_URL: pg.url,
        AUTH_SECRET: TEST_AUTH_SECRET,
        LOG_LEVEL: 'warn',
      });
      nodes.push({ proc, url: `http://127.0.0.1:${port}`, dataDir });
      // One at a time: the first runs the migrations.
      await pollHealth(port, 60_000);
    }
    store = await Store.open({ dataDir: nodes[0]!.dataDir, databaseUrl: pg.url, logger: testLogger });
  }, 150_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    for (const n of nodes) {
      n.proc.child.kill('SIGTERM');
      await n.proc.exited();
      fs.rmSync(n.dataDir, { recursive: true, force: true });
    }
    await store?.close();
    await pg?.drop();
    await redis.stop();
  }, 60_000);

  it('a pin made through node A reaches viewers on both nodes; the count is global', async () => {
    const host = await seedPerson(store, tokens, { roles: ['host'] });
    const staff = await seedPerson(store, tokens, { roles: ['staff'] });
    const post = postOk;
    const [a, b] = nodes.map((n) => n.url) as [string, string];
    const product = await post(b, staff.token, '/api/products', {
      titles: { en: 'Fibre', 'zh-Hans': '膳食纤维', 'zh-Hant': '膳食纖維' },
      skus: [{ code: 'FB-1', priceMinor: 9_900, currency: 'CNY', stock: 50 }],
    });
    const session = await post(b, host.token, '/api/live-sessions', { title: 'Two nodes' });
    const sessionId = session.sessionId as string;
    await post(a, host.token, `/api/live-sessions/${sessionId}/go-live`);
    const skuId = (product.skus as Array<{ skuId: string }>)[0]!.skuId;
    const card = await post(b, host.token, `/api/live-sessions/${sessionId}/cards`, { skuId, quantity: 20 });

    const viewers: Socket[] = [];
    for (let i = 0; i < 6; i++) {
      const s = await socketTo(i % 2 === 0 ? a : b, '/live');
      sockets.push(s);
      viewers.push(s);
      await ok(s, 'live:join', { sessionId, viewerId: `multi-node-${i}` });
    }
    const pins = viewers.map((v) => record(v, ['card:pinned']));
    const counts = viewers.map(() => ({ last: 0 }));
    for (const [i, v] of viewers.entries()) {
      v.on('viewers:count', (f: { viewers: number }) => {
        counts[i]!.last = f.viewers;
      });
    }

    const hostConsole = await socketTo(a, '/host', host.token);
    sockets.push(hostConsole);
    await ok(hostConsole, 'card:pin', { sessionId, cardId: card.cardId });
    await waitFor(() => pins.every((p) => p.length === 1), 15_000);
    const seqs = new Set(pins.map((p) => p[0]!.frame.seq));
    expect(seqs.size).toBe(1);
    await waitFor(() => counts.every((c) => c.last === 6), 15_000);
  }, 60_000);

  it('a host change made through one node lets go of the former host console on the other', async () => {
    const [a, b] = nodes.map((n) => n.url) as [string, string];
    const former = await seedPerson(store, tokens, { roles: ['host'] });
    const next = await seedPerson(store, tokens, { roles: ['host'] });
    const staff = await seedPerson(store, tokens, { roles: ['staff'] });
    const buyer = await seedPerson(store, tokens);
    const product = await postOk(b, staff.token, '/api/products', {
      titles: { en: 'Fibre', 'zh-Hans': '膳食纤维', 'zh-Hant': '膳食纖維' },
      skus: [{ code: 'FB-2', priceMinor: 9_900, currency: 'CNY', stock: 50 }],
    });
    const skuId = (product.skus as Array<{ skuId: string }>)[0]!.skuId;
    const sessionId = (await postOk(a, former.token, '/api/live-sessions', { title: 'Handover' }))
      .sessionId as string;
    await postOk(a, former.token, `/api/live-sessions/${sessionId}/go-live`);
    const card = await postOk(a, former.token, `/api/live-sessions/${sessionId}/cards`, {
      skuId,
      quantity: 5,
    });
    await postOk(a, former.token, `/api/live-sessions/${sessionId}/cards/${card.cardId}/pin`);
    const formerConsole = await socketTo(a, '/host', former.token);
    sockets.push(formerConsole);
    await ok(formerConsole, 'host:join', { sessionId });
    const formerOrders = record(formerConsole, ['order:new']);
    // Staff watching the same console on node A: still entitled to the orders, so their arrival shows
    // that node A has handled the order's frame.
    const staffConsole = await socketTo(a, '/host', staff.token);
    sockets.push(staffConsole);
    await ok(staffConsole, 'host:join', { sessionId });
    const staffOrders = record(staffConsole, ['order:new']);
    // A viewer on node A: the release is applied just before the session's new state is sent, and both
    // reach node A in that order through the one Redis stream.
    const viewer = await socketTo(a, '/live');
    sockets.push(viewer);
    await ok(viewer, 'live:join', { sessionId, viewerId: 'multi-node-handover' });
    const states = record(viewer, ['session:state']);

    const res = await call(b, 'PATCH', `/api/live-sessions/${sessionId}`, {
      token: staff.token,
      body: { hostPersonId: next.person.id },
    });
    expect(res.status).toBe(200);
    const hostOf = (f: { frame: Record<string, unknown> }) =>
      (f.frame.session as { hostPersonId?: string } | undefined)?.hostPersonId;
    await waitFor(() => states.some((f) => hostOf(f) === next.person.id), {
      timeoutMs: 15_000,
      what: 'the host change at node A',
    });
    const nextConsole = await socketTo(b, '/host', next.token);
    sockets.push(nextConsole);
    const nextOrders = record(nextConsole, ['order:new']);
    await ok(nextConsole, 'host:join', { sessionId });
    const order = await call(a, 'POST', '/api/orders', {
      token: buyer.token,
      body: { cardId: card.cardId, quantity: 1, provider: 'manual', fulfilment: PICKUP },
      headers: { 'idempotency-key': 'multi-node-handover' },
    });
    expect(order.status).toBe(201);
    await waitFor(() => nextOrders.length === 1 && staffOrders.length === 1, {
      timeoutMs: 15_000,
      what: 'the order on the new host console (node B) and the staff console (node A)',
    });
    // Node A wrote the frame to every console in the room at once; an answer on the former console's
    // own connection comes after anything written to it before, so the frame would be here by now.
    const rejoin = await ask(formerConsole, 'host:join', { sessionId });
    expect(rejoin.ok ? 'ok' : rejoin.error.code).toBe('FORBIDDEN');
    expect(formerOrders).toEqual([]);
  }, 60_000);
});
