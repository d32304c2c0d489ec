// The live room's public shapes: options, what transports/consumers return to clients, and events.
import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import type { LayerHint } from './layers.ts';
import type { WorkerPool, WorkerSlot } from './worker-pool.ts';

export type PeerRole = 'host' | 'viewer';

export interface LiveRoomOptions {
  sessionId: string;
  hostId: string;
  pool: WorkerPool;
  logger: Logger;
  /** Consumers one router may carry before new viewers go to another worker's router. */
  consumerBudget: number;
  /** Consumers on a worker across every room (least-loaded worker first). */
  workerLoad: (slot: WorkerSlot) => number;
  listenIp: string;
  announcedAddress: string | undefined;
  /** Delay between a viewer's first (low-layer) frames and the move to its target layer. */
  layerUpgradeDelayMs: number;
  /** Least time between two keyframe requests sent to the host's encoder (or up a pipe), per layer; 0 off. */
  keyFrameRequestDelayMs: number;
}

export interface RoomRouter {
  readonly slot: WorkerSlot;
  readonly router: ms.Router;
  readonly origin: boolean;
}

/** A producer of the host on the origin router (internal to the room). */
export interface HostProducer {
  producer: ms.Producer;
  kind: ms.MediaKind;
  rtpParameters: ms.RtpParameters;
  spatialLayers: number;
  /** Set when it arrives through RTP ingest: re-created on the same port after a worker death. */
  ingestPort: number | undefined;
}

export interface ProducerInfo {
  producerId: string;
  kind: ms.MediaKind;
}

export interface WebRtcTransportInfo {
  id: string;
  iceParameters: ms.IceParameters;
  iceCandidates: ms.IceCandidate[];
  dtlsParameters: ms.DtlsParameters;
}

export interface PlainTransportInfo {
  id: string;
  ip: string;
  port: number;
  srtpParameters: ms.SrtpParameters | undefined;
}

export type ConnectParams =
  | { dtlsParameters: ms.DtlsParameters }
  | { ip: string; port: number; srtpParameters?: ms.SrtpParameters | undefined };

export interface ConsumeRequest {
  transportId: string;
  producerId: string;
  rtpCapabilities: ms.RtpCapabilities;
  hint?: LayerHint | undefined;
}

export interface ConsumerInfo {
  id: string;
  producerId: string;
  kind: ms.MediaKind;
  type: ms.ConsumerType;
  rtpParameters: ms.RtpParameters;
}

export interface LiveRoomEvents {
  /** The peer's transports are gone (worker died); it must create them again and re-consume. */
  reconnect: [peerId: string, reason: string];
  producer: [info: ProducerInfo];
  producerclose: [producerId: string];
  consumerclose: [peerId: string, consumerId: string];
  close: [];
}
