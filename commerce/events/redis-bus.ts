// Multi-node delivery over Redis Streams. A relay on every node copies committed outbox rows into one
// stream, using the outbox id as the entry id, so racing relays cannot duplicate an entry. Each
// consumer reads through its own consumer group ('shared' → one group for the cluster, 'node' → one
// per process) and acknowledges after applying; positions in the store keep effects exactly once.
// A shared group is consumed by one node at a time, under a lease, so events apply in outbox order.
// A relay wakes when its own node commits events (that node's relay carries them into the stream, where
// every node's XREADGROUP picks them up); its poll only catches what a crashed node left behind.
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { type DomainEvent, readEvents } from '../outbox.ts';
import type { Database } from '../schema.ts';
import {
  applyBatch,
  checkConsumer,
  type EventBus,
  type EventBusHealth,
  type EventConsumer,
  positionKey,
  readPosition,
} from './consumer.ts';
import { outboxWakeupsOf } from './wakeups.ts';

export interface RedisEventBusOptions {
  db: Kysely<Database>;
  /** Used for the relay and to create per-consumer blocking connections (duplicate()). */
  redis: Redis;
  logger: Logger;
  nodeId: string;
  /** @default 'vitalive:events' */
  stream?: string;
  /** Approximate stream length kept; a consumer group further behind than this would miss entries. @default 1000000 */
  maxLen?: number;
  /** Relay safety poll when idle (local commits and notify() wake it at once). @default 1000 ms */
  pollMs?: number;
  /** XREADGROUP BLOCK time; bounds how long close() waits. @default 500 ms */
  blockMs?: number;
  /**
   * A shared consumer runs on one node at a time (so events apply in order) under a lease of this length,
   * renewed while it runs; when its node dies another takes over after at most this long. @default 5000 ms
   */
  leaseMs?: number;
  /** @default 200 */
  batchSize?: number;
}

interface GroupLoop {
  consumer: EventConsumer;
  key: string;
  conn: Redis | undefined;
  position: number;
  failures: number;
  done: Promise<void> | undefined;
}

type StreamEntry = [id: string, fields: string[]];

/** Entry ids are `<outbox id>-0`. */
function entryId(eventId: number): string {
  return `${eventId}-0`;
}

function eventIdOf(id: string): number {
  return Number(id.split('-')[0]);
}

