// Writes the live chat to commerce's chat log for replays, off the chat's hot path: messages are
// buffered and inserted in one statement every quarter second; deletions and mutes queue behind the
// messages they refer to. A failed write is logged and dropped (the live chat never waits on it).
import type { Logger } from 'pino';
import type { ChatLog, ChatLogEntry } from '../../../commerce/index.ts';
import type { ChatMessage } from '../../../protocols/index.ts';
import type { ChatLogPort } from './chat.ts';

/** Flush period: chat is at most this late in the replay's log. */
const FLUSH_MS = 250;
/** Messages held at most while the store is slow; beyond, the oldest unsaved ones are dropped. */
const MAX_BUFFERED = 10_000;

export class ChatLogWriter implements ChatLogPort {
  readonly #log: Pick<ChatLog, 'append' | 'remove' | 'hideViewer'>;
  readonly #logger: Logger;
  #buffer: ChatLogEntry[] = [];
  #chain: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  dropped = 0;

  constructor(log: Pick<ChatLog, 'append' | 'remove' | 'hideViewer'>, logger: Logger) {
    this.#log = log;
    this.#logger = logger;
  }

  record(m: ChatMessage): void {
    if (this.#closed) return;
    if (this.#buffer.length >= MAX_BUFFERED) {
      this.#buffer.shift();
      this.dropped++;
    }
    this.#buffer.push({
      id: m.id,
      sessionId: m.sessionId,
      viewerId: m.viewerId,
      name: m.name,
      text: m.text,
      atMs: m.atMs,
    });
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#flush();
    }, FLUSH_MS);
  }

  remove(sessionId: string, messageId: string): void {
    this.#flush();
    this.#then(() => this.#log.remove(sessionId, messageId));
  }

  hideViewer(sessionId: string, viewerId: string): void {
    this.#flush();
    this.#then(() => this.#log.hideViewer(sessionId, viewerId));
  }

  /** Writes what is buffered and waits for every queued write. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flush();
    await this.#chain;
  }

  #flush(): void {
    if (this.#buffer.length === 0) return;
    const batch = this.#buffer;
    this.#buffer = [];
    this.#then(() => this.#log.append(batch));
  }

  #then(fn: () => Promise<void>): void {
    this.#chain = this.#chain.then(fn).catch((err: unknown) => {
      this.#logger.error({ err }, 'chat log write failed');
    });
  }
}
