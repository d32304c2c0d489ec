// Live chat: length limits, rate limits per socket, per person (signed in) or per viewer id (anonymous)
// and per client IP; mutes and deletions by the host or staff. Mutes follow the viewer id and the person
// (not the socket), and live in Redis in multi-node mode (every node must honour them), else in memory.
// Broadcast messages carry the viewer id and a name the server chose, never a person id.
import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type ChatMessage, VitaliveError } from '../../../protocols/index.ts';
import { TokenBuckets } from '../token-bucket.ts';

/** Where shown messages, deletions and mutes are kept for the replay (chat-log-writer.ts). */
export interface ChatLogPort {
  record(message: ChatMessage): void;
  remove(sessionId: string, messageId: string): void;
  hideViewer(sessionId: string, viewerId: string): void;
}

export interface ChatOptions {
  redis?: Redis | undefined;
  /** Keeps the chat for replays; without it nothing is written. */
  log?: ChatLogPort | undefined;
  /** @default 300 characters */
  maxLength?: number;
  /** Per socket: burst 5, then 1 message every 2 s. */
  perSocket?: { capacity: number; refillPerSec: number };
  /** Per person (all their sockets): burst 8, then 1 message per second. */
  perPerson?: { capacity: number; refillPerSec: number };
  /** Per anonymous viewer id (all its sockets): burst 5, then 1 message every 2 s. */
  perViewer?: { capacity: number; refillPerSec: number };
  /** Per client IP (everyone behind it): burst 40, then 10 messages per second. */
  perIp?: { capacity: number; refillPerSec: number };
}

export interface ChatAuthor {
  socketId: string;
  ip: string;
  sessionId: string;
  viewerId: string;
  personId: string | null;
}

/** The name shown for a viewer: chosen by the server from the viewer id, never by the client. */
export function viewerName(viewerId: string): string {
  const n = createHash('sha256').update(viewerId).digest().readUInt32BE(0) % 10_000;
  return `Viewer ${String(n).padStart(4, '0')}`;
}

export class LiveChat {
  readonly #redis: Redis | undefined;
  readonly #log: ChatLogPort | undefined;
  readonly #maxLength: number;
  readonly #perSocket: TokenBuckets;
  readonly #perPerson: TokenBuckets;
  readonly #perViewer: TokenBuckets;
  readonly #perIp: TokenBuckets;
  readonly #mutes = new Map<string, number>();

  constructor(opts: ChatOptions = {}) {
    this.#redis = opts.redis;
    this.#log = opts.log;
    this.#maxLength = opts.maxLength ?? 300;
    this.#perSocket = new TokenBuckets(opts.perSocket ?? { capacity: 5, refillPerSec: 0.5 });
    this.#perPerson = new TokenBuckets(opts.perPerson ?? { capacity: 8, refillPerSec: 1 });
    this.#perViewer = new TokenBuckets(opts.perViewer ?? { capacity: 5, refillPerSec: 0.5 });
    this.#perIp = new TokenBuckets(opts.perIp ?? { capacity: 40, refillPerSec: 10 });
  }

  /** Checks limits and mutes; returns the message to broadcast. */
  async compose(author: ChatAuthor, rawText: string): Promise<ChatMessage> {
    // Collapse control characters (Unicode category Cc); they can break layouts and logs.
    const text = rawText.replace(/\p{Cc}+/gu, ' ').trim();
    if (text.length === 0) throw new VitaliveError('VALIDATION_FAILED', { reason: 'empty message' });
    if (text.length > this.#maxLength) {
      throw new VitaliveError('VALIDATION_FAILED', {
        reason: `message longer than ${this.#maxLength} characters`,
      });
    }
    const waits = [
      this.#perSocket.take(author.socketId),
      // A signed-in author is one person whatever their viewer ids; an anonymous one is their viewer id
      // (minted and signed by the server, so a new one costs a join).
      author.personId ? this.#perPerson.take(author.personId) : this.#perViewer.take(author.viewerId),
      this.#perIp.take(author.ip),
    ];
    const wait = Math.max(...waits);
    if (wait > 0) throw new VitaliveError('RATE_LIMITED', { retryAfterSec: wait });
    if (await this.isMuted(author.sessionId, author.viewerId, author.personId)) {
      throw new VitaliveError('CHAT_MUTED');
    }
    const message = {
      id: randomUUID(),
      sessionId: author.sessionId,
      viewerId: author.viewerId,
      name: viewerName(author.viewerId),
      text,
      atMs: Date.now(),
    };
    this.#log?.record(message);
    return message;
  }

  /** The host deleted a message: it leaves the replay too. */
  removed(sessionId: string, messageId: string): void {
    this.#log?.remove(sessionId, messageId);
  }

  #muteKeys(sessionId: string, viewerId: string, personId: string | null): string[] {
    const keys = [`vitalive:mute:${sessionId}:v:${viewerId}`];
    if (personId) keys.push(`vitalive:mute:${sessionId}:p:${personId}`);
    return keys;
  }

  async mute(
    sessionId: string,
    target: { viewerId?: string; personId?: string },
    durationMs: number,
  ): Promise<void> {
    const keys = [
      ...(target.viewerId ? [`vitalive:mute:${sessionId}:v:${target.viewerId}`] : []),
      ...(target.personId ? [`vitalive:mute:${sessionId}:p:${target.personId}`] : []),
    ];
    if (keys.length === 0)
      throw new VitaliveError('VALIDATION_FAILED', { reason: 'viewerId or personId required' });
    for (const key of keys) {
      if (this.#redis) await this.#redis.set(key, '1', 'PX', durationMs);
      else this.#mutes.set(key, Date.now() + durationMs);
    }
    // What a muted viewer wrote leaves the replay.
    if (target.viewerId) this.#log?.hideViewer(sessionId, target.viewerId);
  }

  async isMuted(sessionId: string, viewerId: string, personId: string | null): Promise<boolean> {
    const keys = this.#muteKeys(sessionId, viewerId, personId);
    if (this.#redis) return (await this.#redis.exists(...keys)) > 0;
    const now = Date.now();
    return keys.some((k) => (this.#mutes.get(k) ?? 0) > now);
  }
}
