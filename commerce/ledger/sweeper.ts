// Makes pending entries available once their refund window has passed. One conditional UPDATE per
// batch (status still pending), with SKIP LOCKED on PostgreSQL, so several processes may sweep at once:
// each entry flips exactly once, and an entry a refund is voiding at that moment is left to the refund.
// A person's released credit is announced by a `ledger.released` event in the same transaction.
import type { Logger } from 'pino';
import { isPostgres } from '../migrations/dialect.ts';
import { appendEvents } from '../outbox.ts';
import type { Store } from '../store.ts';

export interface LedgerSweeperOptions {
  store: Store;
  logger: Logger;
  /** @default 60000 (1 minute) */
  periodMs?: number;
  /** Entries per UPDATE. @default 500 */
  batch?: number;
}

/**
 * Flips due entries in batches until none is left; resolves with how many this call flipped. A person's
 * entry that becomes available writes `ledger.released` in the same transaction.
 */
export async function releaseDue(store: Store, nowMs: number, batch = 500): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await store.transaction(async (trx) => {
      let due = trx
        .selectFrom('ledger_entries')
        .select('id')
        .where('status', '=', 'pending')
        .where('available_at_ms', '<=', nowMs)
        .orderBy('available_at_ms')
        .limit(batch);
      if (isPostgres(trx as never)) due = due.forUpdate().skipLocked();
      const flipped = await trx
        .updateTable('ledger_entries')
        .set({ status: 'available', updated_at_ms: nowMs })
        .where('id', 'in', due)
        .where('status', '=', 'pending')
        .returning(['id', 'order_id', 'rule', 'account_kind', 'account_id', 'amount_minor', 'currency'])
        .execute();
      const released = flipped.filter((e) => e.account_kind === 'person' && Number(e.amount_minor) > 0);
      await appendEvents(
        trx,
        released.map((e) => ({
          type: 'ledger.released' as const,
          aggregateId: e.account_id,
          payload: {
            entryId: Number(e.id),
            orderId: e.order_id,
            personId: e.account_id,
            amountMinor: Number(e.amount_minor),
            currency: e.currency,
            rule: e.rule,
          },
        })),
        nowMs,
      );
      return flipped.length;
    });
    total += n;
    if (n < batch) return total;
  }
}

export class LedgerSweeper {
  readonly #o: Required<LedgerSweeperOptions>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();

  constructor(opts: LedgerSweeperOptions) {
    this.#o = { periodMs: 60_000, batch: 500, ...opts };
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      this.#running = this.#running.then(() => this.sweep());
    }, this.#o.periodMs);
    this.#timer.unref();
  }

  /** One pass; never throws (a failed pass is logged and the next one tries again). */
  async sweep(nowMs = Date.now()): Promise<number> {
    try {
      return await releaseDue(this.#o.store, nowMs, this.#o.batch);
    } catch (err) {
      this.#o.logger.warn({ err: (err as Error).message }, 'ledger sweep failed');
      return 0;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
