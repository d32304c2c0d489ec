// Re-homing a live room whose origin worker died: every peer's transports go, the lost producers are
// reported, a new origin is created on another worker, RTP ingest comes back on its own port, and the
// peers that must set up again are told to reconnect.
import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import type { RoomPeer } from './room-peer.ts';
import type { RoomRouters } from './room-routers.ts';
import type { HostProducer, LiveRoomOptions } from './room-types.ts';

/** Origin routers tried in a re-home before the room gives up (each on the least-loaded running worker). */
const REHOME_ATTEMPTS = 3;

/** What a re-home reaches of its room. */
export interface RehomeRoom {
  readonly opts: Pick<LiveRoomOptions, 'listenIp' | 'announcedAddress' | 'keyFrameRequestDelayMs'>;
  readonly log: Logger;
  readonly routers: RoomRouters;
  readonly peers: readonly RoomPeer[];
  readonly producers: Map<string, HostProducer>;
  closed(): boolean;
  addHostProducer(
    producer: ms.Producer,
    kind: ms.MediaKind,
    rtpParameters: ms.RtpParameters,
    ingestPort: number | undefined,
  ): Promise<void>;
  requestKeyFrames(): void;
  producerClosed(producerId: string): void;
  reconnect(peerId: string): void;
}

export async function rehome(room: RehomeRoom): Promise<void> {
  const started = Date.now();
  const { routers, peers, producers } = room;
  const ingest = [...producers.values()].filter((p) => p.ingestPort !== undefined);
  for (const peer of peers) peer.detach();
  routers.close();
  const lost = [...producers.keys()];
  producers.clear();
  for (const id of lost) room.producerClosed(id);
  // The chosen worker may die too while the router is created: try the next one.
  for (let attempt = 1; ; attempt++) {
    try {
      await routers.createOrigin();
      break;
    } catch (err) {
      if (room.closed() || attempt >= REHOME_ATTEMPTS) throw err;
    }
  }
  const origin = routers.origin;
  const host = peers.find((p) => p.role === 'host');
  if (host) host.home = origin;
  // RTP ingest resumes by itself on the same port: the encoder never notices.
  let ingestLost = false;
  if (host && ingest.length > 0) {
    try {
      await restoreIngest(room, host, ingest);
    } catch (err) {
      // The port was taken meanwhile: the host's client must set the ingest up again.
      ingestLost = true;
      room.log.error({ err }, 'RTP ingest could not be restored on its port');
    }
  }
  room.log.warn(
    { worker: origin?.slot.index, ms: Date.now() - started, ingest: ingest.length },
    'media room re-homed after a worker death',
  );
  for (const peer of peers) {
    if (peer.role === 'host' && !peer.usesWebRtc && !ingestLost) continue;
    room.reconnect(peer.id);
  }
}

async function restoreIngest(room: RehomeRoom, host: RoomPeer, ingest: HostProducer[]): Promise<void> {
  const byPort = new Map<number, HostProducer[]>();
  for (const p of ingest) byPort.set(p.ingestPort!, [...(byPort.get(p.ingestPort!) ?? []), p]);
  for (const [port, producers] of byPort) {
    const transport = await room.routers.origin!.router.createPlainTransport({
      listenIp: { ip: room.opts.listenIp, announcedIp: room.opts.announcedAddress },
      port,
      rtcpMux: true,
      comedia: true,
      appData: { peerId: host.id },
    });
    host.track(transport);
    // Viewers re-consume before the encoder's next packet reveals its address (comedia), so their
    // keyframe requests had nowhere to go: ask again once it is known.
    transport.once('tuple', () => room.requestKeyFrames());
    for (const old of producers) {
      const producer = await transport.produce({
        kind: old.kind,
        rtpParameters: old.rtpParameters,
        keyFrameRequestDelay: room.opts.keyFrameRequestDelayMs,
      });
      await room.addHostProducer(producer, old.kind, old.rtpParameters, port);
    }
  }
}
