// The mediasoup worker pool: one worker per configured slot, each with a WebRtcServer on its own port.
// A worker that dies is reported and replaced on the same slot and port; close() is idempotent.
import { EventEmitter } from 'node:events';
import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';

export interface WorkerPoolOptions {
  /** WebRtcServer port of each worker; its length is the number of workers. */
  ports: number[];
  listenIp: string;
  announcedAddress: string | undefined;
  rtcMinPort: number;
  rtcMaxPort: number;
  logLevel: ms.WorkerLogLevel;
  logger: Logger;
  /** Delay before a dead worker's slot is refilled. @default 500 ms (lets the OS release its ports) */
  respawnDelayMs?: number;
}

export type WorkerSlotState = 'starting' | 'ok' | 'dead' | 'closed';

export interface WorkerSlot {
  readonly index: number;
  readonly port: number;
  state: WorkerSlotState;
  worker: ms.Worker | undefined;
  webRtcServer: ms.WebRtcServer | undefined;
  /** How many times this slot's worker died. */
  deaths: number;
}

export interface WorkerPoolEvents {
  /** A worker died unexpectedly; its routers and transports are gone. */
  workerdied: [slot: WorkerSlot, error: Error];
  /** A replacement worker is running in the slot; owners re-create what they hosted there. */
  workerreplaced: [slot: WorkerSlot];
}

export type WorkerPoolHealth = {
  state: 'ok' | 'degraded' | 'down' | 'disabled';
  workers: Array<{
    index: number;
    pid: number | undefined;
    port: number;
    state: WorkerSlotState;
    deaths: number;
  }>;
};

export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly #opts: WorkerPoolOptions;
  readonly #slots: WorkerSlot[];
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(opts: WorkerPoolOptions) {
    super();
    if (opts.rtcMaxPort < opts.rtcMinPort) throw new TypeError('rtcMaxPort must be >= rtcMinPort');
    this.#opts = opts;
    this.#slots = opts.ports.map((port, index) => ({
      index,
      port,
      state: 'starting',
      worker: undefined,
      webRtcServer: undefined,
      deaths: 0,
    }));
  }

  get closed(): boolean {
    return this.#closed;
  }

  get slots(): readonly WorkerSlot[] {
    return this.#slots;
  }

  async start(): Promise<void> {
    await Promise.all(this.#slots.map((slot) => this.#spawn(slot)));
  }

  /** The running slot with the fewest consumers-in-use as counted by the caller (least loaded first). */
  pick(load: (slot: WorkerSlot) => number = () => 0): WorkerSlot {
    const alive = this.#slots.filter((s) => s.state === 'ok');
    if (alive.length === 0) throw new Error('no media worker is running');
    return alive.reduce((best, s) => (load(s) < load(best) ? s : best));
  }

  health(): WorkerPoolHealth {
    const workers = this.#slots.map((s) => ({
      index: s.index,
      pid: s.worker?.pid,
      port: s.port,
      state: s.state,
      deaths: s.deaths,
    }));
    if (this.#slots.length === 0) return { state: 'disabled', workers };
    const ok = this.#slots.filter((s) => s.state === 'ok').length;
    const state = ok === this.#slots.length ? 'ok' : ok === 0 ? 'down' : 'degraded';
    return { state, workers };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const slot of this.#slots) {
      slot.state = 'closed';
      slot.worker?.close();
    }
    this.removeAllListeners();
  }

  async #spawn(slot: WorkerSlot): Promise<void> {
    const { logger } = this.#opts;
    slot.state = 'starting';
    // Loaded with the first worker: a node without media slots never holds mediasoup in memory.
    const { createWorker } = await import('mediasoup');
    const worker = await createWorker({
      logLevel: this.#opts.logLevel,
      rtcMinPort: this.#opts.rtcMinPort,
      rtcMaxPort: this.#opts.rtcMaxPort,
      appData: { slot: slot.index },
    });
    if (this.#closed) {
      worker.close();
      return;
    }
    worker.on('died', (error) => this.#onDied(slot, worker, error));
    const listen = { ip: this.#opts.listenIp, announcedIp: this.#opts.announcedAddress, port: slot.port };
    try {
      slot.webRtcServer = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ...listen },
          { protocol: 'tcp', ...listen },
        ],
      });
    } catch (err) {
      worker.close();
      slot.state = 'dead';
      throw err;
    }
    slot.worker = worker;
    slot.state = 'ok';
    logger.info({ worker: slot.index, pid: worker.pid, port: slot.port }, 'media worker started');
  }

  #onDied(slot: WorkerSlot, worker: ms.Worker, error: Error): void {
    if (this.#closed || slot.worker !== worker) return;
    slot.state = 'dead';
    slot.deaths += 1;
    slot.worker = undefined;
    slot.webRtcServer = undefined;
    this.#opts.logger.error({ worker: slot.index, pid: worker.pid, err: error }, 'media worker died');
    this.#emitSafely('workerdied', slot, error);
    this.#scheduleRespawn(slot);
  }

  #scheduleRespawn(slot: WorkerSlot): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#spawn(slot).then(
        () => {
          if (!this.#closed) this.#emitSafely('workerreplaced', slot);
        },
        (err: unknown) => {
          this.#opts.logger.error({ worker: slot.index, err }, 'media worker respawn failed; retrying');
          if (!this.#closed) this.#scheduleRespawn(slot);
        },
      );
    }, this.#opts.respawnDelayMs ?? 500);
    this.#timers.add(timer);
  }

  // Listener errors are logged, never allowed to take the process down.
  #emitSafely<K extends keyof WorkerPoolEvents>(event: K, ...args: WorkerPoolEvents[K]): void {
    for (const listener of this.listeners(event)) {
      try {
        (listener as (...a: WorkerPoolEvents[K]) => void)(...args);
      } catch (err) {
        this.#opts.logger.error({ err, event }, 'worker pool listener failed');
      }
    }
  }
}
