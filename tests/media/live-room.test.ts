// Live rooms at the API level: lifecycle, host-only publishing, fan-out to a second worker's router
// when the consumer budget is used, and idempotent close that cascades to every mediasoup object.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ingestHost, plainViewer } from '../../loadtest/clients/sfu-clients.ts';
import { LiveRooms, pickSpatialLayer, type WorkerPool } from '../../media/index.ts';
import { testLogger } from '../helpers/logger.ts';
import { startPool } from '../helpers/media.ts';

describe('LiveRooms', () => {
  let pool: WorkerPool;
  let rooms: LiveRooms;

  beforeAll(async () => {
    pool = await startPool(2);
  });
  afterEach(() => rooms?.close());
  afterAll(() => pool?.close());

  it('opens one room per session, idempotently, with an origin router', async () => {
    rooms = new LiveRooms({ pool, logger: testLogger });
    const a = await rooms.open('S1', 'host-1');
    const again = await rooms.open('S1', 'host-1');
    expect(again).toBe(a);
    expect(a.routers).toHaveLength(1);
    expect(a.routers[0]!.origin).toBe(true);
    const codecs = a.routerRtpCapabilities.codecs!.map((c) => c.mimeType);
    expect(codecs).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8', 'video/H264']));
    expect(rooms.size).toBe(1);
  });

  it('walks a host and a viewer through the whole lifecycle', async () => {
    rooms = new LiveRooms({ pool, logger: testLogger });
    const room = await rooms.open('S2', 'host-1');
    const seen: string[] = [];
    rooms.on('producer', (sid, p) => seen.push(`${sid}:${p.kind}`));
    const host = await ingestHost(room, 'host-1');
    expect(seen).toEqual(['S2:audio', 'S2:video']);
    expect(room.producers()).toHaveLength(2);

    room.join('v1', 'viewer');
    const webrtc = await room.createWebRtcTransport('v1');
    expect(webrtc.iceCandidates.length).toBeGreaterThan(0);
    expect(webrtc.iceCandidates.some((c) => c.port === room.homeOf('v1')!.slot.port)).toBe(true);
    const ice = await room.restartIce('v1', webrtc.id);
    expect(ice.usernameFragment).not.toBe(webrtc.iceParameters.usernameFragment);

    const c = await room.consume('v1', {
      transportId: webrtc.id,
      producerId: host.producerIds.video,
      rtpCapabilities: room.routerRtpCapabilities,
      hint: { viewportHeight: 360 },
    });
    expect(c.kind).toBe('video');
    expect(room.consumerCount()).toBe(1);
    await room.resume('v1', c.id);
    expect(await room.setPreferredLayers('v1', c.id, { maxSpatialLayer: 0 })).toBe(0);

    room.leave('v1');
    room.leave('v1');
    expect(room.consumerCount()).toBe(0);
    await expect(room.createWebRtcTransport('v1')).rejects.toMatchObject({ code: 'MEDIA_NOT_JOINED' });
    host.source.close();
  });

  it('lets only the host produce, and only consume producers of this room', async () => {
    rooms = new LiveRooms({ pool, logger: testLogger });
    const room = await rooms.open('S3', 'host-1');
    const other = await rooms.open('S3b', 'host-2');
    const otherHost = await ingestHost(other, 'host-2');
    room.join('v1', 'viewer');
    const t = await room.createPlainTransport('v1');
    await expect(
      room.produce('v1', {
        transportId: t.id,
        kind: 'audio',
        rtpParameters: {
          codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
        },
      }),
    ).rejects.toMatchObject({ code: 'MEDIA_HOST_ONLY' });
    await expect(
      room.consume('v1', {
        transportId: t.id,
        producerId: otherHost.producerIds.video,
        rtpCapabilities: room.routerRtpCapabilities,
      }),
    ).rejects.toMatchObject({ code: 'MEDIA_PRODUCER_NOT_FOUND' });
    await expect(
      room.consume('v1', {
        transportId: 'nope',
        producerId: otherHost.producerIds.video,
        rtpCapabilities: room.routerRtpCapabilities,
      }),
    ).rejects.toMatchObject({ code: 'MEDIA_PRODUCER_NOT_FOUND' });
    otherHost.source.close();
  });

  it('bounds the transports a peer may hold', async () => {
    rooms = new LiveRooms({ pool, logger: testLogger });
    const room = await rooms.open('S6', 'host-1');
    room.join('greedy', 'viewer');
    for (let i = 0; i < 4; i++) await room.createWebRtcTransport('greedy');
    await expect(room.createWebRtcTransport('greedy')).rejects.toMatchObject({ code: 'MEDIA_LIMIT_REACHED' });
    room.leave('greedy');
    room.join('greedy', 'viewer');
    await expect(room.createWebRtcTransport('greedy')).resolves.toBeTruthy();
  });

  it('fans out to a router on the other worker once the budget is used', async () => {
    // Budget 4 consumers: two viewers (audio + video each) fill the origin.
    rooms = new LiveRooms({ pool, logger: testLogger, consumerBudget: 4 });
    const room = await rooms.open('S4', 'host-1');
    const host = await ingestHost(room, 'host-1');
    const v1 = await plainViewer(room, 'v1');
    const v2 = await plainViewer(room, 'v2');
    const origin = room.routers[0]!;
    expect(room.homeOf('v1')).toBe(origin);
    expect(room.homeOf('v2')).toBe(origin);
    const v3 = await plainViewer(room, 'v3');
    const edge = room.homeOf('v3')!;
    expect(edge.origin).toBe(false);
    expect(edge.slot).not.toBe(origin.slot);
    expect(room.routers).toHaveLength(2);
    expect(room.consumerCount()).toBe(6);
    const stats = await rooms.stats();
    const byWorker = new Map(stats.workers.map((w) => [w.index, w.consumers]));
    expect(byWorker.get(origin.slot.index)).toBe(4);
    expect(byWorker.get(edge.slot.index)).toBe(2);
    expect(stats.rooms[0]).toMatchObject({ sessionId: 'S4', producers: 2, consumers: 6, routers: 2 });
    // /staff reads through a short cache; a fresh read sees changes at once.
    room.leave('v3');
    expect((await rooms.stats({ maxAgeMs: 60_000 })).rooms[0]!.consumers).toBe(6);
    expect((await rooms.stats()).rooms[0]!.consumers).toBe(4);
    for (const v of [v1, v2, v3]) v.sink.close();
    host.source.close();
  });

  it('closes what a leaving peer held, and only that, once', async () => {
    rooms = new LiveRooms({ pool, logger: testLogger });
    const room = await rooms.open('S7', 'host-1');
    const host = await ingestHost(room, 'host-1');
    const v1 = await plainViewer(room, 'v1');
    const v2 = await plainViewer(room, 'v2');
    const [first, second] = [v1, v2].map((v) =>
      room.mediaObjects().consumers.filter((c) => c.appData.peerId === v.peerId),
    );
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(2);
    expect(room.transportCount()).toBe(3);

    room.leave('v1');
    room.leave('v1');
    expect(first!.every((c) => c.closed)).toBe(true);
    expect(second!.some((c) => c.closed)).toBe(false);
    expect(room.transportCount()).toBe(2);
    expect(room.producers()).toHaveLength(2);
    v1.sink.close();
    v2.sink.close();
    host.source.close();
  });

  it('closes a room idempotently, cascading to routers, transports, producers and consumers', async () => {
    rooms = new LiveRooms({ pool, logger: testLogger, consumerBudget: 2 });
    const room = await rooms.open('S5', 'host-1');
    const host = await ingestHost(room, 'host-1');
    const v1 = await plainViewer(room, 'v1');
    const v2 = await plainViewer(room, 'v2');
    const { producers, consumers } = room.mediaObjects();
    const routers = room.routers.map((r) => r.router);
    expect(routers).toHaveLength(2);
    expect(consumers).toHaveLength(4);
    const closed: string[] = [];
    rooms.on('roomclose', (sid) => closed.push(sid));

    rooms.closeRoom('S5');
    rooms.closeRoom('S5');
    room.close();
    expect(closed).toEqual(['S5']);
    expect(room.closed).toBe(true);
    expect(rooms.get('S5')).toBeUndefined();
    expect(routers.every((r) => r.closed)).toBe(true);
    expect(producers.every((p) => p.closed)).toBe(true);
    expect(consumers.every((c) => c.closed)).toBe(true);
    expect(room.transportCount()).toBe(0);
    await expect(room.createPlainTransport('v1')).rejects.toMatchObject({ code: 'MEDIA_ROOM_CLOSED' });
    // Nothing of the room is left on either worker.
    for (const slot of pool.slots) {
      const dump = (await slot.worker!.dump()) as { routerIds: string[] };
      for (const r of routers) expect(dump.routerIds).not.toContain(r.id);
    }
    v1.sink.close();
    v2.sink.close();
    host.source.close();
  });
});

describe('pickSpatialLayer', () => {
  it('takes the lowest of viewport need, client hint and bandwidth', () => {
    expect(pickSpatialLayer({}, undefined, 3)).toBe(2);
    expect(pickSpatialLayer({ viewportHeight: 180 }, undefined, 3)).toBe(0);
    expect(pickSpatialLayer({ viewportHeight: 360 }, undefined, 3)).toBe(1);
    expect(pickSpatialLayer({ viewportHeight: 1080 }, undefined, 3)).toBe(2);
    expect(pickSpatialLayer({ maxSpatialLayer: 1 }, 5_000_000, 3)).toBe(1);
    expect(pickSpatialLayer({}, 600_000, 3)).toBe(1);
    expect(pickSpatialLayer({}, 100_000, 3)).toBe(0);
    expect(pickSpatialLayer({ bandwidthBps: 200_000 }, 5_000_000, 3)).toBe(0);
    expect(pickSpatialLayer({}, 5_000_000, 2)).toBe(1);
  });
});
