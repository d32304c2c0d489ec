// The routers of one live room: the origin (holding the host's producers) and edge routers on other
// workers, fed by pipeToRouter once a router's consumer budget is used; and where each peer is homed.
import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import { VitaliveError } from '../protocols/index.ts';
import { ROUTER_MEDIA_CODECS } from './codecs.ts';
import type { RoomPeer } from './room-peer.ts';
import type { LiveRoomOptions, RoomRouter } from './room-types.ts';
import type { WorkerSlot } from './worker-pool.ts';

/** Audio and video: what a viewer who has not consumed yet is expected to take from a router. */
const DEFAULT_CONSUMERS_PER_VIEWER = 2;

export interface RoomRoutersOptions {
  room: Pick<LiveRoomOptions, 'sessionId' | 'pool' | 'workerLoad' | 'consumerBudget' | 'listenIp'>;
  log: Logger;
  /** The room's peers and its host's producers (by id), for router load and for feeding a new edge. */
  peers: () => Iterable<RoomPeer>;
  producers: () => ReadonlyMap<string, unknown>;
  /** The room closed: a router created meanwhile is closed at once. */
  closed: () => boolean;
}

export class RoomRouters {
  #origin: RoomRouter | undefined;
  #edges: RoomRouter[] = [];
  #edgeCreating: Promise<RoomRouter | undefined> | undefined;
  readonly #o: RoomRoutersOptions;

  constructor(opts: RoomRoutersOptions) {
    this.#o = opts;
  }

  get origin(): RoomRouter | undefined {
    return this.#origin;
  }

  get all(): readonly RoomRouter[] {
    return this.#origin ? [this.#origin, ...this.#edges] : [...this.#edges];
  }

  /** Creates the origin on the least-loaded running worker (waiting for one while every worker is down). */
  async createOrigin(): Promise<void> {
    const slot = await this.#pickSlot(new Set());
    const router = await slot.worker!.createRouter({
      mediaCodecs: ROUTER_MEDIA_CODECS,
      appData: { sessionId: this.#o.room.sessionId },
    });
    if (this.#o.closed()) {
      router.close();
      return;
    }
    this.#origin = { slot, router, origin: true };
  }

  /** Feeds a new host producer to every edge router. */
  async pipeToEdges(producerId: string): Promise<void> {
    for (const edge of this.#edges) await this.#pipe(producerId, edge);
  }

  /** Edge routers on a worker that died are dropped (their peers must reconnect); returns them. */
  dropEdgesOn(slot: WorkerSlot): RoomRouter[] {
    const dead = this.#edges.filter((e) => e.slot === slot);
    if (dead.length > 0) this.#edges = this.#edges.filter((e) => e.slot !== slot);
    return dead;
  }

  /** Closes every router (and with it their transports, producers and consumers). */
  close(): void {
    for (const r of this.all) r.router.close();
    this.#origin = undefined;
    this.#edges = [];
  }

  /** Consumers the room has (or has reserved) on one of its routers. */
  load(r: RoomRouter): number {
    const reserve = this.#perViewer();
    let n = 0;
    for (const peer of this.#o.peers()) {
      if (peer.home !== r || peer.role !== 'viewer') continue;
      n += Math.max(peer.consumers.size, reserve);
    }
    return n;
  }

  /**
   * The peer's router: the host on the origin; a viewer on the least-loaded router under the consumer
   * budget, on a new edge router when there is none, over budget when every running worker is used.
   */
  async homeOf(peer: RoomPeer): Promise<RoomRouter> {
    for (;;) {
      if (peer.home && !peer.home.router.closed) return peer.home;
      if (peer.role === 'host') {
        peer.home = this.#origin;
        if (!peer.home) throw new VitaliveError('MEDIA_WORKER_UNAVAILABLE');
        continue;
      }
      const need = this.#perViewer();
      const open = this.all.filter(
        (r) => !r.router.closed && this.load(r) + need <= this.#o.room.consumerBudget,
      );
      if (open.length > 0) {
        peer.home = open.reduce((best, r) => (this.load(r) < this.load(best) ? r : best));
        continue;
      }
      this.#edgeCreating ??= this.#createEdge().finally(() => {
        this.#edgeCreating = undefined;
      });
      const edge = await this.#edgeCreating;
      if (edge) continue;
      // Every running worker already carries this room: the least-loaded router takes one more.
      const live = this.all.filter((r) => !r.router.closed);
      if (live.length === 0) throw new VitaliveError('MEDIA_WORKER_UNAVAILABLE');
      peer.home = live.reduce((best, r) => (this.load(r) < this.load(best) ? r : best));
      this.#o.log.warn({ consumers: this.load(peer.home) }, 'media room over its consumer budget');
    }
  }

  /** A running slot, least-loaded first, avoiding slots this room already uses when it can. */
  async #pickSlot(avoid: Set<WorkerSlot>): Promise<WorkerSlot> {
    const { pool, workerLoad, sessionId } = this.#o.room;
    for (;;) {
      if (this.#o.closed()) throw new VitaliveError('MEDIA_ROOM_CLOSED', { sessionId });
      try {
        return pool.pick((s) => workerLoad(s) + (avoid.has(s) ? 1e9 : 0));
      } catch {
        // Every worker is down: wait for the pool's replacement.
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(done, 1000);
          pool.once('workerreplaced', done);
        });
      }
    }
  }

  async #pipe(producerId: string, edge: RoomRouter): Promise<void> {
    const origin = this.#origin;
    if (!origin || edge.router.closed) return;
    await origin.router.pipeToRouter({ producerId, router: edge.router, listenIp: this.#o.room.listenIp });
  }

  /**
   * A router on a running worker this room does not use yet (a worker refuses a second copy of a
   * producer id, so pipes go between workers); undefined when there is none.
   */
  async #createEdge(): Promise<RoomRouter | undefined> {
    const { pool, workerLoad, sessionId } = this.#o.room;
    const used = new Set(this.all.map((r) => r.slot));
    const free = pool.slots.filter((s) => s.state === 'ok' && !used.has(s));
    if (free.length === 0) return undefined;
    const slot = free.reduce((best, s) => (workerLoad(s) < workerLoad(best) ? s : best));
    const router: ms.Router = await slot.worker!.createRouter({
      mediaCodecs: ROUTER_MEDIA_CODECS,
      appData: { sessionId },
    });
    const edge: RoomRouter = { slot, router, origin: false };
    for (const id of this.#o.producers().keys()) await this.#pipe(id, edge);
    if (this.#o.closed()) {
      router.close();
      throw new VitaliveError('MEDIA_ROOM_CLOSED', { sessionId });
    }
    this.#edges.push(edge);
    this.#o.log.info(
      { worker: slot.index, edges: this.#edges.length },
      'media room fanned out to a new router',
    );
    return edge;
  }

  /** Consumers a viewer will take: one per host producer (audio + video until the host publishes). */
  #perViewer(): number {
    const n = this.#o.producers().size;
    return n > 0 ? n : DEFAULT_CONSUMERS_PER_VIEWER;
  }
}
