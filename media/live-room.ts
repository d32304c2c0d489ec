// One live session's media: the room's routers (room-routers.ts: origin, fan-out to edge routers on
// other workers, where each peer is homed), its peers (room-peer.ts: transports and consumers) and the
// host's producers. close() is idempotent and cascades to routers and peers; a dead worker is the other
// path: what it hosted is re-homed (room-rehome.ts) and the affected peers are told to reconnect.
import { EventEmitter } from 'node:events';
import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import { VitaliveError } from '../protocols/index.ts';
import type { LayerHint } from './layers.ts';
import { asCoded } from './media-errors.ts';
import { RoomPeer } from './room-peer.ts';
import { createPipe, type PipedProducer, type PipeListen } from './room-pipes.ts';
import { rehome } from './room-rehome.ts';
import { RoomRouters } from './room-routers.ts';
import type {
  ConnectParams,
  ConsumeRequest,
  ConsumerInfo,
  HostProducer,
  LiveRoomEvents,
  LiveRoomOptions,
  PeerRole,
  PlainTransportInfo,
  ProducerInfo,
  RoomRouter,
  WebRtcTransportInfo,
} from './room-types.ts';
import type { WorkerSlot } from './worker-pool.ts';

export type {
  ConnectParams,
  ConsumeRequest,
  ConsumerInfo,
  LiveRoomEvents,
  LiveRoomOptions,
  PeerRole,
  PlainTransportInfo,
  ProducerInfo,
  RoomRouter,
  WebRtcTransportInfo,
};

export class LiveRoom extends EventEmitter<LiveRoomEvents> {
  readonly sessionId: string;
  readonly hostId: string;
  readonly #opts: LiveRoomOptions;
  readonly #log: Logger;
  readonly #routers: RoomRouters;
  readonly #peers = new Map<string, RoomPeer>();
  readonly #producers = new Map<string, HostProducer>();
  /** Operations wait for this: creating the origin, or re-homing after a worker death. */
  #ready: Promise<void>;
  #closed = false;

