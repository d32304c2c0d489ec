// Real media through the SFU without a browser: a synthetic host (Opus + VP8 with real keyframes) sends
// RTP into a PlainTransport ingest; 25 viewers × 2 consumers = 50 consumers over two workers (the
// budget forces a pipeToRouter fan-out) receive every packet, counted per consumer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestHost, type PlainViewer, plainViewer } from '../../loadtest/clients/sfu-clients.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { LiveRooms, type WorkerPool } from '../../media/index.ts';
import { testLogger } from '../helpers/logger.ts';
import { startPool } from '../helpers/media.ts';

const VIEWERS = 25;

describe('media flow', () => {
  let pool: WorkerPool;
  let rooms: LiveRooms;

  beforeAll(async () => {
    pool = await startPool(2);
    rooms = new LiveRooms({ pool, logger: testLogger, consumerBudget: 26 });
  });
  afterAll(() => {
    rooms?.close();
    pool?.close();
  });

  it('delivers every audio and video packet to 50 consumers on two workers', async () => {
    const room = await rooms.open('flow', 'host-1');
    const host = await ingestHost(room, 'host-1');
    const viewers: PlainViewer[] = [];
    for (let i = 0; i < VIEWERS; i++) viewers.push(await plainViewer(room, `v${i}`));
    expect(room.consumerCount()).toBe(50);
    const slots = new Set(viewers.map((v) => room.homeOf(v.peerId)!.slot.index));
    expect(slots.size).toBe(2);

    // The stream starts with a keyframe, after every consumer is resumed: nothing may be dropped.
    await host.source.start();
    // About two seconds of stream (30 fps × 3 packets, audio every 20 ms), counted rather than timed.
    await waitFor(() => host.source.sent.video >= 180 && host.source.sent.audio >= 100, {
      what: 'two seconds of stream sent',
    });
    host.source.stop();
    const sent = { ...host.source.sent };
    const complete = () =>
      viewers.every((v) => [...v.ssrcs].every(([ssrc, kind]) => v.sink.count(ssrc).packets >= sent[kind]));
    // A timeout here is reported by the assertions below, which name what is missing.
    await waitFor(complete, 5000).catch(() => undefined);

    const lost = viewers.flatMap((v) =>
      [...v.ssrcs].map(([ssrc, kind]) => ({
        peer: v.peerId,
        kind,
        missing: sent[kind] - v.sink.count(ssrc).packets,
        gaps: v.sink.count(ssrc).gaps,
      })),
    );
    expect(lost).toHaveLength(50);
    expect(lost.filter((l) => l.missing !== 0 || l.gaps !== 0)).toEqual([]);
    const stats = await rooms.stats();
    expect(stats.workers.every((w) => w.consumers > 0)).toBe(true);
    host.source.close();
    for (const v of viewers) v.sink.close();
  });
});
