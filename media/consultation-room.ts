// One video consultation's media: a private two-way room on one router, with exactly two seats (the
// member and the expert). Each seat publishes at most one audio and one video track and consumes only
// the other seat's; a live session's room (live-room.ts) is a different class and keeps its single
// publisher. Peers are the room-peer.ts bookkeeping (transports, consumers, limits) the live room uses.
// close() is idempotent and cascades to the router; a dead worker closes the room (both sides rejoin).
import { EventEmitter } from 'node:events';
import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import { VitaliveError } from '../protocols/index.ts';
import { ROUTER_MEDIA_CODECS } from './codecs.ts';
import { asCoded } from './media-errors.ts';
import { RoomPeer } from './room-peer.ts';
import type { ConsumerInfo, ProducerInfo, WebRtcTransportInfo } from './room-types.ts';
import type { WorkerPool, WorkerSlot } from './worker-pool.ts';

export type ConsultationSide = 'member' | 'expert';

export interface ConsultationRoomEvents {
  /** A side published a track: the other side may consume it. */
  producer: [side: ConsultationSide, info: ProducerInfo];
  producerclose: [side: ConsultationSide, producerId: string];
  /** The peer holding a seat left or was replaced. */
  peerleft: [side: ConsultationSide, peerId: string];
  close: [];
}

interface Seat {
  peer: RoomPeer;
  producers: Map<string, ms.Producer>;
}

export class ConsultationRoom extends EventEmitter<ConsultationRoomEvents> {
  readonly consultationId: string;
  readonly #log: Logger;
  readonly #seats = new Map<ConsultationSide, Seat>();
  #slot: WorkerSlot | undefined;
  #router: ms.Router | undefined;
  readonly #ready: Promise<void>;
  #closed = false;

