// /media signalling over a real socket.io server and real mediasoup workers: who may join and
// produce, payload validation with coded errors, consuming only the joined room, layer and ICE
// operations, reconnect after a worker death, closeRoom, and /metrics.
import type { AddressInfo } from 'node:net';
import type { types as ms } from 'mediasoup';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../gateway/auth/index.ts';
import { type App, createHttpApp } from '../../gateway/http-app.ts';
import { type MediaGateway, registerMediaGateway } from '../../gateway/media-gateway.ts';
import { createSocketServer, type SocketServer } from '../../gateway/sockets/index.ts';
import { TableSessions } from '../../loadtest/clients/media-node.ts';
import { syntheticRtpParameters } from '../../loadtest/clients/synthetic-rtp.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { LiveRooms, type WorkerPool } from '../../media/index.ts';
import type { TestSocket } from '../helpers/live-platform.ts';
import { testLogger } from '../helpers/logger.ts';
import { startPool } from '../helpers/media.ts';

/** /metrics answers on the public port only to this bearer token. */
const METRICS_TOKEN = 'media-metrics-token-0123456789';

// biome-ignore lint/suspicious/noExplicitAny: replies are checked field by field in each test
type Reply = { ok: true; data: any } | { ok: false; error: { code: string; message: string } };

type MediaSocket = TestSocket<'/media'>;

