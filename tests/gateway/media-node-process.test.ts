// A media node on its own (the `npm run media` composition) with the core answering over Redis: its
// /healthz and /metrics, /media joins decided by the core's answers, the host refused on a node that is
// not the session's origin, and what arrives over Redis checked: malformed pipe messages and questions
// with a foreign reply channel are dropped without harm.
import { Redis } from 'ioredis';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../gateway/auth/index.ts';
import type { MediaNodeProcess } from '../../gateway/compose/media-node.ts';
import {
  CLUSTER_SECRET,
  type MediaCluster,
  startMediaCluster,
} from '../../loadtest/clients/media-cluster.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { testLogger } from '../helpers/logger.ts';

// biome-ignore lint/suspicious/noExplicitAny: replies are checked field by field
type Reply = { ok: true; data: any } | { ok: false; error: { code: string } };

describe('a media node process', () => {
  let cluster: MediaCluster;
  let origin: MediaNodeProcess;
  let edge: MediaNodeProcess;
  let redis: Redis;
  const sockets: Socket[] = [];
  const tokens = new TokenService({ secret: new TextEncoder().encode(CLUSTER_SECRET) });

  async function client(node: MediaNodeProcess, token?: string): Promise<Socket> {
    const s = connect(`${node.url}/media`, { transports: ['websocket'], auth: token ? { token } : {} });
    sockets.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
    return s;
  }
  const ask = (s: Socket, event: string, payload: unknown): Promise<Reply> =>
    s.timeout(5000).emitWithAck(event, payload);

  beforeAll(async () => {
    cluster = await startMediaCluster({ logger: testLogger });
    origin = await cluster.startNode({ id: 'node-o' });
    edge = await cluster.startNode({ id: 'node-e' });
    redis = new Redis(cluster.redis.url);
    cluster.sessions.live.set('s-live', 'host-9');
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    redis?.disconnect();
    await cluster?.close();
  });

  it('answers /healthz with its subsystems and keeps /metrics behind the monitoring token', async () => {
    const health = await fetch(`${origin.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const metrics = await fetch(`${origin.url}/metrics`);
    expect(metrics.status).not.toBe(200);
    expect((await origin.directory.list()).map((n) => n.nodeId).sort()).toEqual(['node-e', 'node-o']);
  });

  it('joins viewers to live sessions only, as the core says, and sends the host only to the origin', async () => {
    const viewer = await client(edge);
    expect(await ask(viewer, 'media:join', { sessionId: 'not-live' })).toMatchObject({
      ok: false,
      error: { code: 'MEDIA_SESSION_NOT_LIVE' },
    });
    expect(await ask(viewer, 'media:join', { sessionId: 's-live' })).toMatchObject({
      ok: true,
      data: { role: 'viewer' },
    });
    const host = await client(origin, await tokens.mintAccess('host-9', ['member']));
    expect(await ask(host, 'media:join', { sessionId: 's-live' })).toMatchObject({
      ok: true,
      data: { role: 'host' },
    });
    expect(await origin.directory.originOf('s-live')).toBe('node-o');
    // The same host on the other node is refused: the session is published to its origin.
    const elsewhere = await client(edge, await tokens.mintAccess('host-9', ['member']));
    expect(await ask(elsewhere, 'media:join', { sessionId: 's-live' })).toMatchObject({
      ok: false,
      error: { code: 'MEDIA_NOT_ORIGIN' },
    });
    // The viewer's node pulls the session from the origin.
    await waitFor(() => origin.cascade.edgesOf('s-live').includes('node-e'), { what: 'the edge to pipe' });
  });

  it('drops malformed pipe messages and questions with a foreign reply channel', async () => {
    const bus = (edge.cascade as unknown as { pipes: number }).pipes;
    await redis.publish('vl:media:to:node-e', '{not json');
    await redis.publish('vl:media:to:node-e', JSON.stringify({ type: 'pipe.open', sessionId: 's-live' }));
    await redis.publish(
      'vl:media:to:node-e',
      JSON.stringify({ type: 'pipe.close', sessionId: 's-live', from: 'x'.repeat(5000) }),
    );
    // A pipe message from a node that is not the session's origin changes nothing.
    await redis.publish(
      'vl:media:to:node-e',
      JSON.stringify({ type: 'pipe.close', sessionId: 's-live', from: 'node-x' }),
    );
    const spy = new Redis(cluster.redis.url);
    const heard: string[] = [];
    await spy.subscribe('elsewhere');
    spy.on('message', (_c, m) => heard.push(m));
    await redis.lpush(
      'vl:media:core-questions',
      JSON.stringify({
        id: 'q1',
        replyTo: 'elsewhere',
        deadlineMs: Date.now() + 5000,
        ask: { type: 'hostOf', sessionId: 's-live' },
      }),
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(heard).toEqual([]);
    spy.disconnect();
    expect(edge.cascade.pipes).toBe(bus);
    expect(edge.cascade.importOf('s-live')).toBe('node-o');
    const health = await fetch(`${edge.url}/healthz`);
    expect(health.status).toBe(200);
  });
});
