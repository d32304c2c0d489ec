// The cascade on loopback: one origin media node and two edge nodes (each a whole media-node composition
// with its own worker, HTTP port and directory entry) on one throwaway Redis. A synthetic host (RTP
// ingest: Opus + VP8 with real keyframes) publishes to the origin; viewers on both edges receive every
// packet; an edge that dies loses only its viewers, who move to the other edge; an edge whose viewers
// left closes its pipe after the grace period; ending the session closes every pipe and room.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaNodeProcess } from '../../gateway/compose/media-node.ts';
import { type MediaCluster, startMediaCluster, viewersOn } from '../../loadtest/clients/media-cluster.ts';
import { ingestHost, type PlainViewer, subscribe } from '../../loadtest/clients/sfu-clients.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { testLogger } from '../helpers/logger.ts';

const SESSION = 'cascade-1';
const HOST = 'host-1';
const PER_EDGE = 5;

/** Sends about a second of stream and returns what each viewer missed (empty when nothing was lost). */
async function burst(host: Awaited<ReturnType<typeof ingestHost>>, viewers: PlainViewer[]) {
  // Packets of an earlier stretch still in flight must not count for this one.
  const received = () =>
    viewers.reduce((n, v) => n + [...v.sink.counts.values()].reduce((m, c) => m + c.packets, 0), 0);
  for (let last = -1; last !== received(); ) {
    last = received();
    await new Promise((r) => setTimeout(r, 150));
  }
  for (const v of viewers) v.sink.reset();
  const before = { ...host.source.sent };
  if (host.source.sent.video === 0) await host.source.start();
  else host.source.resume();
  await waitFor(
    () => host.source.sent.video - before.video >= 90 && host.source.sent.audio - before.audio >= 50,
    {
      what: 'a second of stream sent',
    },
  );
  host.source.pause();
  const sent = { video: host.source.sent.video - before.video, audio: host.source.sent.audio - before.audio };
  const complete = () =>
    viewers.every((v) => [...v.ssrcs].every(([ssrc, kind]) => v.sink.count(ssrc).packets >= sent[kind]));
  await waitFor(complete, 5000).catch(() => undefined);
  return viewers
    .flatMap((v) =>
      [...v.ssrcs].map(([ssrc, kind]) => ({
        peer: v.peerId,
        kind,
        missing: sent[kind] - v.sink.count(ssrc).packets,
        gaps: v.sink.count(ssrc).gaps,
      })),
    )
    .filter((l) => l.missing !== 0 || l.gaps !== 0);
}