describe('/media signalling', () => {
  let pool: WorkerPool;
  let http: App;
  let sockets: SocketServer;
  let media: MediaGateway;
  let url: string;
  const tokens = new TokenService({ secret: new Uint8Array(32).fill(7) });
  const sessions = new TableSessions();
  const clients: MediaSocket[] = [];

  async function client(token?: string): Promise<MediaSocket> {
    const s: MediaSocket = connect(`${url}/media`, {
      transports: ['websocket'],
      auth: token ? { token } : {},
    });
    clients.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
    return s;
  }
  // Any event and payload: what the server does with ones outside the contract is under test too.
  const ask = (s: MediaSocket, event: string, payload: unknown): Promise<Reply> =>
    (s as Socket).timeout(5000).emitWithAck(event, payload);
  const ok = async (s: MediaSocket, event: string, payload: unknown) => {
    const r = await ask(s, event, payload);
    if (!r.ok) throw new Error(`${event}: ${r.error.code} ${r.error.message}`);
    return r.data;
  };
  const code = async (s: MediaSocket, event: string, payload: unknown) => {
    const r = await ask(s, event, payload);
    return r.ok ? 'ok' : r.error.code;
  };

  beforeAll(async () => {
    pool = await startPool(2);
    http = await createHttpApp({ logger: testLogger, monitoringToken: METRICS_TOKEN });
    sockets = await createSocketServer({ app: http, logger: testLogger });
    media = await registerMediaGateway({
      http,
      io: sockets.io,
      rooms: new LiveRooms({
        pool,
        logger: testLogger,
        consumerBudget: 400,
        listenIp: '127.0.0.1',
        announcedAddress: undefined,
      }),
      tokens,
      logger: testLogger,
      sessions,
    });
    await http.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}`;
    sessions.live.set('L1', 'host-1');
    sessions.live.set('L2', 'host-2');
  });

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    media?.close();
    await sockets?.close();
    await http?.close();
    pool?.close();
  });

  async function publishIngest(host: Socket, sessionId: string) {
    await ok(host, 'media:join', { sessionId });
    const t = await ok(host, 'media:createTransport', { sessionId, type: 'plain' });
    const params = syntheticRtpParameters({ audio: 1111, video: 2222 });
    const audio = await ok(host, 'media:produce', {
      sessionId,
      transportId: t.id,
      kind: 'audio',
      rtpParameters: params.audio,
    });
    const video = await ok(host, 'media:produce', {
      sessionId,
      transportId: t.id,
      kind: 'video',
      rtpParameters: params.video,
    });
    return { transport: t, audio: audio.id as string, video: video.id as string };
  }

  it('refuses sessions that are not live, and gives the host role only to the host', async () => {
    const anon = await client();
    expect(await code(anon, 'media:join', { sessionId: 'nope' })).toBe('MEDIA_SESSION_NOT_LIVE');
    const host = await client(await tokens.mintAccess('host-1', ['member']));
    expect((await ok(host, 'media:join', { sessionId: 'L1' })).role).toBe('host');
    const other = await client(await tokens.mintAccess('someone', ['member']));
    const joined = await ok(other, 'media:join', { sessionId: 'L1' });
    expect(joined.role).toBe('viewer');
    expect(joined.routerRtpCapabilities.codecs.length).toBeGreaterThan(0);
  });

  it('lets only the host produce, and viewers consume only the room they joined', async () => {
    const host = await client(await tokens.mintAccess('host-2', ['member']));
    const pub = await publishIngest(host, 'L2');
    const host1 = await client(await tokens.mintAccess('host-1', ['member']));
    const pub1 = await publishIngest(host1, 'L1');

    const viewer = await client();
    const produced: string[] = [];
    viewer.on('media:producer', (p: { producerId: string }) => produced.push(p.producerId));
    const joined = await ok(viewer, 'media:join', { sessionId: 'L2' });
    expect(joined.producers.map((p: { producerId: string }) => p.producerId).sort()).toEqual(
      [pub.audio, pub.video].sort(),
    );
    expect(await code(viewer, 'media:createTransport', { sessionId: 'L2', type: 'plain' })).toBe(
      'MEDIA_HOST_ONLY',
    );
    const t = await ok(viewer, 'media:createTransport', { sessionId: 'L2', type: 'webrtc' });
    expect(t.iceCandidates.length).toBeGreaterThan(0);
    const params = syntheticRtpParameters({ audio: 5, video: 6 });
    expect(
      await code(viewer, 'media:produce', {
        sessionId: 'L2',
        transportId: t.id,
        kind: 'audio',
        rtpParameters: params.audio,
      }),
    ).toBe('MEDIA_HOST_ONLY');

    const caps = joined.routerRtpCapabilities;
    // Another session's room, or another room's producer: refused.
    expect(
      await code(viewer, 'media:consume', {
        sessionId: 'L1',
        transportId: t.id,
        producerId: pub1.video,
        rtpCapabilities: caps,
      }),
    ).toBe('MEDIA_NOT_JOINED');
    expect(
      await code(viewer, 'media:consume', {
        sessionId: 'L2',
        transportId: t.id,
        producerId: pub1.video,
        rtpCapabilities: caps,
      }),
    ).toBe('MEDIA_PRODUCER_NOT_FOUND');

    const c = await ok(viewer, 'media:consume', {
      sessionId: 'L2',
      transportId: t.id,
      producerId: pub.video,
      rtpCapabilities: caps,
      hint: { viewportHeight: 360 },
    });
    expect(c.kind).toBe('video');
    expect(await ok(viewer, 'media:resume', { sessionId: 'L2', consumerId: c.id })).toBeNull();
    expect(
      await ok(viewer, 'media:setPreferredLayers', { sessionId: 'L2', consumerId: c.id, maxSpatialLayer: 0 }),
    ).toEqual({ spatialLayer: 0 });
    const ice = await ok(viewer, 'media:restartIce', { sessionId: 'L2', transportId: t.id });
    expect(ice.iceParameters.usernameFragment).not.toBe(t.iceParameters.usernameFragment);
    expect(
      await code(viewer, 'media:connectTransport', {
        sessionId: 'L2',
        transportId: t.id,
        dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }] },
      }),
    ).toBe('ok');
    expect(await code(viewer, 'media:resume', { sessionId: 'L2', consumerId: 'missing' })).toBe(
      'MEDIA_CONSUMER_NOT_FOUND',
    );
    expect(produced).toEqual([]);
    expect(await ok(viewer, 'media:leave', { sessionId: 'L2' })).toBeNull();
    expect(await code(viewer, 'media:resume', { sessionId: 'L2', consumerId: c.id })).toBe(
      'MEDIA_NOT_JOINED',
    );
  });

  it('rejects malformed payloads with VALIDATION_FAILED and counts them, and ignores unknown events', async () => {
    const counter = async (name: string) => {
      const metrics = await http.inject({
        url: '/metrics',
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      const m = new RegExp(`vitalive_media_${name} (\\d+)`).exec(metrics.body);
      expect(m, `${name} in /metrics`).not.toBeNull();
      return Number(m![1]);
    };
    const invalidBefore = await counter('socket_invalid_payloads');
    const unknownBefore = await counter('socket_unknown_events');
    const s = await client();
    const bad: Array<[string, unknown]> = [
      ['media:join', { sessionId: '' }],
      ['media:join', { sessionId: 'L1', extra: 1 }],
      ['media:join', 'L1'],
      ['media:createTransport', { sessionId: 'L1', type: 'tcp' }],
      ['media:produce', { sessionId: 'L1', transportId: 'x', kind: 'audio', rtpParameters: { codecs: [] } }],
      ['media:consume', { sessionId: 'L1', transportId: 'x', producerId: 'y', rtpCapabilities: 'all' }],
      ['media:setPreferredLayers', { sessionId: 'L1', consumerId: 'x', maxSpatialLayer: 9 }],
      [
        'media:connectTransport',
        {
          sessionId: 'L1',
          transportId: 'x',
          dtlsParameters: { fingerprints: [{ algorithm: 'x', value: '<script>' }] },
        },
      ],
    ];
    for (const [event, payload] of bad) expect(await code(s, event, payload)).toBe('VALIDATION_FAILED');
    (s as Socket).emit('media:nonsense', {});
    // Events on one socket are handled in order: once this answer is back, the unknown event was seen.
    // The answer also shows the socket is still connected and served after all of it.
    expect(await code(s, 'media:join', { sessionId: 'L1' })).toBe('ok');
    expect(await counter('socket_invalid_payloads')).toBe(invalidBefore + bad.length);
    expect(await counter('socket_unknown_events')).toBe(unknownBefore + 1);
  });

  it('tells viewers to reconnect when the worker under their room dies, and they can', async () => {
    sessions.live.set('L3', 'host-3');
    const host = await client(await tokens.mintAccess('host-3', ['member']));
    await publishIngest(host, 'L3');
    const viewer = await client();
    await ok(viewer, 'media:join', { sessionId: 'L3' });
    await ok(viewer, 'media:createTransport', { sessionId: 'L3', type: 'webrtc' });
    const reconnect = new Promise<{ sessionId: string }>((resolve) =>
      viewer.once('media:reconnect', resolve),
    );
    const room = media.rooms.get('L3')!;
    process.kill(room.routers[0]!.slot.worker!.pid, 'SIGKILL');
    expect((await reconnect).sessionId).toBe('L3');
    const caps = await ok(viewer, 'media:getRouterRtpCapabilities', { sessionId: 'L3' });
    const t = await ok(viewer, 'media:createTransport', { sessionId: 'L3', type: 'webrtc' });
    const [video] = room.producers().filter((p) => p.kind === 'video');
    const c = await ok(viewer, 'media:consume', {
      sessionId: 'L3',
      transportId: t.id,
      producerId: video!.producerId,
      rtpCapabilities: caps,
    });
    expect(c.kind).toBe('video');
    await waitFor(() => pool.health().state === 'ok', 5000);
  });

  it('closeRoom ends the room for everyone, idempotently, and /metrics shows the rooms', async () => {
    sessions.live.set('L4', 'host-4');
    const host = await client(await tokens.mintAccess('host-4', ['member']));
    await publishIngest(host, 'L4');
    const viewer = await client();
    await ok(viewer, 'media:join', { sessionId: 'L4' });
    const t = await ok(viewer, 'media:createTransport', { sessionId: 'L4', type: 'webrtc' });
    const room = media.rooms.get('L4')!;
    await ok(viewer, 'media:consume', {
      sessionId: 'L4',
      transportId: t.id,
      producerId: room.producers()[0]!.producerId,
      rtpCapabilities: room.routerRtpCapabilities as unknown as ms.RtpCapabilities,
    });
    const metrics = await http.inject({
      url: '/metrics',
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/text\/plain/);
    expect(metrics.body).toMatch(/vitalive_media_room_consumers\{session="L4"\} 1/);
    expect(metrics.body).toMatch(/vitalive_media_worker_up\{worker="0"\} 1/);

    const closed = new Promise((resolve) => viewer.once('media:roomClosed', resolve));
    media.closeRoom('L4');
    media.closeRoom('L4');
    expect(await closed).toEqual({ sessionId: 'L4' });
    expect(room.closed).toBe(true);
    expect(room.transportCount()).toBe(0);
    expect(await code(viewer, 'media:createTransport', { sessionId: 'L4', type: 'webrtc' })).toBe(
      'MEDIA_NOT_JOINED',
    );
  });
});
