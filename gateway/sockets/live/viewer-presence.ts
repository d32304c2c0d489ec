// Who is watching which live session, counted by distinct viewer id. Each node counts its own sockets;
// in multi-node mode it publishes its count to a Redis hash (field = node, value = "count:time") and the
// global figure is the sum of fresh fields, so a dead node's viewers drop out after NODE_STALE_MS.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** A node that has not refreshed its count for this long is considered gone. */
const NODE_STALE_MS = 5_000;

export interface ViewerPresenceOptions {
  nodeId: string;
  logger: Logger;
  redis?: Redis | undefined;
  /** Coalescing period of viewers:count. @default 500 ms (at most 2 updates per second) */
  periodMs?: number;
  /** Called with each changed global count, at most once per period per session. */
  onCount: (sessionId: string, viewers: number) => void;
}

export class ViewerPresence {
  readonly #o: ViewerPresenceOptions & { periodMs: number };
  /** sessionId → viewerId → number of this node's sockets for that viewer */
  readonly #local = new Map<string, Map<string, number>>();
  readonly #lastSent = new Map<string, number>();
  readonly #global = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;
  #ticking = false;
  #closed = false;

  constructor(opts: ViewerPresenceOptions) {
    this.#o = { periodMs: 500, ...opts };
    this.#timer = setInterval(() => void this.#tick(), this.#o.periodMs);
    this.#timer.unref();
  }

  add(sessionId: string, viewerId: string): void {
    let viewers = this.#local.get(sessionId);
    if (!viewers) {
      viewers = new Map();
      this.#local.set(sessionId, viewers);
    }
    viewers.set(viewerId, (viewers.get(viewerId) ?? 0) + 1);
  }

  remove(sessionId: string, viewerId: string): void {
    const viewers = this.#local.get(sessionId);
    const n = viewers?.get(viewerId);
    if (!viewers || n === undefined) return;
    if (n <= 1) viewers.delete(viewerId);
    else viewers.set(viewerId, n - 1);
  }

  localCount(sessionId: string): number {
    return this.#local.get(sessionId)?.size ?? 0;
  }

  /** The latest global figure known to this node (local count until the first tick). */
  count(sessionId: string): number {
    return this.#global.get(sessionId) ?? this.localCount(sessionId);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
  }

  #key(sessionId: string): string {
    return `vitalive:viewers:${sessionId}`;
  }

  async #tick(): Promise<void> {
    if (this.#ticking || this.#closed) return;
    this.#ticking = true;
    try {
      const sessions = [...new Set([...this.#local.keys(), ...this.#lastSent.keys()])];
      for (const sessionId of sessions) {
        const viewers = await this.#globalCount(sessionId);
        this.#global.set(sessionId, viewers);
        if (this.#lastSent.get(sessionId) !== viewers) {
          this.#lastSent.set(sessionId, viewers);
          this.#o.onCount(sessionId, viewers);
        }
        if (viewers === 0 && this.localCount(sessionId) === 0) {
          this.#local.delete(sessionId);
          this.#lastSent.delete(sessionId);
          this.#global.delete(sessionId);
        }
      }
    } catch (err) {
      this.#o.logger.warn({ err: (err as Error).message }, 'viewer count update failed');
    } finally {
      this.#ticking = false;
    }
  }

  async #globalCount(sessionId: string): Promise<number> {
    const local = this.localCount(sessionId);
    const { redis, nodeId } = this.#o;
    if (!redis) return local;
    const key = this.#key(sessionId);
    const now = Date.now();
    const [, , fields] = (await redis
      .multi()
      .hset(key, nodeId, `${local}:${now}`)
      .pexpire(key, NODE_STALE_MS * 4)
      .hvals(key)
      .exec()) as [unknown, unknown, [Error | null, string[]]];
    let total = 0;
    for (const value of fields[1] ?? []) {
      const [count, at] = value.split(':').map(Number);
      if (now - (at ?? 0) <= NODE_STALE_MS) total += count ?? 0;
    }
    return total;
  }
}