export class RedisEventBus implements EventBus {
  readonly #o: Required<RedisEventBusOptions>;
  readonly #loops: GroupLoop[] = [];
  #relayed = 0;
  #relayWake: (() => void) | undefined;
  /** A wake-up arrived while the relay was reading: read again instead of sleeping. */
  #relayWoken = false;
  #unsubscribe: (() => void) | undefined;
  #relayDone: Promise<void> | undefined;
  #relayFailures = 0;
  #started = false;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(opts: RedisEventBusOptions) {
    this.#o = {
      stream: 'vitalive:events',
      maxLen: 1_000_000,
      pollMs: 1000,
      blockMs: 500,
      leaseMs: 5_000,
      batchSize: 200,
      ...opts,
    };
  }

  subscribe(consumer: EventConsumer): void {
    checkConsumer(consumer);
    if (this.#started) throw new TypeError('subscribe before start()');
    const key = positionKey(consumer, this.#o.nodeId);
    if (this.#loops.some((l) => l.key === key)) throw new TypeError(`consumer ${key} is already subscribed`);
    this.#loops.push({ consumer, key, conn: undefined, position: 0, failures: 0, done: undefined });
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    const { redis, stream, db } = this.#o;
    this.#relayed = await this.#streamTop();
    for (const loop of this.#loops) {
      loop.position = await readPosition(db, loop.key);
      // A new group starts right after what the consumer already applied (its store position).
      try {
        await redis.xgroup('CREATE', stream, loop.key, entryId(loop.position), 'MKSTREAM');
      } catch (err) {
        if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
      }
      loop.conn = redis.duplicate();
      loop.done = this.#runGroup(loop);
    }
    this.#unsubscribe = outboxWakeupsOf(db)?.subscribe(() => this.notify(), 'local');
    this.#relayDone = this.#runRelay();
  }

  notify(): void {
    this.#relayWoken = true;
    this.#relayWake?.();
  }

  health(): EventBusHealth {
    const consumers: EventBusHealth['consumers'] = {};
    for (const l of this.#loops) consumers[l.key] = { position: l.position, failures: l.failures };
    const failing = this.#relayFailures > 0 || this.#loops.some((l) => l.failures > 0);
    return {
      state: this.#closed ? 'closed' : failing ? 'degraded' : 'ok',
      transport: 'redis-streams',
      consumers,
      relayed: this.#relayed,
    };
  }

  /** Idempotent: every call waits for the same close (the relay and each consumer's loop stopping). */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe?.();
    this.#relayWake?.();
    await Promise.all([this.#relayDone, ...this.#loops.map((l) => l.done)]);
    for (const l of this.#loops) {
      l.conn?.disconnect();
      l.conn = undefined;
    }
  }

  async #streamTop(): Promise<number> {
    const top = (await this.#o.redis.xrevrange(this.#o.stream, '+', '-', 'COUNT', 1)) as StreamEntry[];
    return top[0] ? eventIdOf(top[0][0]) : 0;
  }

  #sleepRelay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.#relayWake = undefined;
        resolve();
      }
      this.#relayWake = done;
    });
  }

  async #runRelay(): Promise<void> {
    const { db, redis, stream, maxLen, batchSize, pollMs, logger } = this.#o;
    while (!this.#closed) {
      let count = 0;
      // As in the local bus: only the safety poll, the first read and a retry position pending events.
      const position = !this.#relayWoken;
      this.#relayWoken = false;
      try {
        const events = await readEvents(db, this.#relayed, batchSize, { position });
        count = events.length;
        // One round trip per batch; entry ids are outbox ids, so order and uniqueness hold.
        const pipe = redis.pipeline();
        for (const event of events)
          pipe.xadd(stream, 'MAXLEN', '~', maxLen, entryId(event.id), 'e', JSON.stringify(event));
        const results = (await pipe.exec()) ?? [];
        for (const [i, [err]] of results.entries()) {
          if (!err) {
            this.#relayed = Math.max(this.#relayed, events[i]!.id);
            continue;
          }
          // Another node's relay got there first: continue after whatever the stream holds now.
          if (!String(err.message).includes('equal or smaller')) throw err;
          this.#relayed = Math.max(this.#relayed, await this.#streamTop());
          break;
        }
        this.#relayFailures = 0;
      } catch (err) {
        if (this.#closed) return;
        this.#relayFailures++;
        logger.warn(
          { err: (err as Error).message, failures: this.#relayFailures },
          'event relay failed; retrying',
        );
        await this.#sleepRelay(Math.min(5000, 100 * 2 ** Math.min(this.#relayFailures, 10)));
        continue;
      }
      if (count < batchSize && !this.#relayWoken) await this.#sleepRelay(pollMs);
    }
  }

  async #runGroup(loop: GroupLoop): Promise<void> {
    const { stream, blockMs, batchSize, logger, nodeId } = this.#o;
    // First our own pending entries (delivered before a crash, never acknowledged), then new ones.
    let cursor = '0';
    let leased = loop.consumer.scope === 'node';
    while (!this.#closed) {
      try {
        const conn = loop.conn!;
        if (loop.consumer.scope !== 'node') {
          const had = leased;
          leased = await this.#holdLease(loop);
          if (!leased) {
            await new Promise((r) => setTimeout(r, Math.min(blockMs, this.#o.leaseMs / 2)));
            continue;
          }
          if (!had) {
            await this.#takeOver(loop);
            cursor = '0';
          }
        }
        const res = (await conn.xreadgroup(
          'GROUP',
          loop.key,
          nodeId,
          'COUNT',
          batchSize,
          'BLOCK',
          blockMs,
          'STREAMS',
          stream,
          cursor,
        )) as Array<[string, StreamEntry[]]> | null;
        const entries = res?.[0]?.[1] ?? [];
        if (cursor === '0' && entries.length === 0) cursor = '>';
        await this.#applyEntries(loop, entries);
        loop.failures = 0;
        // A consumer that may trail lets its next entries gather (see EventConsumer.readEveryMs).
        const every = loop.consumer.readEveryMs ?? 0;
        if (every > 0 && entries.length > 0 && !this.#closed) await new Promise((r) => setTimeout(r, every));
      } catch (err) {
        if (this.#closed) return;
        loop.failures++;
        logger.warn({ err: (err as Error).message, consumer: loop.key }, 'event group read failed; retrying');
        cursor = '0';
        await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** Math.min(loop.failures, 10))));
      }
    }
    if (leased && loop.consumer.scope !== 'node') await this.#releaseLease(loop).catch(() => undefined);
  }

  #leaseKey(loop: GroupLoop): string {
    return `${this.#o.stream}:lease:${loop.key}`;
  }

  /** Takes or renews the group's lease; true while this node holds it. */
  async #holdLease(loop: GroupLoop): Promise<boolean> {
    const result = await loop.conn!.eval(
      // Renew when ours, take when free, otherwise leave it.
      `local v = redis.call('GET', KEYS[1])
       if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
       if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
       return 0`,
      1,
      this.#leaseKey(loop),
      this.#o.nodeId,
      this.#o.leaseMs,
    );
    return result === 1;
  }

  async #releaseLease(loop: GroupLoop): Promise<void> {
    await this.#o.redis.eval(
      `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
      1,
      this.#leaseKey(loop),
      this.#o.nodeId,
    );
  }

  /** On taking the lease: apply, in order, whatever the previous holder left unacknowledged. */
  async #takeOver(loop: GroupLoop): Promise<void> {
    let start = '0-0';
    do {
      const res = (await loop.conn!.xautoclaim(
        this.#o.stream,
        loop.key,
        this.#o.nodeId,
        0,
        start,
        'COUNT',
        100,
      )) as [string, StreamEntry[]];
      await this.#applyEntries(loop, res[1] ?? []);
      start = res[0];
    } while (start !== '0-0' && !this.#closed);
  }

  async #applyEntries(loop: GroupLoop, entries: StreamEntry[]): Promise<void> {
    if (entries.length === 0 || this.#closed) return;
    // A trimmed pending entry comes back with no fields; there is nothing left to apply.
    const events = entries
      .filter(([, fields]) => fields[1] !== undefined)
      .map(([, fields]) => JSON.parse(fields[1]!) as DomainEvent);
    // One transaction and one position write per batch; acknowledged only once it committed.
    await applyBatch(this.#o.db, loop.consumer, loop.key, events);
    for (const e of events) loop.position = Math.max(loop.position, e.id);
    await loop.conn!.xack(this.#o.stream, loop.key, ...entries.map(([id]) => id));
  }
}
