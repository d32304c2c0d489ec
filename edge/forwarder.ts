// Store-and-forward: drains the journal in order into a ReadingSink. A failed write is retried with
// exponential backoff and full jitter; the same batch is retried, so order (global, hence per device)
// holds and the sink, idempotent by reading identity, sees every reading at least once. A batch the
// sink refuses by its content (see isRefusal) is split in halves until the refused readings are alone;
// those are handed to onRefused (quarantine) and the others flow on, in order.
import type { Logger } from 'pino';
import type { Journal, JournaledReading } from './journal.ts';

/** Error codes by which a sink refuses the readings themselves: retrying the same ones cannot help. */
const REFUSAL_CODES = new Set(['VALIDATION_FAILED', 'READING_INVALID']);

/**
 * A sink's refusal of the readings it was given (HTTP 400/422 from the core, or commerce's coded
 * error in-process). Any other failure (network, 5xx, 401, 429) is transient and retried as is.
 */
export function isRefusal(err: unknown): err is Error & { code: string } {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === 'string' && REFUSAL_CODES.has(code);
}

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

/** Called with each reading the sink refused on its own, and the sink's reason. */
export type RefusedReadingHandler = (reading: JournaledReading, reason: string) => void;

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
  readonly #onRefused: RefusedReadingHandler;
  /** Journal ids of the current batch already handed to onRefused (a retry does not hand them twice). */
  readonly #refusedIds = new Set<number>();
  forwarded = 0;
  failures = 0;
  /** Readings the sink refused on their own (quarantined, not forwarded). */
  refused = 0;

  constructor(
    journal: Journal,
    sink: ReadingSink,
    opts: ForwarderOptions,
    logger: Logger,
    onRefused: RefusedReadingHandler = () => {},
  ) {
    this.#journal = journal;
    this.#sink = sink;
    this.#opts = opts;
    this.#logger = logger;
    this.#onRefused = onRefused;
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
        await this.#deliver(batch);
        this.#journal.markForwarded(batch[batch.length - 1]!.id, batch.length);
        this.forwarded += batch.length - this.#refusedIds.size;
        this.#refusedIds.clear();
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

  /**
   * Writes `batch` in order. On a refusal the batch is split in halves, each delivered in turn, down to
   * single readings: about 2·log2(n) writes find one refused reading among n. A transient failure
   * propagates, and the whole batch is retried later (the sink ignores what it already holds).
   */
  async #deliver(batch: readonly JournaledReading[]): Promise<void> {
    const pending = this.#refusedIds.size > 0 ? batch.filter((r) => !this.#refusedIds.has(r.id)) : batch;
    if (pending.length === 0) return;
    try {
      await this.#sink.write(pending);
    } catch (err) {
      if (!isRefusal(err) || this.#stopped) throw err;
      if (pending.length === 1) {
        const reading = pending[0]!;
        this.#refusedIds.add(reading.id);
        this.refused++;
        this.#onRefused(reading, `${err.code}: ${err.message}`.slice(0, 500));
        return;
      }
      const half = Math.ceil(pending.length / 2);
      await this.#deliver(pending.slice(0, half));
      await this.#deliver(pending.slice(half));
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
