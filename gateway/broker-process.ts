// The platform's side of the broker child (gateway/broker-child.ts, built as dist/broker.mjs): forks it,
// stores the readings it forwards through the platform's ReadingSink, relays device admin, presence and
// health calls to it, and restarts it with backoff when it dies. The child's journal keeps every
// reading it acknowledged until this side answered that commerce stored it, so a restart (or a crash of
// either process) delays readings, never loses one.
import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { DeviceWithPresence, ReadingSink } from '../edge/index.ts';
import type { DeviceCommand } from '../protocols/index.ts';
import { VitaliveError } from '../protocols/index.ts';
import type { BrokerCallMethod, BrokerStartOptions, ChildToParent, ParentToChild } from './broker-ipc.ts';
import type { SubsystemHealth } from './health.ts';

/** The built child entry; one folder below the repository root, from the sources and from dist/ alike. */
export const BROKER_ENTRY = path.resolve(import.meta.dirname, '../dist/broker.mjs');

export interface BrokerProcessOptions {
  start: BrokerStartOptions;
  sink: ReadingSink;
  logger: Logger;
  /** First restart delay after the child died; doubles per quick death up to restartMaxMs. */
  restartBaseMs: number;
  restartMaxMs: number;
  entry?: string;
  /** A relayed call not answered within this time fails. */
  callTimeoutMs?: number;
}

/** A child that lived this long before dying restarts after the base delay again. */
const STABLE_AFTER_MS = 30_000;

type Pending = { resolve: (v: unknown) => void; reject: (err: Error) => void; timer: NodeJS.Timeout };

export class BrokerProcess {
  readonly #opts: BrokerProcessOptions;
  #child: ChildProcess | undefined;
  #ready = false;
  #everReady = false;
  #port: number;
  #startedAt = 0;
  #attempt = 0;
  #restartTimer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;
  readonly #calls = new Map<number, Pending>();
  #nextCall = 1;
  /** Times the child died and was started again. */
  restarts = 0;

  constructor(opts: BrokerProcessOptions) {
    this.#opts = opts;
    this.#port = opts.start.port;
  }

  get port(): number {
    return this.#port;
  }

  /** The child's process id while it runs. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts the child and waits until its broker listens; rejects when it cannot start. */
  start(): Promise<void> {
    const entry = this.#opts.entry ?? BROKER_ENTRY;
    if (!fs.existsSync(entry))
      return Promise.reject(
        new VitaliveError('CONFIG_INVALID', {
          key: 'MQTT_BROKER_PROCESS',
          reason: `${path.basename(entry)} is not built (npm run build:server), or set MQTT_BROKER_PROCESS=inline`,
        }),
      );
    return this.#spawn();
  }

