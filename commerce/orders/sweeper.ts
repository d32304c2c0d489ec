// Periodic housekeeping of live sales: expires unpaid orders past their reservation and cards past their
// countdown, and prunes old idempotency keys. Every step is a conditional update, so several processes
// may run it at once without doubling an effect.
import type { Logger } from 'pino';
import type { LiveSales } from '../sales/index.ts';
import type { Store } from '../store.ts';
import { pruneKeys } from './idempotency.ts';
import type { Orders } from './orders.ts';

export interface SweeperOptions {
  store: Store;
  orders: Orders;
  sales: LiveSales;
  logger: Logger;
  /** @default 1000 ms */
  periodMs?: number;
  /** Idempotency keys are kept at least this long. @default 86400000 (24 h) */
  keepKeysMs?: number;
}

export class Sweeper {
  readonly #o: Required<SweeperOptions>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  #lastPruneMs = 0;

  constructor(opts: SweeperOptions) {
    this.#o = { periodMs: 1000, keepKeysMs: 86_400_000, ...opts };
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      this.#running = this.#running.then(async () => {
        await this.sweep();
      });
    }, this.#o.periodMs);
    this.#timer.unref();
  }

  /** One pass; resolves with what it changed. */
  async sweep(
    nowMs = Date.now(),
  ): Promise<{ ordersExpired: number; cardsExpired: number; keysPruned: number }> {
    const out = { ordersExpired: 0, cardsExpired: 0, keysPruned: 0 };
    try {
      out.ordersExpired = await this.#o.orders.expireDue(nowMs);
      out.cardsExpired = await this.#o.sales.expireDueCards(nowMs);
      if (nowMs - this.#lastPruneMs > 60_000) {
        this.#lastPruneMs = nowMs;
        out.keysPruned = await pruneKeys(this.#o.store.db, this.#o.keepKeysMs, nowMs);
      }
    } catch (err) {
      this.#o.logger.warn({ err: (err as Error).message }, 'sweeper pass failed');
    }
    return out;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
