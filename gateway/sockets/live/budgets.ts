// What one anonymous client may cost the live figures: joins, impressions and clicks spend tokens per
// socket and per client IP, joins also a per-IP join budget (each join may mint a viewer id), and an
// impression or click counts at most once per viewer, card and window. A flood then costs its sender's
// budget, never the room's figures or the event log's queue. With Redis the once-per-window rule holds
// across the cluster (a viewer who reconnects to another node is not counted again); without it, per node.
import type { Redis } from 'ioredis';
import { type BucketSpec, TokenBuckets } from '../token-bucket.ts';

export interface LiveBudgetOptions {
  /** Joins, impressions and clicks of one socket; null disables. */
  perSocket: BucketSpec | null;
  /** The same events of every socket from one IP (a venue's viewers may share one); null disables. */
  perIp: BucketSpec | null;
  /** Joins from one IP; null disables. */
  joinsPerIp: BucketSpec | null;
  /** An impression or click counts once per viewer and card within this window; 0 disables. */
  cardEventWindowMs: number;
  /** Shared by the nodes: the first impression or click of a window is claimed there (SET NX PX). */
  redis?: Redis | undefined;
}

/** Entries older than the window are forgotten every this many checks. */
const SWEEP_EVERY = 1_000;

export class LiveBudgets {
  readonly #perSocket: TokenBuckets | undefined;
  readonly #perIp: TokenBuckets | undefined;
  readonly #joinsPerIp: TokenBuckets | undefined;
  readonly #windowMs: number;
  /** viewer|card|type → when its window ends */
  readonly #seen = new Map<string, number>();
  #checks = 0;
  readonly #redis: Redis | undefined;

  constructor(opts: LiveBudgetOptions) {
    this.#perSocket = opts.perSocket ? new TokenBuckets(opts.perSocket) : undefined;
    this.#perIp = opts.perIp ? new TokenBuckets(opts.perIp) : undefined;
    this.#joinsPerIp = opts.joinsPerIp ? new TokenBuckets(opts.joinsPerIp) : undefined;
    this.#windowMs = opts.cardEventWindowMs;
    this.#redis = opts.redis;
  }

  /** Spends one event; returns 0 when allowed, else the seconds to wait. */
  take(kind: 'join' | 'card', socketId: string, ip: string, now = Date.now()): number {
    const waits = [
      this.#perSocket?.take(socketId, now) ?? 0,
      this.#perIp?.take(ip, now) ?? 0,
      kind === 'join' ? (this.#joinsPerIp?.take(ip, now) ?? 0) : 0,
    ];
    return Math.max(...waits);
  }

  /**
   * True the first time a viewer's impression (or click) of a card is seen in the window: on this node,
   * then, with Redis, in the cluster. A repeat seen here costs no round trip; if Redis cannot answer,
   * this node's answer stands (an event may then be counted once per node, never dropped).
   */
  async firstInWindow(
    type: string,
    sessionId: string,
    viewerId: string,
    cardId: string,
    now = Date.now(),
  ): Promise<boolean> {
    if (this.#windowMs === 0) return true;
    if (++this.#checks % SWEEP_EVERY === 0) {
      for (const [key, until] of this.#seen) if (until <= now) this.#seen.delete(key);
    }
    const key = `${type}|${sessionId}|${viewerId}|${cardId}`;
    if ((this.#seen.get(key) ?? 0) > now) return false;
    if (this.#redis) {
      let claimed: string | null;
      try {
        claimed = await this.#redis.set(`vitalive:seen:${key}`, '1', 'PX', this.#windowMs, 'NX');
      } catch {
        claimed = 'OK';
      }
      // Another node claimed it: its window's end is not known here, so nothing is remembered locally
      // (the next repeat asks Redis again rather than being refused past that window).
      if (claimed !== 'OK') return false;
    }
    this.#seen.set(key, now + this.#windowMs);
    return true;
  }
}
