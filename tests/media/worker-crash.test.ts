// A worker SIGKILLed mid-stream: the room is re-homed on a running worker, the RTP ingest comes back
// on the same port (the encoder keeps sending), viewers are told to reconnect, re-consume, and
// packets flow again. The recovery time is printed as a figure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestHost, type PlainViewer, plainViewer, subscribe } from '../../loadtest/clients/sfu-clients.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { LiveRooms, type WorkerPool } from '../../media/index.ts';
import { testLogger } from '../helpers/logger.ts';
import { startPool } from '../helpers/media.ts';

describe('worker crash', () => {
  let pool: WorkerPool;
  let rooms: LiveRooms;

  beforeAll(async () => {
    pool = await startPool(2);
    rooms = new LiveRooms({ pool, logger: testLogger, consumerBudget: 4 });
  });
  afterAll(() => {
    rooms?.close();
    pool?.close();
  });

  it('re-homes the room and packets flow again to every viewer', async () => {
    const room = await rooms.open('crash', 'host-1');
    const host = await ingestHost(room, 'host-1');
    const viewers: PlainViewer[] = [];
    for (let i = 0; i < 4; i++) viewers.push(await plainViewer(room, `v${i}`));
    const originSlot = room.routers[0]!.slot;
    expect(room.routers).toHaveLength(2);

    // Viewers do what a client does on `reconnect`: create the transport again and re-consume.
    const resubscribed: Array<Promise<void>> = [];
    rooms.on('reconnect', (sid, peerId) => {
      const v = viewers.find((x) => x.peerId === peerId);
      if (sid === 'crash' && v) resubscribed.push(subscribe(room, v));
    });

    await host.source.start();
    const videoOf = (v: PlainViewer) => [...v.ssrcs].find(([, k]) => k === 'video')![0];
    await waitFor(() => viewers.every((v) => v.sink.count(videoOf(v)).packets > 30), 5000);

    const pid = originSlot.worker!.pid;
    const killedAt = performance.now();
    process.kill(pid, 'SIGKILL');
    await waitFor(() => resubscribed.length === viewers.length, 10_000);
    expect(resubscribed).toHaveLength(viewers.length);
    await Promise.all(resubscribed);

    // New consumers have new SSRCs: packets on them prove the new path works end to end.
    const flowing = () => viewers.every((v) => v.sink.count(videoOf(v)).packets > 0 && v.ssrcs.size === 2);
    await waitFor(flowing, { timeoutMs: 15_000, what: 'video on the new consumers', stepMs: 10 });
    const recoveryMs = Math.round(performance.now() - killedAt);
    console.log(JSON.stringify({ figure: 'media.workerCrashRecoveryMs', recoveryMs }));
    expect(room.routers[0]!.slot).not.toBe(originSlot);
    expect(
      room
        .producers()
        .map((p) => p.kind)
        .sort(),
    ).toEqual(['audio', 'video']);
    // Audio flows again too, and the replacement worker comes up in the dead slot.
    await waitFor(() => viewers.every((v) => [...v.ssrcs].every(([s]) => v.sink.count(s).packets > 0)), 5000);
    await waitFor(() => originSlot.state === 'ok' && originSlot.worker?.pid !== pid, 5000);
    host.source.close();
    for (const v of viewers) v.sink.close();
  });
});
