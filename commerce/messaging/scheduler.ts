// The durable scheduler: jobs stored with their due time, claimed with a lease (SKIP LOCKED on
// PostgreSQL) and run in the same transaction that marks them done, so with several nodes each job
// fires once and a restart loses none. Handlers are registered per kind by whoever owns the work.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { isPostgres } from '../migrations/dialect.ts';
import type { Database } from '../schema.ts';
import { retryDelayMs } from './policy.ts';

export type JobPayload = Record<string, string | number | boolean | null>;

/** Runs inside the transaction that marks the job done: its writes and the job's end commit together. */
export type JobHandler = (
  trx: Kysely<Database>,
  payload: JobPayload,
  ctx: { dueAtMs: number; nowMs: number },
) => Promise<void>;

export interface SchedulerOptions {
  /** How often due jobs are looked for, ms. @default 1000 */
  pollMs: number;
  /** How long a claim holds before another node may take the job, ms. @default 60000 */
  leaseMs: number;
  /** Jobs per claim. @default 100 */
  batch: number;
  /** A job whose handler keeps failing is given up (done, with its error) after this many runs. */
  maxAttempts: number;
}

const KEY_MAX = 160;

/** Schedules `kind` at `dueAtMs`; the same key again moves a job not yet run. Use inside a transaction. */
export async function scheduleJob(
  db: Kysely<Database>,
  kind: string,
  dueAtMs: number,
  payload: JobPayload,
  dedupeKey: string,
  nowMs: number,
): Promise<void> {
  if (dedupeKey.length === 0 || dedupeKey.length > KEY_MAX)
    throw new TypeError(`dedupeKey must be 1-${KEY_MAX} characters`);
  const json = JSON.stringify(payload);
  await db
    .insertInto('jobs')
    .values({
      kind,
      dedupe_key: dedupeKey,
      due_at_ms: dueAtMs,
      payload: json,
      attempts: 0,
      cancelled: 0,
      created_at_ms: nowMs,
    })
    .onConflict((oc) =>
      oc
        .column('dedupe_key')
        .doUpdateSet({ kind, due_at_ms: dueAtMs, payload: json })
        .where('jobs.done_at_ms', 'is', null),
    )
    .execute();
}

/** Cancels a job not yet run; true when there was one. */
export async function cancelJob(db: Kysely<Database>, dedupeKey: string, nowMs: number): Promise<boolean> {
  const res = await db
    .updateTable('jobs')
    .set({ done_at_ms: nowMs, cancelled: 1 })
    .where('dedupe_key', '=', dedupeKey)
    .where('done_at_ms', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export interface Scheduler {
  schedule(kind: string, dueAtMs: number, payload: JobPayload, dedupeKey: string): Promise<void>;
  cancel(dedupeKey: string): Promise<boolean>;
  /** Registers the handler of a kind; one per kind. */
  handle(kind: string, handler: JobHandler): void;
}

export class JobRunner implements Scheduler {
  readonly #db: Kysely<Database>;
  readonly #logger: Logger;
  readonly #nodeId: string;
  readonly #o: SchedulerOptions;
  readonly #now: () => number;
  readonly #handlers = new Map<string, JobHandler>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(deps: {
    db: Kysely<Database>;
    logger: Logger;
    nodeId: string;
    options: SchedulerOptions;
    now?: () => number;
  }) {
    this.#db = deps.db;
    this.#logger = deps.logger;
    this.#nodeId = deps.nodeId;
    this.#o = deps.options;
    this.#now = deps.now ?? Date.now;
  }

  handle(kind: string, handler: JobHandler): void {
    if (this.#handlers.has(kind)) throw new TypeError(`job kind ${kind} already has a handler`);
    this.#handlers.set(kind, handler);
  }

  schedule(kind: string, dueAtMs: number, payload: JobPayload, dedupeKey: string): Promise<void> {
    return scheduleJob(this.#db, kind, dueAtMs, payload, dedupeKey, this.#now());
  }

  cancel(dedupeKey: string): Promise<boolean> {
    return cancelJob(this.#db, dedupeKey, this.#now());
  }

  start(): void {
    if (this.#closed) return;
    this.#timer ??= setInterval(() => {
      this.#running = this.#running.then(() => this.runDue());
    }, this.#o.pollMs);
    this.#timer.unref();
  }

  /** Runs every due job this node can claim; resolves with how many ran. Never throws. */
  async runDue(): Promise<number> {
    let ran = 0;
    try {
      for (;;) {
        const claimed = await this.#claim();
        for (const job of claimed) if (await this.#run(job)) ran++;
        if (claimed.length < this.#o.batch || this.#closed) return ran;
      }
    } catch (err) {
      this.#logger.warn({ err: (err as Error).message }, 'scheduler: pass failed');
      return ran;
    }
  }

  async #claim() {
    const now = this.#now();
    let due = this.#db
      .selectFrom('jobs')
      .select('id')
      .where('done_at_ms', 'is', null)
      .where('due_at_ms', '<=', now)
      .where((eb) => eb.or([eb('lease_until_ms', 'is', null), eb('lease_until_ms', '<', now)]))
      .orderBy('due_at_ms')
      .limit(this.#o.batch);
    if (isPostgres(this.#db as Kysely<unknown>)) due = due.forUpdate().skipLocked();
    return this.#db
      .updateTable('jobs')
      .set({ claimed_by: this.#nodeId, lease_until_ms: now + this.#o.leaseMs })
      .where('id', 'in', due)
      .where('done_at_ms', 'is', null)
      .returning(['id', 'kind', 'payload', 'due_at_ms', 'attempts'])
      .execute();
  }

  async #run(job: {
    id: number;
    kind: string;
    payload: string;
    due_at_ms: number;
    attempts: number;
  }): Promise<boolean> {
    const handler = this.#handlers.get(job.kind);
    const now = this.#now();
    try {
      return await this.#db.transaction().execute(async (trx) => {
        const res = await trx
          .updateTable('jobs')
          .set({ done_at_ms: now, lease_until_ms: null })
          .where('id', '=', job.id)
          .where('claimed_by', '=', this.#nodeId)
          .where('done_at_ms', 'is', null)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) return false;
        if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
        await handler(trx, JSON.parse(job.payload) as JobPayload, {
          dueAtMs: Number(job.due_at_ms),
          nowMs: now,
        });
        return true;
      });
    } catch (err) {
      const attempts = Number(job.attempts) + 1;
      const giveUp = attempts >= this.#o.maxAttempts;
      this.#logger.warn(
        { jobId: job.id, kind: job.kind, attempts, giveUp, err: (err as Error).message },
        'scheduler: job failed',
      );
      await this.#db
        .updateTable('jobs')
        .set({
          attempts,
          last_error: (err as Error).message.slice(0, 500),
          claimed_by: null,
          lease_until_ms: null,
          ...(giveUp
            ? { done_at_ms: now }
            : { due_at_ms: now + retryDelayMs(attempts, { baseMs: 5_000, maxMs: 600_000 }) }),
        })
        .where('id', '=', job.id)
        .where('claimed_by', '=', this.#nodeId)
        .execute();
      return false;
    }
  }

  /** Idempotent: stops polling and waits for the pass in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
