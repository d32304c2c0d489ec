// Token buckets keyed by string (per socket, per person). Buckets refill continuously; idle ones are
// swept so a flood of one-off keys cannot grow memory without bound.
export interface BucketSpec {
  /** Burst size. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSec: number;
}

/** Buckets untouched for this long are full again and can be forgotten. */
const SWEEP_EVERY = 1_000;

export class TokenBuckets {
  readonly #spec: BucketSpec;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  #ops = 0;

  constructor(spec: BucketSpec) {
    if (spec.capacity <= 0 || spec.refillPerSec <= 0)
      throw new TypeError('capacity and refillPerSec must be > 0');
    this.#spec = spec;
  }

  /** Takes one token; returns 0 when allowed, else the seconds until one is available. */
  take(key: string, now = Date.now()): number {
    if (++this.#ops % SWEEP_EVERY === 0) this.#sweep(now);
    const { capacity, refillPerSec } = this.#spec;
    const b = this.#buckets.get(key) ?? { tokens: capacity, at: now };
    b.tokens = Math.min(capacity, b.tokens + ((now - b.at) / 1000) * refillPerSec);
    b.at = now;
    this.#buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / refillPerSec);
  }

  get size(): number {
    return this.#buckets.size;
  }

  #sweep(now: number): void {
    const fullAfterMs = (this.#spec.capacity / this.#spec.refillPerSec) * 1000;
    for (const [key, b] of this.#buckets) if (now - b.at > fullAfterMs) this.#buckets.delete(key);
  }
}
