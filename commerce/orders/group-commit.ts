// Group commit for SQLite: placements that arrive in the same turn of the event loop run one after the
// other in ONE transaction, each inside its own savepoint, and are answered after the single commit.
// A placement that fails rolls back to its savepoint and leaves the others alone, so each one is still
// all-or-nothing; none is answered before the commit that makes it durable. The commit (the WAL write)
// is the largest cost of a small transaction, and this pays it once per batch instead of once per order.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { SqliteStatements, Store } from '../store.ts';

interface Job {
  run: (trx: Kysely<Database>) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (err: unknown) => void;
  outcome?: { ok: true; value: unknown } | { ok: false; error: unknown };
}

export class GroupCommit {
  readonly #store: Store;
  readonly #stmts: SqliteStatements;
  readonly #maxBatch: number;
  #queue: Job[] = [];
  #scheduled = false;

  constructor(store: Store, stmts: SqliteStatements, opts: { maxBatch?: number } = {}) {
    this.#store = store;
    this.#stmts = stmts;
    this.#maxBatch = opts.maxBatch ?? 256;
  }

  /** Runs fn in a savepoint of the next batch; resolves with its result once the batch committed. */
  run<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ run: fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // Requests read in this turn of the event loop join the batch.
        setImmediate(() => this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    const batch = this.#queue.splice(0, this.#maxBatch);
    if (this.#queue.length > 0) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
    const s = this.#stmts;
    try {
      await this.#store.transaction(async (trx) => {
        for (const job of batch) {
          s.prepare('savepoint placement').run();
          try {
            job.outcome = { ok: true, value: await job.run(trx) };
          } catch (error) {
            s.prepare('rollback to placement').run();
            job.outcome = { ok: false, error };
          }
          s.prepare('release placement').run();
        }
      });
    } catch (err) {
      // The commit itself failed: nothing of the batch is stored.
      for (const job of batch) job.reject(err);
      return;
    }
    for (const job of batch) {
      const o = job.outcome!;
      if (o.ok) job.resolve(o.value);
      else job.reject(o.error);
    }
  }
}