  constructor(opts: LiveRoomOptions) {
    super();
    this.sessionId = opts.sessionId;
    this.hostId = opts.hostId;
    this.#opts = opts;
    this.#log = opts.logger.child({ sessionId: opts.sessionId });
    this.#routers = new RoomRouters({
      room: opts,
      log: this.#log,
      peers: () => this.#peers.values(),
      producers: () => this.#producers,
      closed: () => this.#closed,
    });
    this.#ready = this.#routers.createOrigin();
    this.#ready.catch(() => {});
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Resolves once the origin router exists (rejects if no worker could host it). */
  ready(): Promise<void> {
    return this.#ready;
  }

  get routerRtpCapabilities(): ms.RtpCapabilities {
    const origin = this.#routers.origin;
    if (!origin) throw new VitaliveError('MEDIA_WORKER_UNAVAILABLE');
    return origin.router.rtpCapabilities;
  }

  get routers(): readonly RoomRouter[] {
    return this.#routers.all;
  }

  producers(): ProducerInfo[] {
    return [...this.#producers.values()].map((p) => ({ producerId: p.producer.id, kind: p.kind }));
  }

  /** The router a peer is homed on (assigned at its first transport), for tests and stats. */
  homeOf(peerId: string): RoomRouter | undefined {
    return this.#peers.get(peerId)?.home;
  }

  consumerCount(): number {
    let n = 0;
    for (const peer of this.#peers.values()) n += peer.consumers.size;
    return n;
  }

  /** Consumers actually open on one of this room's routers. */
  consumersOn(router: RoomRouter): number {
    let n = 0;
    for (const peer of this.#peers.values()) {
      if (peer.home !== router) continue;
      n += peer.consumers.size;
    }
    return n;
  }

  /** Producers and consumers with their live mediasoup objects, for stats. */
  mediaObjects(): { producers: ms.Producer[]; consumers: ms.Consumer[] } {
    const consumers: ms.Consumer[] = [];
    for (const peer of this.#peers.values())
      for (const c of peer.consumers.values()) consumers.push(c.consumer);
    return { producers: [...this.#producers.values()].map((p) => p.producer), consumers };
  }

  transportCount(): number {
    let n = 0;
    for (const peer of this.#peers.values()) n += peer.transports.size;
    return n;
  }

  /** Consumers this room has (or has reserved) on routers of the given worker slot. */
  loadOn(slot: WorkerSlot): number {
    let n = 0;
    for (const r of this.routers) if (r.slot === slot) n += this.#routers.load(r);
    return n;
  }

  join(peerId: string, role: PeerRole): void {
    this.#assertOpen();
    const existing = this.#peers.get(peerId);
    if (existing) {
      if (existing.role !== role)
        throw new VitaliveError('CONFLICT', { reason: 'peer joined with another role' });
      return;
    }
    this.#peers.set(peerId, new RoomPeer(peerId, role));
  }

  roleOf(peerId: string): PeerRole | undefined {
    return this.#peers.get(peerId)?.role;
  }

  hasPeer(peerId: string): boolean {
    return this.#peers.has(peerId);
  }

  async createWebRtcTransport(peerId: string): Promise<WebRtcTransportInfo> {
    const peer = await this.#readyPeer(peerId);
    peer.assertTransportRoom();
    const home = await this.#routers.homeOf(peer);
    const webRtcServer = home.slot.webRtcServer;
    if (!webRtcServer || home.router.closed) throw new VitaliveError('MEDIA_WORKER_UNAVAILABLE');
    const transport = await home.router.createWebRtcTransport({
      webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      // Start estimates low enough for phones; the estimate grows as the link proves itself.
      initialAvailableOutgoingBitrate: 600_000,
      appData: { peerId },
    });
    peer.usesWebRtc = true;
    if (peer.role === 'viewer') await peer.watchBandwidth(transport);
    peer.track(transport);
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  /**
   * A PlainTransport: for the host it is an RTP ingest (comedia: the remote address is learnt from
   * the first packet, so ffmpeg/OBS need no answer); for a viewer it sends to an address given by
   * connectTransport. `srtp` enables SRTP with AEAD_AES_128_GCM.
   */
  async createPlainTransport(
    peerId: string,
    opts: { srtp?: boolean; port?: number } = {},
  ): Promise<PlainTransportInfo> {
    const peer = await this.#readyPeer(peerId);
    peer.assertTransportRoom();
    const home = await this.#routers.homeOf(peer);
    const transport = await home.router.createPlainTransport({
      listenIp: { ip: this.#opts.listenIp, announcedIp: this.#opts.announcedAddress },
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      rtcpMux: true,
      comedia: peer.role === 'host',
      ...(opts.srtp ? { enableSrtp: true, srtpCryptoSuite: 'AEAD_AES_128_GCM' as const } : {}),
      appData: { peerId },
    });
    peer.track(transport);
    return {
      id: transport.id,
      ip: this.#opts.announcedAddress ?? transport.tuple.localIp,
      port: transport.tuple.localPort,
      srtpParameters: transport.srtpParameters,
    };
  }

  async connectTransport(peerId: string, transportId: string, params: ConnectParams): Promise<void> {
    const peer = await this.#readyPeer(peerId);
    const transport = peer.transport(transportId);
    try {
      if ('dtlsParameters' in params) {
        if (!('iceParameters' in transport)) {
          throw new VitaliveError('MEDIA_INVALID_PARAMETERS', { reason: 'not a WebRTC transport' });
        }
        await (transport as ms.WebRtcTransport).connect({ dtlsParameters: params.dtlsParameters });
      } else {
        if ('iceParameters' in transport) {
          throw new VitaliveError('MEDIA_INVALID_PARAMETERS', { reason: 'not a plain transport' });
        }
        await (transport as ms.PlainTransport).connect({
          ip: params.ip,
          port: params.port,
          ...(params.srtpParameters ? { srtpParameters: params.srtpParameters } : {}),
        });
      }
    } catch (err) {
      throw asCoded(err);
    }
  }

  async produce(
    peerId: string,
    req: { transportId: string; kind: ms.MediaKind; rtpParameters: ms.RtpParameters },
  ): Promise<{ id: string }> {
    const peer = await this.#readyPeer(peerId);
    if (peer.role !== 'host') throw new VitaliveError('MEDIA_HOST_ONLY', { sessionId: this.sessionId });
    const transport = peer.transport(req.transportId);
    const ingest = !('iceParameters' in transport);
    let producer: ms.Producer;
    try {
      // Hundreds of viewers joining at once each ask for a keyframe: the encoder hears at most one per delay.
      producer = await transport.produce({
        kind: req.kind,
        rtpParameters: req.rtpParameters,
        keyFrameRequestDelay: this.#opts.keyFrameRequestDelayMs,
      });
    } catch (err) {
      throw asCoded(err);
    }
    const port = ingest ? (transport as ms.PlainTransport).tuple.localPort : undefined;
    await this.#addHostProducer(producer, req.kind, req.rtpParameters, port);
    return { id: producer.id };
  }

  /** Peers in the room (the host included), or only those of one role. */
  peerCount(role?: PeerRole): number {
    if (!role) return this.#peers.size;
    let n = 0;
    for (const peer of this.#peers.values()) if (peer.role === role) n++;
    return n;
  }

  /** A PipeTransport on the origin router, towards another media node (either direction). */
  async createPipe(): Promise<ms.PipeTransport> {
    this.#assertOpen();
    await this.#ready;
    const origin = this.#routers.origin;
    if (!origin || origin.router.closed) throw new VitaliveError('MEDIA_WORKER_UNAVAILABLE');
    return createPipe(origin.router, this.pipeListen);
  }

  get pipeListen(): PipeListen {
    return { listenIp: this.#opts.listenIp, announcedAddress: this.#opts.announcedAddress };
  }

  /**
   * A host producer piped in from the session's origin node: it keeps the origin's id and is served to
   * this room's viewers (and fanned out to its other workers) as if the host published here.
   */
  async receivePiped(transport: ms.PipeTransport, piped: PipedProducer): Promise<ms.Producer> {
    this.#assertOpen();
    const producer = await transport.produce({
      id: piped.producerId,
      kind: piped.kind,
      rtpParameters: piped.rtpParameters,
      paused: piped.paused,
      // Keyframe requests of this node's viewers travel up the pipe at most once per delay.
      keyFrameRequestDelay: this.#opts.keyFrameRequestDelayMs,
    });
    await this.#addHostProducer(producer, piped.kind, piped.rtpParameters, undefined);
    return producer;
  }

  async consume(peerId: string, req: ConsumeRequest): Promise<ConsumerInfo> {
    const peer = await this.#readyPeer(peerId);
    const source = this.#producers.get(req.producerId);
    if (!source) throw new VitaliveError('MEDIA_PRODUCER_NOT_FOUND', { producerId: req.producerId });
    const transport = peer.transport(req.transportId);
    peer.assertConsumerRoom();
    const home = peer.home!;
    if (!home.router.canConsume({ producerId: req.producerId, rtpCapabilities: req.rtpCapabilities })) {
      throw new VitaliveError('MEDIA_CANNOT_CONSUME', {
        producerId: req.producerId,
        reason: 'no codec in common',
      });
    }
    let consumer: ms.Consumer;
    try {
      consumer = await transport.consume({
        producerId: req.producerId,
        rtpCapabilities: req.rtpCapabilities,
        paused: true,
        // New viewers start on the lowest layer: its keyframe is small and arrives first.
        ...(source.spatialLayers > 1 ? { preferredLayers: { spatialLayer: 0, temporalLayer: 2 } } : {}),
        appData: { peerId },
      });
    } catch (err) {
      throw asCoded(err);
    }
    peer.addConsumer(consumer, req.hint ?? {}, source.spatialLayers, () =>
      this.#emitSafely('consumerclose', peer.id, consumer.id),
    );
    return {
      id: consumer.id,
      producerId: req.producerId,
      kind: consumer.kind,
      type: consumer.type,
      rtpParameters: consumer.rtpParameters,
    };
  }

  /** Starts sending: asks the host for a keyframe at once, then moves up to the target layer. */
  async resume(peerId: string, consumerId: string): Promise<void> {
    const peer = await this.#readyPeer(peerId);
    const entry = peer.consumer(consumerId);
    await entry.consumer.resume();
    if (entry.consumer.kind === 'video') await entry.consumer.requestKeyFrame();
    if (entry.spatialLayers > 1) peer.scheduleUpgrade(entry, this.#opts.layerUpgradeDelayMs, this.#log);
  }

  /** Asks the host's encoder for a keyframe on this consumer's stream (a recorder after a gap). */
  async requestKeyFrame(peerId: string, consumerId: string): Promise<void> {
    const peer = await this.#readyPeer(peerId);
    const { consumer } = peer.consumer(consumerId);
    if (consumer.kind === 'video') await consumer.requestKeyFrame();
  }

  async pause(peerId: string, consumerId: string): Promise<void> {
    const peer = await this.#readyPeer(peerId);
    await peer.consumer(consumerId).consumer.pause();
  }

  /** The client's layer hint; the server's bandwidth estimate may still lower the layer it gets. */
  async setPreferredLayers(peerId: string, consumerId: string, hint: LayerHint): Promise<number> {
    const peer = await this.#readyPeer(peerId);
    const entry = peer.consumer(consumerId);
    entry.hint = { ...entry.hint, ...hint };
    return peer.applyLayers(entry);
  }

  async restartIce(peerId: string, transportId: string): Promise<ms.IceParameters> {
    const peer = await this.#readyPeer(peerId);
    const transport = peer.transport(transportId);
    if (!('iceParameters' in transport)) {
      throw new VitaliveError('MEDIA_INVALID_PARAMETERS', { reason: 'not a WebRTC transport' });
    }
    return (transport as ms.WebRtcTransport).restartIce();
  }

  /** Idempotent: closes the peer's transports (and with them its producers and consumers). */
  leave(peerId: string): void {
    const peer = this.#peers.get(peerId);
    if (!peer) return;
    this.#peers.delete(peerId);
    peer.close();
  }

  /** Idempotent; cascades: routers → transports → producers/consumers. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of this.#peers.values()) peer.close();
    this.#peers.clear();
    this.#producers.clear();
    this.#routers.close();
    this.#emitSafely('close');
    this.removeAllListeners();
  }

  /** Called by the rooms when a worker died: re-home what it hosted and tell its peers. */
  async onWorkerDied(slot: WorkerSlot): Promise<void> {
    if (this.#closed) return;
    if (this.#routers.origin?.slot === slot) {
      this.#ready = this.#rehome();
      this.#ready.catch((err: unknown) => this.#log.error({ err }, 'media room re-home failed'));
      await this.#ready.catch(() => {});
      return;
    }
    const dead = this.#routers.dropEdgesOn(slot);
    if (dead.length === 0) return;
    for (const peer of this.#peers.values()) {
      if (peer.home && dead.includes(peer.home)) {
        peer.detach();
        this.#emitSafely('reconnect', peer.id, 'media worker died');
      }
    }
  }

  // --- internals ---

  #rehome(): Promise<void> {
    return rehome({
      opts: this.#opts,
      log: this.#log,
      routers: this.#routers,
      peers: [...this.#peers.values()],
      producers: this.#producers,
      closed: () => this.#closed,
      addHostProducer: (producer, kind, rtpParameters, port) =>
        this.#addHostProducer(producer, kind, rtpParameters, port),
      requestKeyFrames: () => this.#requestKeyFrames(),
      producerClosed: (id) => this.#emitSafely('producerclose', id),
      reconnect: (peerId) => this.#emitSafely('reconnect', peerId, 'media worker died'),
    });
  }

  async #addHostProducer(
    producer: ms.Producer,
    kind: ms.MediaKind,
    rtpParameters: ms.RtpParameters,
    ingestPort: number | undefined,
  ): Promise<void> {
    const spatialLayers = kind === 'video' ? Math.max(1, rtpParameters.encodings?.length ?? 1) : 1;
    this.#producers.set(producer.id, { producer, kind, rtpParameters, spatialLayers, ingestPort });
    const worker = this.#routers.origin?.slot.worker;
    const forget = () => {
      const current = this.#producers.get(producer.id);
      if (current?.producer !== producer) return;
      // Its worker died: onWorkerDied re-homes it (ingest comes back on the same port).
      if (worker?.died) return;
      this.#producers.delete(producer.id);
      this.#emitSafely('producerclose', producer.id);
    };
    producer.on('transportclose', forget);
    producer.observer.on('close', forget);
    await this.#routers.pipeToEdges(producer.id);
    this.#emitSafely('producer', { producerId: producer.id, kind });
  }

  #requestKeyFrames(): void {
    for (const peer of this.#peers.values()) {
      for (const { consumer } of peer.consumers.values()) {
        if (consumer.kind === 'video' && !consumer.closed) consumer.requestKeyFrame().catch(() => {});
      }
    }
  }

  async #readyPeer(peerId: string): Promise<RoomPeer> {
    this.#assertOpen();
    await this.#ready;
    this.#assertOpen();
    const peer = this.#peers.get(peerId);
    if (!peer) throw new VitaliveError('MEDIA_NOT_JOINED', { sessionId: this.sessionId });
    return peer;
  }

  #assertOpen(): void {
    if (this.#closed) throw new VitaliveError('MEDIA_ROOM_CLOSED', { sessionId: this.sessionId });
  }

  #emitSafely<K extends keyof LiveRoomEvents>(event: K, ...args: LiveRoomEvents[K]): void {
    for (const listener of this.listeners(event)) {
      try {
        (listener as (...a: LiveRoomEvents[K]) => void)(...args);
      } catch (err) {
        this.#log.error({ err, event }, 'media room listener failed');
      }
    }
  }
}
