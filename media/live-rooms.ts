// Every live room on this node, keyed by session: opens rooms on demand, forwards their events with the
// session id, re-homes them when a worker dies, and closes them (idempotent) when a session ends.
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { VitaliveError } from '../protocols/index.ts';
import { LiveRoom, type ProducerInfo } from './live-room.ts';
import { type MediaStats, type RoomStats, roomStats, WorkerCpu } from './stats.ts';
import type { WorkerPool, WorkerSlot } from './worker-pool.ts';

export interface LiveRoomsOptions {
  pool: WorkerPool;
  logger: Logger;
  /** Consumers per router before viewers fan out to another worker. @default 400 */
  consumerBudget?: number;
  /** Address PlainTransports and pipes listen on. @default '127.0.0.1' */
  listenIp?: string;
  announcedAddress?: string | undefined;
  /** Low-layer start before a viewer moves to its target layer. @default 400 ms */
  layerUpgradeDelayMs?: number;
  /** Least time between keyframe requests reaching the host's encoder or a pipe, per layer. @default 1000 ms */
  keyFrameRequestDelayMs?: number;
}

export interface LiveRoomsEvents {
  reconnect: [sessionId: string, peerId: string, reason: string];
  producer: [sessionId: string, info: ProducerInfo];
  producerclose: [sessionId: string, producerId: string];
  consumerclose: [sessionId: string, peerId: string, consumerId: string];
  roomclose: [sessionId: string];
}

export class LiveRooms extends EventEmitter<LiveRoomsEvents> {
  readonly #opts: LiveRoomsOptions;
  readonly #rooms = new Map<string, LiveRoom>();
  readonly #cpu = new WorkerCpu();
  #closed = false;
  #statsCache: { atMs: number; value: Promise<MediaStats> } | undefined;

  constructor(opts: LiveRoomsOptions) {
    super();
    if (opts.consumerBudget !== undefined && opts.consumerBudget < 1) {
      throw new TypeError('consumerBudget must be at least 1');
    }
    this.#opts = opts;
    opts.pool.on('workerdied', this.#onWorkerDied);
  }

  readonly #onWorkerDied = (slot: WorkerSlot): void => {
    for (const room of this.#rooms.values()) {
      room
        .onWorkerDied(slot)
        .catch((err: unknown) => this.#opts.logger.error({ err }, 'media re-home failed'));
    }
  };

  get consumerBudget(): number {
    return this.#opts.consumerBudget ?? 400;
  }

  /** The session's room, created on first use; waits until its origin router exists. */
  async open(sessionId: string, hostId: string): Promise<LiveRoom> {
    if (this.#closed) throw new VitaliveError('MEDIA_WORKER_UNAVAILABLE');
    let room = this.#rooms.get(sessionId);
    if (room && room.hostId !== hostId) {
      // The session's host changed (re-assigned by staff): the old room cannot be trusted.
      this.closeRoom(sessionId);
      room = undefined;
    }
    if (!room) {
      if (this.#opts.pool.slots.length === 0) throw new VitaliveError('MEDIA_WORKER_UNAVAILABLE');
      room = new LiveRoom({
        sessionId,
        hostId,
        pool: this.#opts.pool,
        logger: this.#opts.logger,
        consumerBudget: this.consumerBudget,
        workerLoad: (slot) => this.workerLoad(slot),
        listenIp: this.#opts.listenIp ?? '127.0.0.1',
        announcedAddress: this.#opts.announcedAddress,
        layerUpgradeDelayMs: this.#opts.layerUpgradeDelayMs ?? 400,
        keyFrameRequestDelayMs: this.#opts.keyFrameRequestDelayMs ?? 1000,
      });
      this.#wire(room);
      this.#rooms.set(sessionId, room);
    }
    try {
      await room.ready();
    } catch (err) {
      this.closeRoom(sessionId);
      throw err instanceof VitaliveError ? err : new VitaliveError('MEDIA_WORKER_UNAVAILABLE');
    }
    return room;
  }

  get(sessionId: string): LiveRoom | undefined {
    return this.#rooms.get(sessionId);
  }

  /** Every open room, for the cascade's sweep. */
  all(): IterableIterator<LiveRoom> {
    return this.#rooms.values();
  }

  get size(): number {
    return this.#rooms.size;
  }

  /** Ends a session's media: every peer's transports, producers and consumers. Idempotent. */
  closeRoom(sessionId: string): void {
    const room = this.#rooms.get(sessionId);
    if (!room) return;
    this.#rooms.delete(sessionId);
    room.close();
  }

  /** Consumers on a worker across every room. */
  workerLoad(slot: WorkerSlot): number {
    let n = 0;
    for (const room of this.#rooms.values()) n += room.loadOn(slot);
    return n;
  }

  /**
   * Figures from mediasoup (one request per producer and consumer). `maxAgeMs` reuses a recent
   * result: the /staff stream asks twice a second and must not flood the workers.
   */
  stats(opts: { maxAgeMs?: number } = {}): Promise<MediaStats> {
    const cached = this.#statsCache;
    if (cached && opts.maxAgeMs !== undefined && Date.now() - cached.atMs <= opts.maxAgeMs)
      return cached.value;
    const value = this.#collectStats();
    this.#statsCache = { atMs: Date.now(), value };
    value.catch(() => {
      if (this.#statsCache?.value === value) this.#statsCache = undefined;
    });
    return value;
  }

  async #collectStats(): Promise<MediaStats> {
    const rooms: RoomStats[] = await Promise.all([...this.#rooms.values()].map((r) => roomStats(r)));
    const workers = await Promise.all(
      this.#opts.pool.slots.map(async (slot) => ({
        index: slot.index,
        pid: slot.worker?.pid,
        state: slot.state,
        deaths: slot.deaths,
        consumers: this.#consumersOn(slot),
        routers: [...this.#rooms.values()].reduce(
          (n, r) => n + r.routers.filter((x) => x.slot === slot).length,
          0,
        ),
        cpuPercent: await this.#cpu.sample(slot),
      })),
    );
    return { rooms, workers };
  }

  /** Idempotent: closes every room; the pool belongs to the caller. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#opts.pool.off('workerdied', this.#onWorkerDied);
    for (const id of [...this.#rooms.keys()]) this.closeRoom(id);
    this.removeAllListeners();
  }

  #consumersOn(slot: WorkerSlot): number {
    let n = 0;
    for (const room of this.#rooms.values()) {
      for (const r of room.routers) if (r.slot === slot) n += room.consumersOn(r);
    }
    return n;
  }

  #wire(room: LiveRoom): void {
    const id = room.sessionId;
    const safe =
      <A extends unknown[]>(fn: (...a: A) => void) =>
      (...a: A) => {
        try {
          fn(...a);
        } catch (err) {
          this.#opts.logger.error({ err }, 'media rooms listener failed');
        }
      };
    room.on(
      'reconnect',
      safe((peerId, reason) => this.emit('reconnect', id, peerId, reason)),
    );
    room.on(
      'producer',
      safe((info) => this.emit('producer', id, info)),
    );
    room.on(
      'producerclose',
      safe((producerId) => this.emit('producerclose', id, producerId)),
    );
    room.on(
      'consumerclose',
      safe((peerId, consumerId) => this.emit('consumerclose', id, peerId, consumerId)),
    );
    room.on(
      'close',
      safe(() => {
        if (this.#rooms.get(id) === room) this.#rooms.delete(id);
        this.emit('roomclose', id);
      }),
    );
  }
}