describe('cascade between media nodes', () => {
  let cluster: MediaCluster;
  let origin: MediaNodeProcess;
  let edgeA: MediaNodeProcess;
  let edgeB: MediaNodeProcess;

  beforeAll(async () => {
    cluster = await startMediaCluster({ logger: testLogger, pipeGraceMs: 500 });
    origin = await cluster.startNode({ id: 'origin', region: 'r0' });
    edgeA = await cluster.startNode({ id: 'edge-a', region: 'r1' });
    edgeB = await cluster.startNode({ id: 'edge-b', region: 'r1' });
    cluster.sessions.live.set(SESSION, HOST);
  }, 60_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it("carries the host from the origin to viewers on two edges, moves a dead edge's viewers, and closes every pipe at the end", async () => {
    // The host publishes to the origin (it claims the session there).
    await origin.cascade.hostJoining(SESSION);
    const originRoom = await origin.rooms.open(SESSION, HOST);
    const host = await ingestHost(originRoom, HOST);
    await expect(edgeA.cascade.hostJoining(SESSION)).rejects.toMatchObject({ code: 'MEDIA_NOT_ORIGIN' });

    const a = await viewersOn(edgeA, SESSION, HOST, PER_EDGE);
    const b = await viewersOn(edgeB, SESSION, HOST, PER_EDGE);
    expect(origin.cascade.edgesOf(SESSION).sort()).toEqual(['edge-a', 'edge-b']);
    expect(edgeA.cascade.importOf(SESSION)).toBe('origin');
    // The edges serve their viewers from their own workers: nothing but the pipe reaches the origin.
    expect(originRoom.consumerCount()).toBe(0);
    expect(a.room.consumerCount() + b.room.consumerCount()).toBe(PER_EDGE * 2 * 2);

    expect(await burst(host, [...a.viewers, ...b.viewers])).toEqual([]);

    // Edge A dies (no goodbye: its entry expires). Its viewers ask the directory again and land on the
    // other edge of their region; the origin drops its pipe to the dead edge.
    await edgeA.halt();
    for (const v of a.viewers) v.sink.reset();
    await waitFor(async () => !(await origin.directory.list()).some((n) => n.nodeId === 'edge-a'), {
      what: 'edge-a to drop out of the directory',
    });
    const next = await origin.directory.pick({ region: 'r1' });
    expect(next?.nodeId).toBe('edge-b');
    await waitFor(() => origin.cascade.edgesOf(SESSION).join() === 'edge-b', {
      what: "the dead edge's pipe to close",
    });
    const moved = b.room;
    for (const v of a.viewers) {
      moved.join(v.peerId, 'viewer');
      await subscribe(moved, v);
    }
    expect(await burst(host, [...a.viewers, ...b.viewers])).toEqual([]);

    // Every viewer of edge B leaves: its pipe and room close after the grace period.
    for (const v of [...a.viewers, ...b.viewers]) moved.leave(v.peerId);
    await waitFor(() => origin.cascade.edgesOf(SESSION).length === 0 && edgeB.cascade.pipes === 0, {
      what: 'the idle edge to close its pipe',
    });
    expect(edgeB.rooms.get(SESSION)).toBeUndefined();

    // A viewer comes back; then the session ends: every node closes its room and every pipe.
    // The host sends on meanwhile, as a real one does: the new pipe's first keyframe request needs the
    // stream flowing through the edge's piped producer to reach the encoder.
    host.source.resume();
    const c = await viewersOn(edgeB, SESSION, HOST, 1, { prefix: 'late' });
    await waitFor(
      () => [...c.viewers[0]!.ssrcs.keys()].every((ssrc) => c.viewers[0]!.sink.count(ssrc).packets > 0),
      {
        what: 'the late viewer to receive',
      },
    );
    host.source.pause();
    expect(await burst(host, c.viewers)).toEqual([]);
    expect(edgeB.cascade.pipes).toBe(1);
    await cluster.endSession(SESSION);
    await waitFor(() => origin.rooms.size === 0 && edgeB.rooms.size === 0, { what: 'every room to close' });
    expect(origin.cascade.pipes + edgeB.cascade.pipes).toBe(0);
    expect(await origin.directory.originOf(SESSION)).toBeUndefined();
    host.source.close();
    for (const v of [...a.viewers, ...b.viewers, ...c.viewers]) v.sink.close();
  }, 90_000);

  it("announces a dead origin to the edge's viewers, and the edge pulls again from the node the host republishes to", async () => {
    const session = 'cascade-2';
    cluster.sessions.live.set(session, HOST);
    const first = await cluster.startNode({ id: 'origin-2' });
    const edge = await cluster.startNode({ id: 'edge-c' });
    await first.cascade.hostJoining(session);
    const host1 = await ingestHost(await first.rooms.open(session, HOST), HOST);
    const c = await viewersOn(edge, session, HOST, 3);
    expect(await burst(host1, c.viewers)).toEqual([]);

    const lost: string[] = [];
    edge.cascade.on('originlost', (id) => lost.push(id));
    await first.halt();
    await waitFor(() => lost.includes(session), { what: 'the edge to announce the lost origin' });
    // The session goes on: the edge's room stays, its copy of the host's producers is gone.
    expect(c.room.producers()).toEqual([]);
    expect(edge.rooms.get(session)).toBe(c.room);

    // The host's console publishes again, to the node the gateway gives it now.
    const second = cluster.nodes.get('edge-b')!;
    await second.cascade.hostJoining(session);
    const host2 = await ingestHost(await second.rooms.open(session, HOST), HOST);
    await waitFor(() => c.room.producers().length === 2, { what: 'the edge to pull from the new origin' });
    expect(edge.cascade.importOf(session)).toBe('edge-b');
    await host2.source.start();
    for (const v of c.viewers) await subscribe(c.room, v);
    await waitFor(
      () => c.viewers.every((v) => [...v.ssrcs.keys()].every((ssrc) => v.sink.count(ssrc).packets > 0)),
      { what: 'the viewers to receive from the new origin' },
    );
    host2.source.pause();
    expect(await burst(host2, c.viewers)).toEqual([]);
    await cluster.endSession(session);
    await waitFor(() => edge.rooms.size === 0 && second.rooms.get(session) === undefined, {
      what: 'the rooms to close',
    });
    host1.source.close();
    host2.source.close();
    for (const v of c.viewers) v.sink.close();
  }, 90_000);

  it('asks the host for about one keyframe per second while viewers join on two edges at once', async () => {
    const session = 'cascade-3';
    cluster.sessions.live.set(session, HOST);
    const edges = [await cluster.startNode({ id: 'edge-d' }), await cluster.startNode({ id: 'edge-e' })];
    await origin.cascade.hostJoining(session);
    const host = await ingestHost(await origin.rooms.open(session, HOST), HOST);
    await host.source.start();
    // One viewer per edge first, so both pipes are open and flowing before the burst.
    const first = await Promise.all(
      edges.map((e) => viewersOn(e, session, HOST, 1, { prefix: `${e.nodeId}-first` })),
    );
    // Each first viewer receives on both of its consumers' SSRCs (the sink also sees the bandwidth
    // probation stream, so its count of SSRCs says nothing).
    await waitFor(
      () =>
        first.every(({ viewers: [v] }) =>
          [...v!.ssrcs.keys()].every((ssrc) => v!.sink.count(ssrc).packets > 0),
        ),
      { what: 'the first viewers' },
    );
    await new Promise((r) => setTimeout(r, 1100));
    const before = host.source.sent.keyframeRequests;
    const started = performance.now();
    // 2 × 20 viewers join at once; each new video consumer asks for a keyframe when it resumes.
    const burstViewers = await Promise.all(
      edges.map((e) => viewersOn(e, session, HOST, 20, { prefix: `${e.nodeId}-burst` })),
    );
    const seconds = (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 1100));
    const requests = host.source.sent.keyframeRequests - before;
    // The delayer lets one request through, then at most one per second (and one trailing).
    expect(requests).toBeLessThanOrEqual(Math.ceil(seconds + 1.1) + 1);
    expect(requests).toBeGreaterThan(0);
    host.source.close();
    for (const f of [...first, ...burstViewers]) for (const v of f.viewers) v.sink.close();
    await cluster.endSession(session);
  }, 90_000);
});
