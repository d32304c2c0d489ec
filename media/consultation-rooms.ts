// Every video consultation room on this node, keyed by consultation: opened on the first join, closed
// when both seats are empty, when the consultation ends or is cancelled, or when its worker dies (the
// two sides are told and join again, which opens a fresh room on a running worker).
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { VitaliveError } from '../protocols/index.ts';
import { ConsultationRoom, type ConsultationSide } from './consultation-room.ts';
import type { ProducerInfo } from './room-types.ts';
import type { WorkerPool, WorkerSlot } from './worker-pool.ts';

export interface ConsultationRoomsEvents {
  producer: [consultationId: string, side: ConsultationSide, info: ProducerInfo];
  producerclose: [consultationId: string, side: ConsultationSide, producerId: string];
  peerleft: [consultationId: string, side: ConsultationSide, peerId: string];
  roomclose: [consultationId: string];
}

export class ConsultationRooms extends EventEmitter<ConsultationRoomsEvents> {
  readonly #pool: WorkerPool;
  readonly #logger: Logger;
  readonly #rooms = new Map<string, ConsultationRoom>();
  #closed = false;

  constructor(opts: { pool: WorkerPool; logger: Logger }) {
    super();
    this.#pool = opts.pool;
    this.#logger = opts.logger;
    opts.pool.on('workerdied', this.#onWorkerDied);
  }

  readonly #onWorkerDied = (slot: WorkerSlot): void => {
    for (const room of [...this.#rooms.values()]) if (room.slot === slot) this.closeRoom(room.consultationId);
  };

  get size(): number {
    return this.#rooms.size;
  }

  get(consultationId: string): ConsultationRoom | undefined {
    return this.#rooms.get(consultationId);
  }

  /** The consultation's room, created on first use on the worker with the fewest consultation rooms. */
  async open(consultationId: string): Promise<ConsultationRoom> {
    if (this.#closed || this.#pool.slots.every((s) => s.state !== 'ok'))
      throw new VitaliveError('MEDIA_WORKER_UNAVAILABLE');
    let room = this.#rooms.get(consultationId);
    if (!room) {
      room = new ConsultationRoom({
        consultationId,
        pool: this.#pool,
        logger: this.#logger,
        load: (s) => [...this.#rooms.values()].filter((r) => r.slot === s).length,
      });
      this.#wire(room);
      this.#rooms.set(consultationId, room);
    }
    try {
      await room.ready();
    } catch {
      this.closeRoom(consultationId);
      throw new VitaliveError('MEDIA_WORKER_UNAVAILABLE');
    }
    return room;
  }

  /** Idempotent. */
  closeRoom(consultationId: string): void {
    const room = this.#rooms.get(consultationId);
    if (!room) return;
    this.#rooms.delete(consultationId);
    room.close();
  }

  /** Idempotent: closes every room; the pool belongs to the caller. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pool.off('workerdied', this.#onWorkerDied);
    for (const id of [...this.#rooms.keys()]) this.closeRoom(id);
    this.removeAllListeners();
  }

  #wire(room: ConsultationRoom): void {
    const id = room.consultationId;
    room.on('producer', (side, info) => this.emit('producer', id, side, info));
    room.on('producerclose', (side, producerId) => this.emit('producerclose', id, side, producerId));
    room.on('peerleft', (side, peerId) => {
      this.emit('peerleft', id, side, peerId);
      // Nobody left in it: its router goes.
      if (room.empty) this.closeRoom(id);
    });
    room.on('close', () => {
      if (this.#rooms.get(id) === room) this.#rooms.delete(id);
      this.emit('roomclose', id);
    });
  }
}
