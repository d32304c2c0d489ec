// In-process delivery (single node): one loop per consumer reads the outbox after its stored position
// and applies events in order. A failing handler is retried with backoff; later events wait behind it.
// Real-time consumers (handle only) are woken before store consumers (handleInTransaction). Loops wake
// when events commit here or are positioned anywhere (wakeups.ts); the poll is only a safety net.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { readEvents } from '../outbox.ts';
import type { Database } from '../schema.ts';
import {
  applyBatch,
  checkConsumer,
  type EventBus,
  type EventBusHealth,
  type EventConsumer,
  positionKey,
  readPosition,
} from './consumer.ts';
import { outboxWakeupsOf } from './wakeups.ts';

export interface LocalEventBusOptions {
  db: Kysely<Database>;
  logger: Logger;
  /** Identifies this process for 'node'-scoped consumers. */
  nodeId: string;
  /**
   * Safety poll when idle, for a missed wake-up (a lost LISTEN connection, events written by a process
   * without a store). @default 1000 ms (commits and notify() wake the loops at once)
   */
  pollMs?: number;
  /** Events read per query. @default 200 */
  batchSize?: number;
  /** Backoff cap after handler failures. @default 5000 ms */
  maxBackoffMs?: number;
}

interface Loop {
  consumer: EventConsumer;
  key: string;
  position: number;
  failures: number;
  wake: (() => void) | undefined;
  /** A wake-up arrived while the loop was reading: read again instead of sleeping. */
  woken: boolean;
  done: Promise<void> | undefined;
  /** When the loop last read (consumers with readEveryMs). */
  lastReadAt: number;
  /** Ends the wait before the next read (close() only; wake-ups do not shorten it). */
  unpause: (() => void) | undefined;
}

export class LocalEventBus implements EventBus {
  readonly #opts: Required<LocalEventBusOptions>;
  readonly #loops: Loop[] = [];
  #started = false;
  #closed = false;
  #closing: Promise<void> | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(opts: LocalEventBusOptions) {
    this.#opts = { pollMs: 1000, batchSize: 200, maxBackoffMs: 5000, ...opts };
  }

  subscribe(consumer: EventConsumer): void {
    checkConsumer(consumer);
    if (this.#started) throw new TypeError('subscribe before start()');
    const key = positionKey(consumer, this.#opts.nodeId);
    if (this.#loops.some((l) => l.key === key)) throw new TypeError(`consumer ${key} is already subscribed`);
    const loop: Loop = {
      consumer,
      key,
      position: 0,
      failures: 0,
      wake: undefined,
      woken: false,
      done: undefined,
      lastReadAt: 0,
      unpause: undefined,
    };
    // Consumers that only push to sockets go first on every wake-up: a viewer's frame should not queue
    // on the single store connection behind a rollup's transaction.
    const firstTransactional = this.#loops.findIndex((l) => l.consumer.handleInTransaction);
    if (consumer.handle && firstTransactional >= 0) this.#loops.splice(firstTransactional, 0, loop);
    else this.#loops.push(loop);
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#unsubscribe = outboxWakeupsOf(this.#opts.db)?.subscribe(() => this.notify(), 'any');
    for (const loop of this.#loops) {
      loop.position = await readPosition(this.#opts.db, loop.key);
      loop.done = this.#run(loop);
    }
  }

  notify(): void {
    for (const loop of this.#loops) {
      loop.woken = true;
      loop.wake?.();
    }
  }

  health(): EventBusHealth {
    const consumers: EventBusHealth['consumers'] = {};
    for (const l of this.#loops) consumers[l.key] = { position: l.position, failures: l.failures };
    const failing = this.#loops.some((l) => l.failures > 0);
    return {
      state: this.#closed ? 'closed' : failing ? 'degraded' : 'ok',
      transport: 'in-process',
      consumers,
    };
  }

  /** Idempotent: every call waits for the same close (each consumer's loop finishing its batch). */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe?.();
    this.notify();
    for (const l of this.#loops) l.unpause?.();
    await Promise.all(this.#loops.map((l) => l.done));
  }

  #sleep(loop: Loop, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        loop.wake = undefined;
        resolve();
      }
      loop.wake = done;
    });
  }

  /** A wait only close() cuts short (readEveryMs). */
  #pause(loop: Loop, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        loop.unpause = undefined;
        resolve();
      }
      loop.unpause = done;
    });
  }

  async #run(loop: Loop): Promise<void> {
    const { db, logger, batchSize, pollMs, maxBackoffMs } = this.#opts;
    const every = loop.consumer.readEveryMs ?? 0;
    while (!this.#closed) {
      if (every > 0) {
        const wait = loop.lastReadAt + every - Date.now();
        if (wait > 0) await this.#pause(loop, wait);
        if (this.#closed) return;
        loop.lastReadAt = Date.now();
      }
      let delivered = 0;
      // A wake-up follows a sequencer run (this process's commit, or a NOTIFY); the safety poll, the
      // first read and a retry position pending events themselves.
      const position = !loop.woken;
      loop.woken = false;
      try {
        const events = await readEvents(db, loop.position, batchSize, { position });
        if (this.#closed) return;
        await applyBatch(db, loop.consumer, loop.key, events);
        if (events.length > 0) loop.position = events.at(-1)!.id;
        loop.failures = 0;
        delivered = events.length;
      } catch (err) {
        if (this.#closed) return;
        loop.failures++;
        const backoff = Math.min(maxBackoffMs, 100 * 2 ** Math.min(loop.failures, 10));
        logger.error(
          { err, consumer: loop.key, position: loop.position, backoff },
          'event consumer failed; retrying',
        );
        await this.#sleep(loop, backoff);
        continue;
      }
      if (delivered < batchSize && !loop.woken) await this.#sleep(loop, pollMs);
    }
  }
}
