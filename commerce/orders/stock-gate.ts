// The hot-path gate: turns order attempts away early once a card is sold out, so a storm of late
// buyers never reaches the database. It only filters — the conditional decrement in the order
// transaction decides — so a gate that is wrong, empty or unreachable can never cause an oversell.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export type GateVerdict = 'sold_out' | 'maybe';

export interface StockGate {
  /** Before the transaction: may `quantity` units still be available? */
  check(cardId: string, quantity: number): Promise<GateVerdict>;
  /** After the transaction: what the database said remains (authoritative). */
  settle(cardId: string, remaining: number): Promise<void>;
  /** The attempt took gate units but did not become an order: give them back. */
  release(cardId: string, quantity: number): Promise<void>;
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

  async check(cardId: string): Promise<GateVerdict> {
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

// KEYS[1] = units the gate still admits for the card; ARGV[1] = quantity.
// -1: the gate does not know the card (let the database decide); -2: sold out; else units left after.
const TAKE = `
local v = redis.call('GET', KEYS[1])
if not v then return -1 end
v = tonumber(v)
local q = tonumber(ARGV[1])
if v < q then return -2 end
return redis.call('DECRBY', KEYS[1], q)
`;

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
  }

  /** Calls to Redis that failed or timed out (each fell back to the database). */
  get failures(): number {
    return this.#failures;
  }

  async check(cardId: string, quantity: number): Promise<GateVerdict> {
    const r = await this.#try(() =>
      (
        this.#redis as unknown as { vitaliveTakeStock(k: string, q: number): Promise<number> }
      ).vitaliveTakeStock(this.#key(cardId), quantity),
    );
    return r === -2 ? 'sold_out' : 'maybe';
  }

  async settle(cardId: string, remaining: number): Promise<void> {
    // A sold-out mark lives shorter, so stock that came back is seen again soon even if a late settle
    // from an older transaction overwrote the invalidation.
    const ttl = remaining > 0 ? this.#ttlSec : Math.min(this.#ttlSec, 5);
    await this.#try(() => this.#redis.set(this.#key(cardId), Math.max(0, remaining), 'EX', ttl));
  }

  async release(cardId: string, quantity: number): Promise<void> {
    // Only when the key exists: an absent key means "unknown", never "0 + quantity".
    await this.#try(() =>
      this.#redis.eval(
        "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCRBY', KEYS[1], ARGV[1]) end return 0",
        1,
        this.#key(cardId),
        quantity,
      ),
    );
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
