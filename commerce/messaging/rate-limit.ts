// A token bucket per provider: a burst up to its capacity, then `perSecond` messages a second, so a
// go-live burst drains at the rate the provider allows instead of being refused by it.
export class TokenBucket {
  readonly #perSecond: number;
  readonly #capacity: number;
  #tokens: number;
  #at: number;
  readonly #now: () => number;

  /** perSecond 0 disables the limit. */
  constructor(perSecond: number, capacity = Math.max(1, perSecond), now: () => number = Date.now) {
    this.#perSecond = perSecond;
    this.#capacity = capacity;
    this.#tokens = capacity;
    this.#now = now;
    this.#at = now();
  }

  /** Takes a token now when one is there (0), else reserves the next and says how long to wait (ms). */
  take(): number {
    if (this.#perSecond <= 0) return 0;
    const now = this.#now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + ((now - this.#at) / 1000) * this.#perSecond);
    this.#at = now;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens / this.#perSecond) * 1000);
  }

  /** Resolves when a token is this caller's. */
  async acquire(): Promise<void> {
    const wait = this.take();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}
