// Wake-ups for outbox dispatchers, so delivery follows commits instead of a polling interval: a local
// commit that appended events, and on PostgreSQL a NOTIFY from whichever node gave events positions.
// The store owns one per database; a bus finds it from the database handle it was given.
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Database } from '../schema.ts';

/** The channel outbox_sequence() notifies after each batch it positions (migration 0016). */
export const OUTBOX_CHANNEL = 'vitalive_outbox';

/** 'local': commits in this process only; 'any': also events positioned by any node of the cluster. */
export type WakeSource = 'local' | 'any';

/** Reconnect backoff of the LISTEN connection; the buses' safety poll covers the gap. */
const LISTEN_RETRY_MIN_MS = 500;
const LISTEN_RETRY_MAX_MS = 30_000;

export class OutboxWakeups {
  readonly #databaseUrl: string | undefined;
  readonly #logger: Logger;
  readonly #local = new Set<() => void>();
  readonly #any = new Set<() => void>();
  #listener: PgListener | undefined;
  #closed = false;

  /** With a PostgreSQL URL, 'any' subscribers are also woken by NOTIFY on a connection of their own. */
  constructor(opts: { databaseUrl?: string | undefined; logger: Logger }) {
    this.#databaseUrl = opts.databaseUrl;
    this.#logger = opts.logger;
  }

  /** Calls `wake` on every wake-up of the given source; returns the unsubscribe function. */
  subscribe(wake: () => void, source: WakeSource): () => void {
    const set = source === 'any' ? this.#any : this.#local;
    set.add(wake);
    if (source === 'any' && this.#databaseUrl && !this.#listener && !this.#closed) {
      this.#listener = new PgListener(this.#databaseUrl, this.#logger, () => this.#wake(this.#any));
    }
    return () => {
      set.delete(wake);
      if (this.#any.size === 0 && this.#listener) {
        void this.#listener.close();
        this.#listener = undefined;
      }
    };
  }

  /** A transaction of this process that appended events has committed. */
  committed(): void {
    this.#wake(this.#local);
    this.#wake(this.#any);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#local.clear();
    this.#any.clear();
    const listener = this.#listener;
    this.#listener = undefined;
    await listener?.close();
  }

  #wake(set: Set<() => void>): void {
    for (const wake of set) {
      try {
        wake();
      } catch (err) {
        this.#logger.error({ err }, 'outbox wake-up listener failed');
      }
    }
  }
}

/** One LISTEN connection, reconnected with backoff; it wakes after every (re)connect for what it missed. */
class PgListener {
  readonly #url: string;
  readonly #logger: Logger;
  readonly #onNotify: () => void;
  #client: pg.Client | undefined;
  #failures = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(url: string, logger: Logger, onNotify: () => void) {
    this.#url = url;
    this.#logger = logger;
    this.#onNotify = onNotify;
    void this.#connect();
  }

  async #connect(): Promise<void> {
    this.#timer = undefined;
    if (this.#closed) return;
    const { default: pgModule } = await import('pg');
    const client = new pgModule.Client({ connectionString: this.#url });
    const lost = (err?: Error) => {
      if (this.#client !== client) return;
      this.#client = undefined;
      client.end().catch(() => undefined);
      if (!this.#closed) this.#retry(err);
    };
    client.on('notification', () => this.#onNotify());
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      this.#client = client;
      await client.connect();
      await client.query(`listen ${OUTBOX_CHANNEL}`);
    } catch (err) {
      if (this.#client === client) lost(err as Error);
      return;
    }
    if (this.#closed) {
      this.#client = undefined;
      await client.end().catch(() => undefined);
      return;
    }
    this.#failures = 0;
    this.#onNotify();
  }

  #retry(err: Error | undefined): void {
    this.#failures++;
    const delay = Math.min(LISTEN_RETRY_MAX_MS, LISTEN_RETRY_MIN_MS * 2 ** Math.min(this.#failures, 10));
    this.#logger.warn({ err: err?.message, retryMs: delay }, 'outbox LISTEN connection lost; reconnecting');
    this.#timer = setTimeout(() => void this.#connect(), delay);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }
}

const byDatabase = new WeakMap<object, OutboxWakeups>();

/** Called by the store for each handle it opens on the database. */
export function registerOutboxWakeups(db: Kysely<Database>, wakeups: OutboxWakeups): void {
  byDatabase.set(db, wakeups);
}

/** The wake-ups of the store that opened `db`, if a store did (a bus then still works by polling). */
export function outboxWakeupsOf(db: Kysely<Database>): OutboxWakeups | undefined {
  return byDatabase.get(db);
}
