// One live session's media: an origin router holding the host's producers, edge routers on other
// workers fed by pipeToRouter once a router's consumer budget is used, and the peers (host, viewers)
// with their transports, producers and consumers. close() is idempotent and cascades; a dead worker
// re-homes what it hosted and tells the affected peers to reconnect.
import { EventEmitter } from 'node:events';
import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import { VitaliveError } from '../protocols/index.ts';
import { ROUTER_MEDIA_CODECS } from './codecs.ts';
import { type LayerHint, pickSpatialLayer } from './layers.ts';
import { asCoded } from './media-errors.ts';
import type {
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

interface HostProducer {
  producer: ms.Producer;
  kind: ms.MediaKind;
  rtpParameters: ms.RtpParameters;
  spatialLayers: number;
  /** Set when it arrives through RTP ingest: re-created on the same port after a worker death. */
  ingestPort: number | undefined;
}

interface ConsumerEntry {
  consumer: ms.Consumer;
  hint: LayerHint;
  spatialLayers: number;
  upgrade: NodeJS.Timeout | undefined;
}

interface Peer {
  readonly id: string;
  readonly role: PeerRole;
  home: RoomRouter | undefined;
  transports: Map<string, ms.WebRtcTransport | ms.PlainTransport>;
  consumers: Map<string, ConsumerEntry>;
  /** Latest downlink estimate of the peer's WebRTC transport, bits per second. */
  bweBps: number | undefined;
  usesWebRtc: boolean;
}

/** A page needs one send or one receive transport (two during a reconnect); more is abuse. */
const MAX_TRANSPORTS_PER_PEER = 4;
/** Audio + video of one host, with headroom for re-consuming after producer changes. */
const MAX_CONSUMERS_PER_PEER = 16;

/** Origin routers tried in a re-home before the room gives up (each on the least-loaded running worker). */
const REHOME_ATTEMPTS = 3;

/** Audio and video: what a viewer who has not consumed yet is expected to take from a router. */
const DEFAULT_CONSUMERS_PER_VIEWER = 2;

export class LiveRoom extends EventEmitter<LiveRoomEvents> {
  readonly sessionId: string;
  readonly hostId: string;
  readonly #opts: LiveRoomOptions;
  readonly #log: Logger;
  #origin: RoomRouter | undefined;
  #edges: RoomRouter[] = [];
  readonly #peers = new Map<string, Peer>();
  readonly #producers = new Map<string, HostProducer>();
  /** Operations wait for this: creating the origin, or re-homing after a worker death. */
  #ready: Promise<void>;
  #edgeCreating: Promise<RoomRouter | undefined> | undefined;
  #closed = false;

  constructor(opts: LiveRoomOptions) {
    super();
    this.sessionId = opts.sessionId;
    this.hostId = opts.hostId;
    this.#opts = opts;
    this.#log = opts.logger.child({ sessionId: opts.sessionId });
    this.#ready = this.#createOrigin();
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
    if (!this.#origin) throw new VitaliveError('MEDIA_WORKER_UNAVAILABLE');
    return this.#origin.router.rtpCapabilities;
  }

  get routers(): readonly RoomRouter[] {
    return this.#origin ? [this.#origin, ...this.#edges] : [...this.#edges];
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
    for (const r of this.routers) if (r.slot === slot) n += this.#routerLoad(r);
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
    this.#peers.set(peerId, {
      id: peerId,
      role,
      home: undefined,
      transports: new Map(),
      consumers: new Map(),
      bweBps: undefined,
      usesWebRtc: false,
    });
  }

  roleOf(peerId: string): PeerRole | undefined {
    return this.#peers.get(peerId)?.role;
  }

  hasPeer(peerId: string): boolean {
    return this.#peers.has(peerId);
  }

  async createWebRtcTransport(peerId: string): Promise<WebRtcTransportInfo> {
    const peer = await this.#readyPeer(peerId);
    this.#checkTransportLimit(peer);
    const home = await this.#homeOf(peer);
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
    if (peer.role === 'viewer') {
      await transport.enableTraceEvent(['bwe']);
      transport.on('trace', (trace) => {
        if (trace.type !== 'bwe') return;
        const info = trace.info as { availableBitrate?: number };
        if (typeof info.availableBitrate === 'number') peer.bweBps = info.availableBitrate;
      });
    }
    this.#track(peer, transport);
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
    this.#checkTransportLimit(peer);
    const home = await this.#homeOf(peer);
    const transport = await home.router.createPlainTransport({
      listenIp: { ip: this.#opts.listenIp, announcedIp: this.#opts.announcedAddress },
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      rtcpMux: true,
      comedia: peer.role === 'host',
      ...(opts.srtp ? { enableSrtp: true, srtpCryptoSuite: 'AEAD_AES_128_GCM' as const } : {}),
      appData: { peerId },
    });
    this.#track(peer, transport);
    return {
      id: transport.id,
      ip: this.#opts.announcedAddress ?? transport.tuple.localIp,
      port: transport.tuple.localPort,
      srtpParameters: transport.srtpParameters,
    };
  }

  async connectTransport(peerId: string, transportId: string, params: ConnectParams): Promise<void> {
    const peer = await this.#readyPeer(peerId);
    const transport = this.#transport(peer, transportId);
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
    const transport = this.#transport(peer, req.transportId);
    const ingest = !('iceParameters' in transport);
    let producer: ms.Producer;
    try {
      producer = await transport.produce({ kind: req.kind, rtpParameters: req.rtpParameters });
    } catch (err) {
      throw asCoded(err);
    }
    const port = ingest ? (transport as ms.PlainTransport).tuple.localPort : undefined;
    await this.#addHostProducer(producer, req.kind, req.rtpParameters, port);
    return { id: producer.id };
  }

  async consume(peerId: string, req: ConsumeRequest): Promise<ConsumerInfo> {
    const peer = await this.#readyPeer(peerId);
    const source = this.#producers.get(req.producerId);
    if (!source) throw new VitaliveError('MEDIA_PRODUCER_NOT_FOUND', { producerId: req.producerId });
    const transport = this.#transport(peer, req.transportId);
    if (peer.consumers.size >= MAX_CONSUMERS_PER_PEER) {
      throw new VitaliveError('MEDIA_LIMIT_REACHED', { limit: MAX_CONSUMERS_PER_PEER, what: 'consumers' });
    }
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
    const entry: ConsumerEntry = {
      consumer,
      hint: req.hint ?? {},
      spatialLayers: source.spatialLayers,
      upgrade: undefined,
    };
    peer.consumers.set(consumer.id, entry);
    const forget = () => {
      if (peer.consumers.get(consumer.id) !== entry) return;
      clearTimeout(entry.upgrade);
      peer.consumers.delete(consumer.id);
    };
    consumer.on('transportclose', forget);
    consumer.on('producerclose', () => {
      forget();
      this.#emitSafely('consumerclose', peer.id, consumer.id);
    });
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
    const entry = this.#consumer(peer, consumerId);
    await entry.consumer.resume();
    if (entry.consumer.kind === 'video') await entry.consumer.requestKeyFrame();
    if (entry.spatialLayers > 1) {
      clearTimeout(entry.upgrade);
      entry.upgrade = setTimeout(() => {
        entry.upgrade = undefined;
        this.#applyLayers(peer, entry).catch((err: unknown) =>
          this.#log.debug({ err }, 'layer upgrade skipped'),
        );
      }, this.#opts.layerUpgradeDelayMs);
    }
  }

  async pause(peerId: string, consumerId: string): Promise<void> {
    const peer = await this.#readyPeer(peerId);
    await this.#consumer(peer, consumerId).consumer.pause();
  }

  /** The client's layer hint; the server's bandwidth estimate may still lower the layer it gets. */
  async setPreferredLayers(peerId: string, consumerId: string, hint: LayerHint): Promise<number> {
    const peer = await this.#readyPeer(peerId);
    const entry = this.#consumer(peer, consumerId);
    entry.hint = { ...entry.hint, ...hint };
    return this.#applyLayers(peer, entry);
  }

  async restartIce(peerId: string, transportId: string): Promise<ms.IceParameters> {
    const peer = await this.#readyPeer(peerId);
    const transport = this.#transport(peer, transportId);
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
    this.#resetPeer(peer);
  }

  /** Idempotent; cascades: routers → transports → producers/consumers. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of this.#peers.values()) this.#resetPeer(peer);
    this.#peers.clear();
    this.#producers.clear();
    for (const r of this.routers) r.router.close();
    this.#origin = undefined;
    this.#edges = [];
    this.#emitSafely('close');
    this.removeAllListeners();
  }

  /** Called by the rooms when a worker died: re-home what it hosted and tell its peers. */
  async onWorkerDied(slot: WorkerSlot): Promise<void> {
    if (this.#closed) return;
    if (this.#origin?.slot === slot) {
      this.#ready = this.#rehome();
      this.#ready.catch((err: unknown) => this.#log.error({ err }, 'media room re-home failed'));
      await this.#ready.catch(() => {});
      return;
    }
    const dead = this.#edges.filter((e) => e.slot === slot);
    if (dead.length === 0) return;
    this.#edges = this.#edges.filter((e) => e.slot !== slot);
    for (const peer of this.#peers.values()) {
      if (peer.home && dead.includes(peer.home)) {
        this.#resetPeer(peer);
        this.#emitSafely('reconnect', peer.id, 'media worker died');
      }
    }
  }

  // --- internals ---

  async #createOrigin(): Promise<void> {
    const slot = await this.#pickSlot(new Set());
    const router = await slot.worker!.createRouter({
      mediaCodecs: ROUTER_MEDIA_CODECS,
      appData: { sessionId: this.sessionId },
    });
    if (this.#closed) {
      router.close();
      return;
    }
    this.#origin = { slot, router, origin: true };
  }

  /** A running slot, least-loaded first, avoiding slots this room already uses when it can. */
  async #pickSlot(avoid: Set<WorkerSlot>): Promise<WorkerSlot> {
    for (;;) {
      if (this.#closed) throw new VitaliveError('MEDIA_ROOM_CLOSED', { sessionId: this.sessionId });
      try {
        return this.#opts.pool.pick((s) => this.#opts.workerLoad(s) + (avoid.has(s) ? 1e9 : 0));
      } catch {
        // Every worker is down: wait for the pool's replacement.
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(done, 1000);
          this.#opts.pool.once('workerreplaced', done);
        });
      }
    }
  }

  async #rehome(): Promise<void> {
    const started = Date.now();
    const ingest = [...this.#producers.values()].filter((p) => p.ingestPort !== undefined);
    const peers = [...this.#peers.values()];
    for (const peer of peers) this.#resetPeer(peer);
    for (const r of this.routers) r.router.close();
    this.#origin = undefined;
    this.#edges = [];
    const lost = [...this.#producers.keys()];
    this.#producers.clear();
    for (const id of lost) this.#emitSafely('producerclose', id);
    // The chosen worker may die too while the router is created: try the next one.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#createOrigin();
        break;
      } catch (err) {
        if (this.#closed || attempt >= REHOME_ATTEMPTS) throw err;
      }
    }
    const origin = this.#origin as RoomRouter | undefined;
    const host = peers.find((p) => p.role === 'host');
    if (host) host.home = origin;
    // RTP ingest resumes by itself on the same port: the encoder never notices.
    let ingestLost = false;
    if (host && ingest.length > 0) {
      try {
        await this.#restoreIngest(host, ingest);
      } catch (err) {
        // The port was taken meanwhile: the host's client must set the ingest up again.
        ingestLost = true;
        this.#log.error({ err }, 'RTP ingest could not be restored on its port');
      }
    }
    this.#log.warn(
      { worker: origin?.slot.index, ms: Date.now() - started, ingest: ingest.length },
      'media room re-homed after a worker death',
    );
    for (const peer of peers) {
      if (peer.role === 'host' && !peer.usesWebRtc && !ingestLost) continue;
      this.#emitSafely('reconnect', peer.id, 'media worker died');
    }
  }

  async #restoreIngest(host: Peer, ingest: HostProducer[]): Promise<void> {
    const byPort = new Map<number, HostProducer[]>();
    for (const p of ingest) byPort.set(p.ingestPort!, [...(byPort.get(p.ingestPort!) ?? []), p]);
    for (const [port, producers] of byPort) {
      const transport = await this.#origin!.router.createPlainTransport({
        listenIp: { ip: this.#opts.listenIp, announcedIp: this.#opts.announcedAddress },
        port,
        rtcpMux: true,
        comedia: true,
        appData: { peerId: host.id },
      });
      this.#track(host, transport);
      // Viewers re-consume before the encoder's next packet reveals its address (comedia), so their
      // keyframe requests had nowhere to go: ask again once it is known.
      transport.once('tuple', () => this.#requestKeyFrames());
      for (const old of producers) {
        const producer = await transport.produce({
          kind: old.kind,
          rtpParameters: old.rtpParameters,
        });
        await this.#addHostProducer(producer, old.kind, old.rtpParameters, port);
      }
    }
  }

  async #addHostProducer(
    producer: ms.Producer,
    kind: ms.MediaKind,
    rtpParameters: ms.RtpParameters,
    ingestPort: number | undefined,
  ): Promise<void> {
    const spatialLayers = kind === 'video' ? Math.max(1, rtpParameters.encodings?.length ?? 1) : 1;
    this.#producers.set(producer.id, { producer, kind, rtpParameters, spatialLayers, ingestPort });
    const worker = this.#origin?.slot.worker;
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
    for (const edge of this.#edges) await this.#pipe(producer.id, edge);
    this.#emitSafely('producer', { producerId: producer.id, kind });
  }

  async #pipe(producerId: string, edge: RoomRouter): Promise<void> {
    const origin = this.#origin;
    if (!origin || edge.router.closed) return;
    await origin.router.pipeToRouter({ producerId, router: edge.router, listenIp: this.#opts.listenIp });
  }

  /**
   * A router on a running worker this room does not use yet (a worker refuses a second copy of a
   * producer id, so pipes go between workers); undefined when there is none.
   */
  async #createEdge(): Promise<RoomRouter | undefined> {
    const used = new Set(this.routers.map((r) => r.slot));
    const free = this.#opts.pool.slots.filter((s) => s.state === 'ok' && !used.has(s));
    if (free.length === 0) return undefined;
    const slot = free.reduce((best, s) =>
      this.#opts.workerLoad(s) < this.#opts.workerLoad(best) ? s : best,
    );
    const router = await slot.worker!.createRouter({
      mediaCodecs: ROUTER_MEDIA_CODECS,
      appData: { sessionId: this.sessionId },
    });
    const edge: RoomRouter = { slot, router, origin: false };
    for (const id of this.#producers.keys()) await this.#pipe(id, edge);
    if (this.#closed) {
      router.close();
      throw new VitaliveError('MEDIA_ROOM_CLOSED', { sessionId: this.sessionId });
    }
    this.#edges.push(edge);
    this.#log.info(
      { worker: slot.index, edges: this.#edges.length },
      'media room fanned out to a new router',
    );
    return edge;
  }

  /** Consumers a viewer will take: one per host producer (audio + video until the host publishes). */
  #perViewer(): number {
    return this.#producers.size > 0 ? this.#producers.size : DEFAULT_CONSUMERS_PER_VIEWER;
  }

  #routerLoad(r: RoomRouter): number {
    const reserve = this.#perViewer();
    let n = 0;
    for (const peer of this.#peers.values()) {
      if (peer.home !== r || peer.role !== 'viewer') continue;
      n += Math.max(peer.consumers.size, reserve);
    }
    return n;
  }

  async #homeOf(peer: Peer): Promise<RoomRouter> {
    for (;;) {
      if (peer.home && !peer.home.router.closed) return peer.home;
      if (peer.role === 'host') {
        peer.home = this.#origin;
        if (!peer.home) throw new VitaliveError('MEDIA_WORKER_UNAVAILABLE');
        continue;
      }
      const need = this.#perViewer();
      const open = this.routers.filter(
        (r) => !r.router.closed && this.#routerLoad(r) + need <= this.#opts.consumerBudget,
      );
      if (open.length > 0) {
        peer.home = open.reduce((best, r) => (this.#routerLoad(r) < this.#routerLoad(best) ? r : best));
        continue;
      }
      this.#edgeCreating ??= this.#createEdge().finally(() => {
        this.#edgeCreating = undefined;
      });
      const edge = await this.#edgeCreating;
      if (edge) continue;
      // Every running worker already carries this room: the least-loaded router takes one more.
      const live = this.routers.filter((r) => !r.router.closed);
      if (live.length === 0) throw new VitaliveError('MEDIA_WORKER_UNAVAILABLE');
      peer.home = live.reduce((best, r) => (this.#routerLoad(r) < this.#routerLoad(best) ? r : best));
      this.#log.warn({ consumers: this.#routerLoad(peer.home) }, 'media room over its consumer budget');
    }
  }

  async #applyLayers(peer: Peer, entry: ConsumerEntry): Promise<number> {
    if (entry.spatialLayers <= 1 || entry.consumer.closed) return 0;
    const spatialLayer = pickSpatialLayer(entry.hint, peer.bweBps, entry.spatialLayers);
    await entry.consumer.setPreferredLayers({ spatialLayer, temporalLayer: 2 });
    return spatialLayer;
  }

  #checkTransportLimit(peer: Peer): void {
    if (peer.transports.size >= MAX_TRANSPORTS_PER_PEER) {
      throw new VitaliveError('MEDIA_LIMIT_REACHED', { limit: MAX_TRANSPORTS_PER_PEER, what: 'transports' });
    }
  }

  #requestKeyFrames(): void {
    for (const peer of this.#peers.values()) {
      for (const { consumer } of peer.consumers.values()) {
        if (consumer.kind === 'video' && !consumer.closed) consumer.requestKeyFrame().catch(() => {});
      }
    }
  }

  #track(peer: Peer, transport: ms.WebRtcTransport | ms.PlainTransport): void {
    peer.transports.set(transport.id, transport);
    (transport as ms.Transport).observer.once('close', () => {
      if (peer.transports.get(transport.id) === transport) peer.transports.delete(transport.id);
    });
  }

  #resetPeer(peer: Peer): void {
    for (const entry of peer.consumers.values()) clearTimeout(entry.upgrade);
    peer.consumers.clear();
    const transports = [...peer.transports.values()];
    peer.transports.clear();
    for (const t of transports) t.close();
    peer.home = undefined;
    peer.bweBps = undefined;
  }

  async #readyPeer(peerId: string): Promise<Peer> {
    this.#assertOpen();
    await this.#ready;
    this.#assertOpen();
    const peer = this.#peers.get(peerId);
    if (!peer) throw new VitaliveError('MEDIA_NOT_JOINED', { sessionId: this.sessionId });
    return peer;
  }

  #transport(peer: Peer, transportId: string): ms.WebRtcTransport | ms.PlainTransport {
    const t = peer.transports.get(transportId);
    if (!t || t.closed) throw new VitaliveError('MEDIA_TRANSPORT_NOT_FOUND', { transportId });
    return t;
  }

  #consumer(peer: Peer, consumerId: string): ConsumerEntry {
    const c = peer.consumers.get(consumerId);
    if (!c || c.consumer.closed) throw new VitaliveError('MEDIA_CONSUMER_NOT_FOUND', { consumerId });
    return c;
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
