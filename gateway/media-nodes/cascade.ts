// The cascade between media nodes: the session's origin node (where its host publishes) sends the host's
// producers over a PipeTransport to each node whose viewers watch it (edges); an edge opens its pipe when
// it has viewers and an origin exists, closes it a grace period after its last viewer left, and drops it
// when the origin's entry expires (announced to its sockets as `originlost`). Ports, addresses and SRTP
// keys are exchanged over the node bus. close() is idempotent.
import { EventEmitter } from 'node:events';
import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import {
  endpointOf,
  type LiveRoom,
  type LiveRooms,
  type PipedProducer,
  sendOverPipe,
} from '../../media/index.ts';
import { type MediaBroadcast, type PipeMessage, VitaliveError } from '../../protocols/index.ts';
import type { NodeBus } from './bus.ts';
import type { MediaDirectory } from './directory.ts';

/** A pipe not answered within this time is dropped; the sweep asks again. */
const PIPE_OPEN_TIMEOUT_MS = 5000;

export interface CascadeOptions {
  nodeId: string;
  rooms: LiveRooms;
  directory: MediaDirectory;
  bus: NodeBus;
  logger: Logger;
  /** How long an edge keeps its pipe after its last viewer left. */
  graceMs: number;
  /** How often pipes, origins and idle edges are checked (also the origin claim's refresh). */
  sweepMs: number;
  /** The session changed host: close the room here and ask its peers to join again. */
  handOver: (sessionId: string) => void;
}

export interface CascadeEvents {
  /** The session's origin node is gone: this node's copy of the host's producers went with it. */
  originlost: [sessionId: string];
}

interface Export {
  transport: ms.PipeTransport;
}

interface Import {
  origin: string;
  transport: ms.PipeTransport | undefined;
  open: boolean;
  producers: Map<string, ms.Producer>;
  timer: NodeJS.Timeout | undefined;
}

export class MediaCascade extends EventEmitter<CascadeEvents> {
  readonly #o: CascadeOptions;
  readonly #log: Logger;
  /** Origin side: session → edge node → pipe. */
  readonly #exports = new Map<string, Map<string, Export>>();
  /** Edge side: session → pipe from its origin. */
  readonly #imports = new Map<string, Import>();
  /** Rooms with no peer and no edge pulling from them, since when. */
  readonly #idle = new Map<string, number>();
  #sweep: NodeJS.Timeout | undefined;
  #sweeping = false;
  #closed = false;

