// The media-node directory in Redis: each node's entry (public URL, region, capacity, load) kept alive
// by its heartbeat and dropped after the heartbeat timeout; which node is each session's origin; and
// the choice of a node for a viewer (least loaded with room, the viewer's region first).
import type { Redis } from 'ioredis';
import { Compile } from 'typebox/compile';
import { type MediaNodeInfo, MediaNodeSchema } from '../../protocols/index.ts';

const NODES = 'vl:media:nodes';
const nodeKey = (nodeId: string) => `vl:media:node:${nodeId}`;
const originKey = (sessionId: string) => `vl:media:origin:${sessionId}`;
const checkNode = Compile(MediaNodeSchema);

// Takes the origin when it is free, already ours, or held by a node whose entry expired.
const CLAIM = `
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] and redis.call('EXISTS', ARGV[3] .. owner) == 1 then return owner end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]`;
const KEEP = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface PickOptions {
  region?: string | undefined;
  /** Nodes not to choose (the one that just failed the client). */
  exclude?: ReadonlySet<string> | undefined;
}

export class MediaDirectory {
  readonly #redis: Redis;
  readonly #timeoutMs: number;

  /** `timeoutMs`: an entry not refreshed for this long is gone (a few heartbeats). */
  constructor(redis: Redis, timeoutMs: number) {
    if (timeoutMs < 100) throw new TypeError('timeoutMs must be at least 100');
    this.#redis = redis;
    this.#timeoutMs = timeoutMs;
  }

  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /** Registers or refreshes a node (its heartbeat). */
  async announce(info: MediaNodeInfo): Promise<void> {
    await this.#redis
      .multi()
      .set(nodeKey(info.nodeId), JSON.stringify(info), 'PX', this.#timeoutMs)
      .zadd(NODES, Date.now() + this.#timeoutMs, info.nodeId)
      .exec();
  }

  /** A node leaving cleanly drops out at once. */
  async remove(nodeId: string): Promise<void> {
    await this.#redis.multi().del(nodeKey(nodeId)).zrem(NODES, nodeId).exec();
  }

  /** The nodes whose heartbeat is recent. */
  async list(): Promise<MediaNodeInfo[]> {
    await this.#redis.zremrangebyscore(NODES, '-inf', Date.now());
    const ids = await this.#redis.zrange(NODES, 0, -1);
    if (ids.length === 0) return [];
    const raw = await this.#redis.mget(ids.map(nodeKey));
    const nodes: MediaNodeInfo[] = [];
    for (const r of raw) {
      if (!r) continue;
      try {
        const v: unknown = JSON.parse(r);
        if (checkNode.Check(v)) nodes.push(v);
      } catch {
        // A malformed entry is skipped; its node's next heartbeat rewrites it.
      }
    }
    return nodes;
  }

  async pick(opts: PickOptions = {}): Promise<MediaNodeInfo | undefined> {
    return pickNode(await this.list(), opts);
  }

  async node(nodeId: string): Promise<MediaNodeInfo | undefined> {
    return (await this.list()).find((n) => n.nodeId === nodeId);
  }

  async originOf(sessionId: string): Promise<string | undefined> {
    return (await this.#redis.get(originKey(sessionId))) ?? undefined;
  }

  /** Makes `nodeId` the session's origin unless a live node holds it; returns the origin's node id. */
  async claimOrigin(sessionId: string, nodeId: string): Promise<string> {
    return (await this.#redis.eval(
      CLAIM,
      1,
      originKey(sessionId),
      nodeId,
      this.#timeoutMs,
      'vl:media:node:',
    )) as string;
  }

  async keepOrigin(sessionId: string, nodeId: string): Promise<boolean> {
    return (await this.#redis.eval(KEEP, 1, originKey(sessionId), nodeId, this.#timeoutMs)) === 1;
  }

  async releaseOrigin(sessionId: string, nodeId: string): Promise<void> {
    await this.#redis.eval(RELEASE, 1, originKey(sessionId), nodeId);
  }
}

/** Least loaded (by share of capacity) among nodes with room, in the viewer's region when one has room. */
export function pickNode(nodes: readonly MediaNodeInfo[], opts: PickOptions = {}): MediaNodeInfo | undefined {
  const usable = nodes.filter((n) => !opts.exclude?.has(n.nodeId));
  const share = (n: MediaNodeInfo) => n.load / n.capacity;
  const least = (list: MediaNodeInfo[]) =>
    list.length === 0 ? undefined : list.reduce((best, n) => (share(n) < share(best) ? n : best));
  const withRoom = usable.filter((n) => n.load < n.capacity);
  if (opts.region) {
    const local = least(withRoom.filter((n) => n.region === opts.region));
    if (local) return local;
  }
  // Every node full: the least loaded still takes the viewer rather than none.
  return least(withRoom) ?? least(usable);
}