  #spawn(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const child = fork(this.#opts.entry ?? BROKER_ENTRY, [], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        execArgv: [],
        serialization: 'json',
      });
      this.#child = child;
      this.#startedAt = Date.now();
      child.on('message', (msg: ChildToParent) => {
        if (msg.t === 'ready') {
          this.#port = msg.port;
          this.#ready = true;
          this.#everReady = true;
          this.#opts.logger.info({ pid: child.pid, port: msg.port }, 'broker process ready');
          resolve();
        } else this.#onMessage(child, msg);
      });
      child.once('error', (err) => {
        this.#opts.logger.error({ err }, 'broker process error');
        // Never started (no exit event follows): treated as an exit.
        if (child.pid === undefined) {
          reject(err);
          this.#onExit(child, null, null);
        }
      });
      child.once('exit', (code, signal) => {
        reject(new Error(`broker process exited during start-up (${signal ?? code})`));
        this.#onExit(child, code, signal);
      });
      // The port the first child got is kept, so devices find a restarted broker where they left it.
      const msg: ParentToChild = { t: 'start', options: { ...this.#opts.start, port: this.#port } };
      child.send(msg);
    });
  }

  #send(child: ChildProcess, msg: ParentToChild): void {
    if (child.connected) child.send(msg);
  }

  #onMessage(child: ChildProcess, msg: ChildToParent): void {
    if (msg.t === 'ingest') {
      this.#opts.sink.write(msg.readings).then(
        () => this.#send(child, { t: 'ingested', id: msg.id }),
        (err: unknown) => {
          const code = (err as { code?: unknown }).code;
          this.#send(child, {
            t: 'ingested',
            id: msg.id,
            error: (err as Error).message,
            ...(typeof code === 'string' ? { code } : {}),
          });
        },
      );
      return;
    }
    if (msg.t === 'reply') {
      const call = this.#calls.get(msg.id);
      if (!call) return;
      this.#calls.delete(msg.id);
      clearTimeout(call.timer);
      if (msg.error !== undefined) call.reject(new Error(msg.error));
      else call.resolve(msg.value);
    }
  }

  #onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.#child) return;
    this.#child = undefined;
    this.#ready = false;
    for (const call of this.#calls.values()) {
      clearTimeout(call.timer);
      call.reject(new VitaliveError('SERVICE_UNAVAILABLE', { what: 'Edge broker' }));
    }
    this.#calls.clear();
    if (this.#closing || !this.#everReady) return;
    const lived = Date.now() - this.#startedAt;
    this.#attempt = lived >= STABLE_AFTER_MS ? 0 : this.#attempt + 1;
    const delay = Math.min(
      this.#opts.restartMaxMs,
      this.#opts.restartBaseMs * 2 ** Math.max(0, this.#attempt - 1),
    );
    this.#opts.logger.error(
      { code, signal, livedMs: lived, restartInMs: delay },
      'broker process died; restarting it',
    );
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (this.#closing) return;
      this.restarts++;
      // A failed start ends in another exit, which schedules the next attempt.
      this.#spawn().catch(() => {});
    }, delay);
  }

  #call<T>(method: BrokerCallMethod, ...args: unknown[]): Promise<T> {
    const child = this.#child;
    if (!child || !this.#ready || !child.connected)
      return Promise.reject(new VitaliveError('SERVICE_UNAVAILABLE', { what: 'Edge broker' }));
    const id = this.#nextCall++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#calls.delete(id);
        reject(new VitaliveError('SERVICE_UNAVAILABLE', { what: 'Edge broker' }));
      }, this.#opts.callTimeoutMs ?? 10_000);
      this.#calls.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.#send(child, { t: 'call', id, method, args });
    });
  }

  async health(): Promise<SubsystemHealth> {
    const base = { host: this.#opts.start.host, port: this.#port, restarts: this.restarts };
    if (this.#closing) return { state: 'closed', ...base, clients: 0 };
    if (!this.#ready) return { state: 'starting', ...base, clients: 0 };
    try {
      const h = await this.#call<SubsystemHealth>('health');
      return { ...h, ...base };
    } catch (err) {
      return { state: 'down', ...base, clients: 0, error: (err as Error).message };
    }
  }

  /** Devices online and readings per minute for the staff stream; zeros while the child restarts. */
  summary = async (): Promise<{ online: number; readingsPerMinute: number }> =>
    this.#call<{ online: number; readingsPerMinute: number }>('summary').catch(() => ({
      online: 0,
      readingsPerMinute: 0,
    }));

  registerDevice(id: string, kind: string, location: string): Promise<string | undefined> {
    return this.#call('registerDevice', id, kind, location);
  }

  listDevices(): Promise<DeviceWithPresence[]> {
    return this.#call('listDevices');
  }

  getDevice(id: string): Promise<DeviceWithPresence | undefined> {
    return this.#call('getDevice', id);
  }

  rotateSecret(id: string): Promise<string | undefined> {
    return this.#call('rotateSecret', id);
  }

  setDisabled(id: string, disabled: boolean): Promise<boolean> {
    return this.#call('setDisabled', id, disabled);
  }

  sendCommand(id: string, command: DeviceCommand): Promise<void> {
    return this.#call('sendCommand', id, command);
  }

  /** Asks the child to close its edge (journal flushed) and waits for it to exit; idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.#send(child, { t: 'close' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