  constructor(opts: {
    consultationId: string;
    pool: WorkerPool;
    logger: Logger;
    load?: (s: WorkerSlot) => number;
  }) {
    super();
    this.consultationId = opts.consultationId;
    this.#log = opts.logger.child({ consultationId: opts.consultationId });
    this.#ready = (async () => {
      const slot = opts.pool.pick(opts.load);
      const router = await slot.worker!.createRouter({
        mediaCodecs: ROUTER_MEDIA_CODECS,
        appData: { consultationId: opts.consultationId },
      });
      if (this.#closed) {
        router.close();
        return;
      }
      this.#slot = slot;
      this.#router = router;
      router.observer.once('close', () => this.close());
    })();
    this.#ready.catch(() => {});
  }

  get closed(): boolean {
    return this.#closed;
  }

  ready(): Promise<void> {
    return this.#ready;
  }

  get slot(): WorkerSlot | undefined {
    return this.#slot;
  }

  get routerRtpCapabilities(): ms.RtpCapabilities {
    if (!this.#router) throw new VitaliveError('MEDIA_WORKER_UNAVAILABLE');
    return this.#router.rtpCapabilities;
  }

  /**
   * Takes a seat. A seat held by another peer (the same person's other tab, or a reload) passes to the
   * newcomer: the old peer's transports close and it is reported as left.
   */
  join(peerId: string, side: ConsultationSide): void {
    this.#assertOpen();
    const held = this.#seats.get(side);
    if (held?.peer.id === peerId) return;
    for (const [s, seat] of this.#seats)
      if (seat.peer.id === peerId && s !== side)
        throw new VitaliveError('CONFLICT', { reason: 'peer joined with another side' });
    if (held) this.#vacate(side, held);
    // Both seats publish: the peer bookkeeping's "host" is the publishing role.
    this.#seats.set(side, { peer: new RoomPeer(peerId, 'host'), producers: new Map() });
  }

  sideOf(peerId: string): ConsultationSide | undefined {
    for (const [side, seat] of this.#seats) if (seat.peer.id === peerId) return side;
    return undefined;
  }

  /** The other side's tracks, which this side may consume. */
  producersFor(side: ConsultationSide): ProducerInfo[] {
    const other = this.#seats.get(otherSide(side));
    return other ? [...other.producers.values()].map((p) => ({ producerId: p.id, kind: p.kind })) : [];
  }

  /** Seats taken, with what each publishes and which producers it consumes (for tests and stats). */
  seats(): Array<{
    side: ConsultationSide;
    peerId: string;
    producers: number;
    consumers: number;
    producerIds: string[];
    consumes: string[];
  }> {
    return [...this.#seats].map(([side, s]) => ({
      side,
      peerId: s.peer.id,
      producers: s.producers.size,
      consumers: s.peer.consumers.size,
      producerIds: [...s.producers.keys()].sort(),
      consumes: [...s.peer.consumers.values()].map((c) => c.consumer.producerId).sort(),
    }));
  }

  async createWebRtcTransport(peerId: string): Promise<WebRtcTransportInfo> {
    const { seat, router } = await this.#seat(peerId);
    seat.peer.assertTransportRoom();
    const webRtcServer = this.#slot?.webRtcServer;
    if (!webRtcServer) throw new VitaliveError('MEDIA_WORKER_UNAVAILABLE');
    const transport = await router.createWebRtcTransport({
      webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: 600_000,
      appData: { peerId },
    });
    seat.peer.track(transport);
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  async connectTransport(
    peerId: string,
    transportId: string,
    dtlsParameters: ms.DtlsParameters,
  ): Promise<void> {
    const { seat } = await this.#seat(peerId);
    const transport = seat.peer.transport(transportId);
    if (!('iceParameters' in transport))
      throw new VitaliveError('MEDIA_INVALID_PARAMETERS', { reason: 'not a WebRTC transport' });
    try {
      await (transport as ms.WebRtcTransport).connect({ dtlsParameters });
    } catch (err) {
      throw asCoded(err);
    }
  }

  /** One audio and one video track per side; a second of a kind is refused. */
  async produce(
    peerId: string,
    req: { transportId: string; kind: ms.MediaKind; rtpParameters: ms.RtpParameters },
  ): Promise<{ id: string }> {
    const { seat, side } = await this.#seat(peerId);
    for (const p of seat.producers.values())
      if (p.kind === req.kind && !p.closed)
        throw new VitaliveError('MEDIA_LIMIT_REACHED', { limit: 1, what: `${req.kind} tracks` });
    const transport = seat.peer.transport(req.transportId);
    let producer: ms.Producer;
    try {
      producer = await transport.produce({ kind: req.kind, rtpParameters: req.rtpParameters });
    } catch (err) {
      throw asCoded(err);
    }
    seat.producers.set(producer.id, producer);
    const forget = () => {
      if (!seat.producers.delete(producer.id)) return;
      this.#emitSafely('producerclose', side, producer.id);
    };
    producer.on('transportclose', forget);
    producer.observer.on('close', forget);
    this.#emitSafely('producer', side, { producerId: producer.id, kind: producer.kind });
    return { id: producer.id };
  }

  /** Only the other side's producers can be consumed: a seat never receives its own or anyone else's. */
  async consume(
    peerId: string,
    req: { transportId: string; producerId: string; rtpCapabilities: ms.RtpCapabilities },
  ): Promise<ConsumerInfo> {
    const { seat, side, router } = await this.#seat(peerId);
    const source = this.#seats.get(otherSide(side))?.producers.get(req.producerId);
    if (!source) throw new VitaliveError('MEDIA_PRODUCER_NOT_FOUND', { producerId: req.producerId });
    const transport = seat.peer.transport(req.transportId);
    seat.peer.assertConsumerRoom();
    if (!router.canConsume({ producerId: req.producerId, rtpCapabilities: req.rtpCapabilities }))
      throw new VitaliveError('MEDIA_CANNOT_CONSUME', {
        producerId: req.producerId,
        reason: 'no codec in common',
      });
    let consumer: ms.Consumer;
    try {
      consumer = await transport.consume({
        producerId: req.producerId,
        rtpCapabilities: req.rtpCapabilities,
        paused: true,
        appData: { peerId },
      });
    } catch (err) {
      throw asCoded(err);
    }
    seat.peer.addConsumer(consumer, {}, 1, () => {});
    return {
      id: consumer.id,
      producerId: req.producerId,
      kind: consumer.kind,
      type: consumer.type,
      rtpParameters: consumer.rtpParameters,
    };
  }

  async resume(peerId: string, consumerId: string): Promise<void> {
    const { seat } = await this.#seat(peerId);
    const entry = seat.peer.consumer(consumerId);
    await entry.consumer.resume();
    if (entry.consumer.kind === 'video') await entry.consumer.requestKeyFrame();
  }

  /** Idempotent: the peer's seat is freed, its transports close with their producers and consumers. */
  leave(peerId: string): void {
    const side = this.sideOf(peerId);
    if (side) this.#vacate(side, this.#seats.get(side)!);
  }

  /** Nobody is seated. */
  get empty(): boolean {
    return this.#seats.size === 0;
  }

  /** Idempotent; cascades to the router, its transports, producers and consumers. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const seat of this.#seats.values()) seat.peer.close();
    this.#seats.clear();
    this.#router?.close();
    this.#emitSafely('close');
    this.removeAllListeners();
  }

  #vacate(side: ConsultationSide, seat: Seat): void {
    this.#seats.delete(side);
    seat.peer.close();
    this.#emitSafely('peerleft', side, seat.peer.id);
  }

  async #seat(peerId: string): Promise<{ seat: Seat; side: ConsultationSide; router: ms.Router }> {
    this.#assertOpen();
    await this.#ready;
    this.#assertOpen();
    const side = this.sideOf(peerId);
    const router = this.#router;
    if (!side || !router) throw new VitaliveError('MEDIA_NOT_JOINED', { sessionId: this.consultationId });
    return { seat: this.#seats.get(side)!, side, router };
  }

  #assertOpen(): void {
    if (this.#closed) throw new VitaliveError('MEDIA_ROOM_CLOSED', { sessionId: this.consultationId });
  }

  #emitSafely<K extends keyof ConsultationRoomEvents>(event: K, ...args: ConsultationRoomEvents[K]): void {
    for (const listener of this.listeners(event)) {
      try {
        (listener as (...a: ConsultationRoomEvents[K]) => void)(...args);
      } catch (err) {
        this.#log.error({ err, event }, 'consultation room listener failed');
      }
    }
  }
}

export const otherSide = (side: ConsultationSide): ConsultationSide =>
  side === 'member' ? 'expert' : 'member';
