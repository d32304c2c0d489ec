// Store-and-forward: drains the journal in order into a ReadingSink. A failed write is retried with
// exponential backoff and full jitter; the same batch is retried, so order (global, hence per device)
// holds and the sink, idempotent by reading identity, sees every reading at least once.
import type { Logger } from 'pino';
import type { Journal, JournaledReading } from './journal.ts';

/** Where journaled readings go: commerce ingest in-process, or the core's HTTP ingest route. */
export interface ReadingSink {
  /** Must be idempotent by (deviceId, bootId, seq); resolves once the readings are stored downstream. */
  write(readings: readonly JournaledReading[]): Promise<void>;
}

export interface ForwarderOptions {
  batchSize: number;
  /**
   * How long a batch smaller than batchSize waits for more readings before it is written. Every
   * journal commit (a few ms apart) would otherwise go downstream as its own small write: each sink
   * write has a fixed cost (a transaction in commerce, a request to the core). 0 disables.
   */
  lingerMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export class Forwarder {
  readonly #journal: Journal;
  readonly #sink: ReadingSink;
  readonly #opts: ForwarderOptions;
  readonly #logger: Logger;
  #running = false;
  #stopped = false;
  #wake: (() => void) | undefined;
  #backoffWake: (() => void) | undefined;
  #sleepTimer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  forwarded = 0;
  failures = 0;

  constructor(journal: Journal, sink: ReadingSink, opts: ForwarderOptions, logger: Logger) {
    this.#journal = journal;
    this.#sink = sink;
    this.#opts = opts;
    this.#logger = logger;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#unsubscribe = this.#journal.onAppend(() => this.#wake?.());
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    if (this.#sleepTimer) clearTimeout(this.#sleepTimer);
    this.#wake?.();
    this.#backoffWake?.();
    await this.#loop;
  }

  async #run(): Promise<void> {
    let attempt = 0;
    while (!this.#stopped) {
      let batch = this.#journal.unforwarded(this.#opts.batchSize);
      if (batch.length > 0 && batch.length < this.#opts.batchSize && this.#opts.lingerMs > 0) {
        await this.#sleep(this.#opts.lingerMs);
        if (this.#stopped) break;
        batch = this.#journal.unforwarded(this.#opts.batchSize);
      }
      if (batch.length === 0) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        this.#wake = undefined;
        continue;
      }
      try {
        await this.#sink.write(batch);
        this.#journal.markForwarded(batch[batch.length - 1]!.id, batch.length);
        this.forwarded += batch.length;
        attempt = 0;
      } catch (err) {
        this.failures++;
        const cap = Math.min(this.#opts.backoffMaxMs, this.#opts.backoffBaseMs * 2 ** attempt);
        const delay = Math.random() * cap;
        attempt = Math.min(attempt + 1, 20);
        if (attempt <= 1 || attempt % 10 === 0)
          this.#logger.warn(
            { err: (err as Error).message, delayMs: Math.round(delay) },
            'reading sink failed',
          );
        await this.#sleep(delay);
      }
    }
  }

  /** Waits `ms`, or less when stop() is called. */
  async #sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#backoffWake = resolve;
      this.#sleepTimer = setTimeout(resolve, ms);
    });
    this.#backoffWake = undefined;
  }
}