  constructor(opts: CascadeOptions) {
    super();
    this.#o = opts;
    this.#log = opts.logger.child({ node: opts.nodeId });
    opts.rooms.on('producer', this.#onProducer);
    opts.rooms.on('producerclose', this.#onProducerClose);
    opts.rooms.on('roomclose', this.#onRoomClose);
  }

  async start(): Promise<void> {
    await this.#o.bus.start({ pipe: (m) => this.#onPipe(m), broadcast: (m) => this.#onBroadcast(m) });
    this.#sweep = setInterval(() => void this.sweep(), this.#o.sweepMs);
    this.#sweep.unref();
  }

  /** Pipes open on this node, both directions. */
  get pipes(): number {
    let n = this.#imports.size;
    for (const edges of this.#exports.values()) n += edges.size;
    return n;
  }

  /** Edge nodes this node sends a session to (origin side), for tests and stats. */
  edgesOf(sessionId: string): string[] {
    return [...(this.#exports.get(sessionId)?.keys() ?? [])];
  }

  /** The origin this node pulls a session from, once its pipe is open. */
  importOf(sessionId: string): string | undefined {
    const imp = this.#imports.get(sessionId);
    return imp?.open ? imp.origin : undefined;
  }

  /**
   * The host joins here: this node becomes the session's origin unless another live node is; then the
   * host is refused with MEDIA_NOT_ORIGIN (their console asks the gateway for the origin's address).
   */
  async hostJoining(sessionId: string): Promise<void> {
    const owner = await this.#o.directory.claimOrigin(sessionId, this.#o.nodeId);
    if (owner !== this.#o.nodeId) throw new VitaliveError('MEDIA_NOT_ORIGIN', { sessionId });
    // This node was an edge of the session: from now on it is the source.
    this.#dropImport(sessionId, { tell: true });
    this.#o.bus.broadcast({ type: 'origin.up', sessionId, nodeId: this.#o.nodeId });
  }

  /** A viewer joined here: pull the session from its origin if this node is not it. */
  viewerJoined(sessionId: string): void {
    this.#ensureImport(sessionId).catch((err: unknown) =>
      this.#log.warn({ err, sessionId }, 'media pipe could not be opened'),
    );
  }

  /** Checks pipes against the directory: dead origins and edges, idle edges, origin claims. */
  async sweep(): Promise<void> {
    if (this.#closed || this.#sweeping) return;
    this.#sweeping = true;
    try {
      const alive = new Set((await this.#o.directory.list()).map((n) => n.nodeId));
      alive.add(this.#o.nodeId);
      for (const [sessionId, imp] of [...this.#imports]) {
        if (!alive.has(imp.origin)) {
          this.#log.warn({ sessionId, origin: imp.origin }, 'media origin node is gone');
          this.#dropImport(sessionId, { tell: false });
          this.#emitSafely('originlost', sessionId);
        }
      }
      for (const [sessionId, edges] of this.#exports) {
        for (const [edge, exp] of [...edges]) {
          if (alive.has(edge)) continue;
          edges.delete(edge);
          exp.transport.close();
          this.#log.info({ sessionId, edge }, 'media edge node is gone: its pipe closed');
        }
      }
      const now = Date.now();
      for (const room of [...this.#o.rooms.all()]) {
        const sessionId = room.sessionId;
        const pulled = (this.#exports.get(sessionId)?.size ?? 0) > 0;
        if (room.peerCount('host') > 0 || pulled) {
          this.#idle.delete(sessionId);
          await this.#o.directory.keepOrigin(sessionId, this.#o.nodeId);
          continue;
        }
        if (room.peerCount('viewer') > 0) {
          this.#idle.delete(sessionId);
          if (!this.#imports.has(sessionId)) await this.#ensureImport(sessionId);
          continue;
        }
        // No one here any more: after the grace period the pipe and the room go.
        const since = this.#idle.get(sessionId) ?? now;
        this.#idle.set(sessionId, since);
        if (now - since < this.#o.graceMs) continue;
        this.#idle.delete(sessionId);
        this.#dropImport(sessionId, { tell: true });
        this.#o.rooms.closeRoom(sessionId);
      }
    } catch (err) {
      this.#log.warn({ err }, 'media cascade sweep failed');
    } finally {
      this.#sweeping = false;
    }
  }

  /** Idempotent: closes every pipe (the rooms belong to the caller). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweep);
    this.#o.rooms.off('producer', this.#onProducer);
    this.#o.rooms.off('producerclose', this.#onProducerClose);
    this.#o.rooms.off('roomclose', this.#onRoomClose);
    for (const sessionId of [...this.#imports.keys()]) this.#dropImport(sessionId, { tell: true });
    for (const [sessionId, edges] of this.#exports) {
      for (const [edge, exp] of edges) {
        exp.transport.close();
        this.#o.bus.send(edge, { type: 'pipe.close', sessionId, from: this.#o.nodeId });
      }
    }
    this.#exports.clear();
    this.#o.bus.close();
    this.removeAllListeners();
  }

  // --- edge side ---

  async #ensureImport(sessionId: string): Promise<void> {
    if (this.#closed || this.#imports.has(sessionId)) return;
    const room = this.#o.rooms.get(sessionId);
    if (!room || room.peerCount('host') > 0) return;
    const origin = await this.#o.directory.originOf(sessionId);
    if (!origin || origin === this.#o.nodeId || this.#imports.has(sessionId)) return;
    const imp: Import = {
      origin,
      transport: undefined,
      open: false,
      producers: new Map(),
      timer: undefined,
    };
    this.#imports.set(sessionId, imp);
    try {
      const transport = await room.createPipe();
      if (this.#imports.get(sessionId) !== imp) {
        transport.close();
        return;
      }
      imp.transport = transport;
      // Its router went (worker death, room closed): the next sweep pipes again if viewers remain.
      transport.observer.once('close', () => {
        if (this.#imports.get(sessionId) === imp) this.#dropImport(sessionId, { tell: true });
      });
      imp.timer = setTimeout(() => {
        if (this.#imports.get(sessionId) === imp && !imp.open) this.#dropImport(sessionId, { tell: true });
      }, PIPE_OPEN_TIMEOUT_MS);
      this.#o.bus.send(origin, {
        type: 'pipe.open',
        sessionId,
        from: this.#o.nodeId,
        endpoint: wireEndpoint(endpointOf(transport, room.pipeListen)),
      });
    } catch (err) {
      if (this.#imports.get(sessionId) === imp) this.#imports.delete(sessionId);
      throw err;
    }
  }

  async #onOpened(m: Extract<PipeMessage, { type: 'pipe.opened' }>): Promise<void> {
    const imp = this.#imports.get(m.sessionId);
    const room = this.#o.rooms.get(m.sessionId);
    if (!imp || imp.origin !== m.from || !imp.transport || imp.open || !room) {
      this.#o.bus.send(m.from, { type: 'pipe.close', sessionId: m.sessionId, from: this.#o.nodeId });
      return;
    }
    clearTimeout(imp.timer);
    await imp.transport.connect({
      ip: m.endpoint.ip,
      port: m.endpoint.port,
      ...(m.endpoint.srtpParameters
        ? { srtpParameters: m.endpoint.srtpParameters as ms.SrtpParameters }
        : {}),
    });
    imp.open = true;
    for (const p of m.producers) await this.#receive(room, imp, p as unknown as PipedProducer);
    this.#log.info(
      { sessionId: m.sessionId, origin: m.from, producers: m.producers.length },
      'media pipe open',
    );
  }

  async #receive(room: LiveRoom, imp: Import, p: PipedProducer): Promise<void> {
    if (!imp.transport || imp.producers.has(p.producerId)) return;
    const producer = await room.receivePiped(imp.transport, p);
    imp.producers.set(p.producerId, producer);
  }

  #dropImport(sessionId: string, opts: { tell: boolean }): void {
    const imp = this.#imports.get(sessionId);
    if (!imp) return;
    this.#imports.delete(sessionId);
    clearTimeout(imp.timer);
    // Closing the pipe closes its producers: this room's viewers hear `producerclose` for each.
    imp.transport?.close();
    if (opts.tell) this.#o.bus.send(imp.origin, { type: 'pipe.close', sessionId, from: this.#o.nodeId });
  }

  // --- origin side ---

  async #onOpen(m: Extract<PipeMessage, { type: 'pipe.open' }>): Promise<void> {
    const room = this.#o.rooms.get(m.sessionId);
    const origin = await this.#o.directory.originOf(m.sessionId);
    const refuse = (reason: string) =>
      this.#o.bus.send(m.from, {
        type: 'pipe.refused',
        sessionId: m.sessionId,
        from: this.#o.nodeId,
        reason,
      });
    if (!room || origin !== this.#o.nodeId) return refuse('not the origin');
    if (m.from === this.#o.nodeId) return refuse('own node');
    const edges = this.#exports.get(m.sessionId) ?? new Map<string, Export>();
    this.#exports.set(m.sessionId, edges);
    // The edge asked again (its old pipe died): the old one goes.
    edges.get(m.from)?.transport.close();
    const transport = await room.createPipe();
    const exp: Export = { transport };
    edges.set(m.from, exp);
    transport.observer.once('close', () => {
      if (edges.get(m.from) !== exp) return;
      edges.delete(m.from);
      // Closed under us (worker death, re-home): the edge must pipe again.
      if (!this.#closed)
        this.#o.bus.send(m.from, { type: 'pipe.close', sessionId: m.sessionId, from: this.#o.nodeId });
    });
    await transport.connect({
      ip: m.endpoint.ip,
      port: m.endpoint.port,
      ...(m.endpoint.srtpParameters
        ? { srtpParameters: m.endpoint.srtpParameters as ms.SrtpParameters }
        : {}),
    });
    const producers: PipedProducer[] = [];
    for (const p of room.producers()) producers.push(await sendOverPipe(transport, p.producerId));
    this.#o.bus.send(m.from, {
      type: 'pipe.opened',
      sessionId: m.sessionId,
      from: this.#o.nodeId,
      endpoint: wireEndpoint(endpointOf(transport, room.pipeListen)),
      producers: producers.map(wirePiped),
    });
    this.#log.info({ sessionId: m.sessionId, edge: m.from }, 'media pipe to an edge');
  }

  readonly #onProducer = (sessionId: string, info: { producerId: string }): void => {
    const edges = this.#exports.get(sessionId);
    if (!edges) return;
    for (const [edge, exp] of edges) {
      sendOverPipe(exp.transport, info.producerId).then(
        (p) =>
          this.#o.bus.send(edge, {
            type: 'pipe.producer',
            sessionId,
            from: this.#o.nodeId,
            producer: wirePiped(p),
          }),
        (err: unknown) => this.#log.warn({ err, sessionId, edge }, 'producer not sent over the pipe'),
      );
    }
  };

  readonly #onProducerClose = (sessionId: string, producerId: string): void => {
    const edges = this.#exports.get(sessionId);
    if (!edges) return;
    for (const edge of edges.keys())
      this.#o.bus.send(edge, { type: 'pipe.producerClosed', sessionId, from: this.#o.nodeId, producerId });
  };

  readonly #onRoomClose = (sessionId: string): void => {
    const edges = this.#exports.get(sessionId);
    this.#exports.delete(sessionId);
    for (const [edge, exp] of edges ?? []) {
      exp.transport.close();
      this.#o.bus.send(edge, { type: 'pipe.close', sessionId, from: this.#o.nodeId });
    }
    this.#dropImport(sessionId, { tell: true });
    this.#idle.delete(sessionId);
    this.#o.directory.releaseOrigin(sessionId, this.#o.nodeId).catch(() => {});
  };

  // --- messages ---

  #onPipe(m: PipeMessage): void {
    if (this.#closed) return;
    const run = async () => {
      switch (m.type) {
        case 'pipe.open':
          return this.#onOpen(m);
        case 'pipe.opened':
          return this.#onOpened(m);
        case 'pipe.refused': {
          const imp = this.#imports.get(m.sessionId);
          if (imp?.origin === m.from) this.#dropImport(m.sessionId, { tell: false });
          return;
        }
        case 'pipe.producer': {
          const imp = this.#imports.get(m.sessionId);
          const room = this.#o.rooms.get(m.sessionId);
          if (imp?.open && imp.origin === m.from && room)
            await this.#receive(room, imp, m.producer as unknown as PipedProducer);
          return;
        }
        case 'pipe.producerClosed': {
          const imp = this.#imports.get(m.sessionId);
          if (imp?.origin !== m.from) return;
          imp.producers.get(m.producerId)?.close();
          imp.producers.delete(m.producerId);
          return;
        }
        case 'pipe.close': {
          const imp = this.#imports.get(m.sessionId);
          if (imp?.origin === m.from) this.#dropImport(m.sessionId, { tell: false });
          const edges = this.#exports.get(m.sessionId);
          const exp = edges?.get(m.from);
          if (exp) {
            edges!.delete(m.from);
            exp.transport.close();
          }
          return;
        }
      }
    };
    run().catch((err: unknown) =>
      this.#log.warn({ err, type: m.type, sessionId: m.sessionId }, 'media pipe step failed'),
    );
  }

  #onBroadcast(m: MediaBroadcast): void {
    if (this.#closed) return;
    switch (m.type) {
      case 'origin.up': {
        if (m.nodeId === this.#o.nodeId) return;
        const imp = this.#imports.get(m.sessionId);
        if (imp && imp.origin !== m.nodeId) this.#dropImport(m.sessionId, { tell: true });
        this.viewerJoined(m.sessionId);
        return;
      }
      case 'room.close':
        this.#o.rooms.closeRoom(m.sessionId);
        return;
      case 'room.handOver':
        this.#o.handOver(m.sessionId);
        return;
    }
  }

  #emitSafely<K extends keyof CascadeEvents>(event: K, ...args: CascadeEvents[K]): void {
    for (const listener of this.listeners(event)) {
      try {
        (listener as (...a: CascadeEvents[K]) => void)(...args);
      } catch (err) {
        this.#log.error({ err, event }, 'media cascade listener failed');
      }
    }
  }
}

// mediasoup's parameter objects cross the bus as plain JSON.
const wirePiped = (p: PipedProducer) => ({
  ...p,
  rtpParameters: p.rtpParameters as unknown as Record<string, unknown>,
});
const wireEndpoint = (e: ReturnType<typeof endpointOf>) => ({
  ip: e.ip,
  port: e.port,
  ...(e.srtpParameters ? { srtpParameters: { ...e.srtpParameters } } : {}),
});
