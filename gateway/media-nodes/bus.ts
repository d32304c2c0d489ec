// Signalling between media nodes over Redis pub/sub: each node's own channel (pipe set-up and the
// producers that cross it) and one channel every node hears (origins, ended sessions). Every message is
// checked against its schema when it arrives; a malformed one is counted and dropped.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Compile } from 'typebox/compile';
import {
  type MediaBroadcast,
  MediaBroadcastSchema,
  type PipeMessage,
  PipeMessageSchema,
} from '../../protocols/index.ts';

const BROADCAST = 'vl:media:all';
export const nodeChannel = (nodeId: string) => `vl:media:to:${nodeId}`;
const checkPipe = Compile(PipeMessageSchema);
const checkBroadcast = Compile(MediaBroadcastSchema);
/** Larger messages are not ours (a pipe message with 16 producers stays far below). */
const MAX_MESSAGE_BYTES = 256 * 1024;

export interface NodeBusHandlers {
  pipe: (m: PipeMessage) => void;
  broadcast: (m: MediaBroadcast) => void;
}

export class NodeBus {
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #nodeId: string;
  readonly #log: Logger;
  /** Messages dropped as malformed. */
  rejected = 0;
  #closed = false;

  constructor(redis: Redis, nodeId: string, logger: Logger) {
    this.#pub = redis;
    this.#sub = redis.duplicate();
    this.#nodeId = nodeId;
    this.#log = logger;
  }

  async start(handlers: NodeBusHandlers): Promise<void> {
    const own = nodeChannel(this.#nodeId);
    this.#sub.on('message', (channel: string, raw: string) => {
      if (raw.length > MAX_MESSAGE_BYTES) return void this.rejected++;
      let v: unknown;
      try {
        v = JSON.parse(raw);
      } catch {
        return void this.rejected++;
      }
      try {
        if (channel === own && checkPipe.Check(v)) handlers.pipe(v);
        else if (channel === BROADCAST && checkBroadcast.Check(v)) handlers.broadcast(v);
        else this.rejected++;
      } catch (err) {
        this.#log.error({ err }, 'media bus handler failed');
      }
    });
    await this.#sub.subscribe(own, BROADCAST);
  }

  send(nodeId: string, m: PipeMessage): void {
    if (this.#closed) return;
    this.#pub.publish(nodeChannel(nodeId), JSON.stringify(m)).catch((err: unknown) => {
      this.#log.warn({ err, to: nodeId, type: m.type }, 'media bus send failed');
    });
  }

  broadcast(m: MediaBroadcast): void {
    if (this.#closed) return;
    this.#pub.publish(BROADCAST, JSON.stringify(m)).catch((err: unknown) => {
      this.#log.warn({ err, type: m.type }, 'media bus broadcast failed');
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sub.disconnect();
  }
}

/** The core tells every media node that a session ended or changed host (no subscription needed). */
export function publishToMediaNodes(redis: Redis, m: MediaBroadcast): Promise<number> {
  return redis.publish(BROADCAST, JSON.stringify(m));
}
