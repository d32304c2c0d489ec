// One peer of a live room (the host or a viewer): its transports and consumers on the router it is
// homed on. close() is idempotent ("I left"); detach() is the path for "my router or worker died":
// its transports go, the peer stays in the room and is asked to reconnect.
import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import { VitaliveError } from '../protocols/index.ts';
import { type LayerHint, pickSpatialLayer } from './layers.ts';
import type { PeerRole, RoomRouter } from './room-types.ts';

export type PeerTransport = ms.WebRtcTransport | ms.PlainTransport;

export interface ConsumerEntry {
  readonly consumer: ms.Consumer;
  hint: LayerHint;
  readonly spatialLayers: number;
  upgrade: NodeJS.Timeout | undefined;
}

/** A page needs one send or one receive transport (two during a reconnect); more is abuse. */
const MAX_TRANSPORTS_PER_PEER = 4;
/** Audio + video of one host, with headroom for re-consuming after producer changes. */
const MAX_CONSUMERS_PER_PEER = 16;

export class RoomPeer {
  readonly id: string;
  readonly role: PeerRole;
  /** Assigned at its first transport; undefined again after a detach. */
  home: RoomRouter | undefined;
  readonly transports = new Map<string, PeerTransport>();
  readonly consumers = new Map<string, ConsumerEntry>();
  /** Latest downlink estimate of the peer's WebRTC transport, bits per second. */
  bweBps: number | undefined;
  usesWebRtc = false;
  #closed = false;

  constructor(id: string, role: PeerRole) {
    this.id = id;
    this.role = role;
  }

  get closed(): boolean {
    return this.#closed;
  }

  assertTransportRoom(): void {
    if (this.transports.size >= MAX_TRANSPORTS_PER_PEER) {
      throw new VitaliveError('MEDIA_LIMIT_REACHED', { limit: MAX_TRANSPORTS_PER_PEER, what: 'transports' });
    }
  }

  assertConsumerRoom(): void {
    if (this.consumers.size >= MAX_CONSUMERS_PER_PEER) {
      throw new VitaliveError('MEDIA_LIMIT_REACHED', { limit: MAX_CONSUMERS_PER_PEER, what: 'consumers' });
    }
  }

  /** Keeps the transport until it closes, whoever closes it. */
  track(transport: PeerTransport): void {
    this.transports.set(transport.id, transport);
    (transport as ms.Transport).observer.once('close', () => {
      if (this.transports.get(transport.id) === transport) this.transports.delete(transport.id);
    });
  }

  /** A viewer's downlink estimate feeds its layer choice. */
  async watchBandwidth(transport: ms.WebRtcTransport): Promise<void> {
    await transport.enableTraceEvent(['bwe']);
    transport.on('trace', (trace) => {
      if (trace.type !== 'bwe') return;
      const info = trace.info as { availableBitrate?: number };
      if (typeof info.availableBitrate === 'number') this.bweBps = info.availableBitrate;
    });
  }

  transport(transportId: string): PeerTransport {
    const t = this.transports.get(transportId);
    if (!t || t.closed) throw new VitaliveError('MEDIA_TRANSPORT_NOT_FOUND', { transportId });
    return t;
  }

  consumer(consumerId: string): ConsumerEntry {
    const c = this.consumers.get(consumerId);
    if (!c || c.consumer.closed) throw new VitaliveError('MEDIA_CONSUMER_NOT_FOUND', { consumerId });
    return c;
  }

  /** Keeps the consumer until its transport or producer closes; the latter is reported through `onProducerClose`. */
  addConsumer(
    consumer: ms.Consumer,
    hint: LayerHint,
    spatialLayers: number,
    onProducerClose: () => void,
  ): ConsumerEntry {
    const entry: ConsumerEntry = { consumer, hint, spatialLayers, upgrade: undefined };
    this.consumers.set(consumer.id, entry);
    const forget = () => {
      if (this.consumers.get(consumer.id) !== entry) return;
      clearTimeout(entry.upgrade);
      this.consumers.delete(consumer.id);
    };
    consumer.on('transportclose', forget);
    consumer.on('producerclose', () => {
      forget();
      onProducerClose();
    });
    return entry;
  }

  /** Moves the consumer to its target layer after `delayMs` (it starts on the lowest). */
  scheduleUpgrade(entry: ConsumerEntry, delayMs: number, log: Logger): void {
    clearTimeout(entry.upgrade);
    entry.upgrade = setTimeout(() => {
      entry.upgrade = undefined;
      this.applyLayers(entry).catch((err: unknown) => log.debug({ err }, 'layer upgrade skipped'));
    }, delayMs);
  }

  async applyLayers(entry: ConsumerEntry): Promise<number> {
    if (entry.spatialLayers <= 1 || entry.consumer.closed) return 0;
    const spatialLayer = pickSpatialLayer(entry.hint, this.bweBps, entry.spatialLayers);
    await entry.consumer.setPreferredLayers({ spatialLayer, temporalLayer: 2 });
    return spatialLayer;
  }

  /** Its router went away (worker death, re-home): transports and consumers go, the peer stays. */
  detach(): void {
    for (const entry of this.consumers.values()) clearTimeout(entry.upgrade);
    this.consumers.clear();
    const transports = [...this.transports.values()];
    this.transports.clear();
    for (const t of transports) t.close();
    this.home = undefined;
    this.bweBps = undefined;
  }

  /** Idempotent: the peer left or its room closed; its transports close with their producers and consumers. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.detach();
  }
}
