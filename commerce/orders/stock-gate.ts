// The hot-path gate: turns order attempts away early once a card is sold out, so a storm of late
// buyers never reaches the database. It only filters — the conditional decrement in the order
// transaction decides — so a gate that is wrong, empty or unreachable can never cause an oversell.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export type GateVerdict = 'sold_out' | 'maybe';

/** Units the gate handed to one attempt: given back with `release` when the attempt does not become an order. */
export interface GateTake {
  quantity: number;
  /** The counter's lifetime the units came from: a counter dropped and rebuilt since never gets them. */
  generation: string;
}

export interface StockGate {
  /**
   * Before the transaction: may `quantity` units still be available? A `GateTake` means yes and that the
   * units were taken from the gate's counter; the caller owes it a `settle` (order written) or a `release`.
   */
  check(cardId: string, quantity: number): Promise<GateVerdict | GateTake>;
  /** After the transaction: what the database said remains (authoritative). */
  settle(cardId: string, remaining: number): Promise<void>;
  /** The attempt took gate units but did not become an order: give them back. */
  release(cardId: string, take: GateTake): Promise<void>;
  /** Stock came back (expiry, cancel, refund): forget what the gate believes. */
  invalidate(cardId: string): Promise<void>;
}

/** One process: remembers sold-out cards for a short while (stock returned elsewhere is seen after it). */
export class LocalStockGate implements StockGate {
  readonly #soldOutUntil = new Map<string, number>();
  readonly #ttlMs: number;

  constructor(opts: { ttlMs?: number } = {}) {
    this.#ttlMs = opts.ttlMs ?? 1000;
  }

  async check(cardId: string): Promise<GateVerdict | GateTake> {
    const until = this.#soldOutUntil.get(cardId);
    if (until === undefined) return 'maybe';
    if (until > Date.now()) return 'sold_out';
    this.#soldOutUntil.delete(cardId);
    return 'maybe';
  }

  async settle(cardId: string, remaining: number): Promise<void> {
    if (remaining <= 0) this.#soldOutUntil.set(cardId, Date.now() + this.#ttlMs);
    else this.#soldOutUntil.delete(cardId);
  }

  async release(): Promise<void> {}

  async invalidate(cardId: string): Promise<void> {
    this.#soldOutUntil.delete(cardId);
  }
}

// The counter is a hash: `n` = units the gate still admits, `g` = the counter's generation (set when it is
// created from the database). Between two creations stock only goes down (every restock deletes it), so
// the counter only ever moves down to what a commit reports, or back up by units an attempt gave back.

// TAKE: KEYS[1], ARGV[1] = quantity → {-1} unknown card (the database decides), {-2} sold out,
// else {units left, generation}.
const TAKE = `
local n = redis.call('HGET', KEYS[1], 'n')
if not n then return {-1} end
local q = tonumber(ARGV[1])
if tonumber(n) < q then return {-2} end
return {redis.call('HINCRBY', KEYS[1], 'n', -q), redis.call('HGET', KEYS[1], 'g')}
`;

// SETTLE: ARGV[1] = remaining after a commit, ARGV[2] = lifetime (s), ARGV[3] = a new generation,
// ARGV[4] = lifetime of a sold-out mark (s). Creates the counter, or lowers it; never raises it (units
// still taken by attempts in flight are not in the database's figure yet, and a late settle of an older
// commit must not hand out units again).
const SETTLE = `
local r = tonumber(ARGV[1])
local n = redis.call('HGET', KEYS[1], 'n')
if not n then
  redis.call('HSET', KEYS[1], 'n', r, 'g', ARGV[3])
  redis.call('EXPIRE', KEYS[1], r > 0 and ARGV[2] or ARGV[4])
  return 1
end
if tonumber(n) > r then redis.call('HSET', KEYS[1], 'n', r) end
if r <= 0 and redis.call('TTL', KEYS[1]) > tonumber(ARGV[4]) then redis.call('EXPIRE', KEYS[1], ARGV[4]) end
return 0
`;

// RELEASE: ARGV[1] = quantity, ARGV[2] = generation it was taken from.
const RELEASE = `
if redis.call('HGET', KEYS[1], 'g') == ARGV[2] then return redis.call('HINCRBY', KEYS[1], 'n', ARGV[1]) end
return 0
`;

interface GateCommands {
  vitaliveTakeStock(key: string, quantity: number): Promise<[number, string?]>;
  vitaliveSettleStock(
    key: string,
    remaining: number,
    ttlSec: number,
    gen: string,
    soldOutSec: number,
  ): Promise<number>;
  vitaliveReleaseStock(key: string, quantity: number, gen: string): Promise<number>;
}

/** Shared by every node through Redis: an atomic counter per card, decremented in a Lua script. */
export class RedisStockGate implements StockGate {
  readonly #redis: Redis;
  readonly #logger: Logger;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #ttlSec: number;
  #failures = 0;

  constructor(opts: { redis: Redis; logger: Logger; prefix?: string; timeoutMs?: number; ttlSec?: number }) {
    this.#redis = opts.redis;
    this.#logger = opts.logger;
    this.#prefix = opts.prefix ?? 'vitalive:gate:';
    this.#timeoutMs = opts.timeoutMs ?? 200;
    // The counter is re-read from the database at least this often, bounding any drift.
    this.#ttlSec = opts.ttlSec ?? 30;
    this.#redis.defineCommand('vitaliveTakeStock', { numberOfKeys: 1, lua: TAKE });
    this.#redis.defineCommand('vitaliveSettleStock', { numberOfKeys: 1, lua: SETTLE });
    this.#redis.defineCommand('vitaliveReleaseStock', { numberOfKeys: 1, lua: RELEASE });
  }

  get #cmd(): GateCommands {
    return this.#redis as unknown as GateCommands;
  }

  /** Calls to Redis that failed or timed out (each fell back to the database). */
  get failures(): number {
    return this.#failures;
  }

  async check(cardId: string, quantity: number): Promise<GateVerdict | GateTake> {
    const r = await this.#try(() => this.#cmd.vitaliveTakeStock(this.#key(cardId), quantity));
    if (!r || r[0] === -1) return 'maybe';
    if (r[0] === -2) return 'sold_out';
    return { quantity, generation: String(r[1]) };
  }

  async settle(cardId: string, remaining: number): Promise<void> {
    // A sold-out mark lives shorter, so stock that came back is seen again soon even if a late settle
    // from an older transaction recreated the counter after the invalidation.
    const soldOutSec = Math.min(this.#ttlSec, 5);
    await this.#try(() =>
      this.#cmd.vitaliveSettleStock(
        this.#key(cardId),
        Math.max(0, remaining),
        this.#ttlSec,
        randomUUID(),
        soldOutSec,
      ),
    );
  }

  async release(cardId: string, take: GateTake): Promise<void> {
    await this.#try(() => this.#cmd.vitaliveReleaseStock(this.#key(cardId), take.quantity, take.generation));
  }

  async invalidate(cardId: string): Promise<void> {
    await this.#try(() => this.#redis.del(this.#key(cardId)));
  }

  #key(cardId: string): string {
    return `${this.#prefix}${cardId}`;
  }

  async #try<T>(fn: () => Promise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        fn(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('stock gate timeout')), this.#timeoutMs);
        }),
      ]);
    } catch (err) {
      this.#failures++;
      if (this.#failures % 1000 === 1)
        this.#logger.warn(
          { err: (err as Error).message, failures: this.#failures },
          'stock gate: Redis unavailable, using the database',
        );
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
