// A session's chat as kept for its replay: messages as they were shown, the host's deletions and mutes
// (a muted author's messages leave the replay), and the read-only replay list, which carries the
// server-chosen name and never a viewer or person id.
import type { Store } from '../store.ts';

export interface ChatLogEntry {
  id: string;
  sessionId: string;
  viewerId: string;
  name: string;
  text: string;
  atMs: number;
}

export interface ReplayChatMessage {
  id: string;
  name: string;
  text: string;
  atMs: number;
}

const REMOVED_DELETED = 1;
const REMOVED_MUTED = 2;
/** Most messages one replay returns (a busy two-hour live stays well under it). */
export const REPLAY_CHAT_LIMIT = 5000;

export class ChatLog {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** One insert for a batch; a message seen twice (a retried flush) is kept once. */
  async append(entries: readonly ChatLogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.#store.db
      .insertInto('live_chat')
      .values(
        entries.map((e) => ({
          id: e.id,
          session_id: e.sessionId,
          viewer_id: e.viewerId,
          name: e.name,
          text: e.text,
          at_ms: e.atMs,
        })),
      )
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async remove(sessionId: string, messageId: string): Promise<void> {
    await this.#store.db
      .updateTable('live_chat')
      .set({ removed: REMOVED_DELETED })
      .where('session_id', '=', sessionId)
      .where('id', '=', messageId)
      .execute();
  }

  /** The host muted this viewer: what they wrote in the session leaves the replay. */
  async hideViewer(sessionId: string, viewerId: string): Promise<void> {
    await this.#store.db
      .updateTable('live_chat')
      .set({ removed: REMOVED_MUTED })
      .where('session_id', '=', sessionId)
      .where('viewer_id', '=', viewerId)
      .where('removed', '=', 0)
      .execute();
  }

  async replay(sessionId: string, limit = REPLAY_CHAT_LIMIT): Promise<ReplayChatMessage[]> {
    const rows = await this.#store.db
      .selectFrom('live_chat')
      .select(['id', 'name', 'text', 'at_ms'])
      .where('session_id', '=', sessionId)
      .where('removed', '=', 0)
      .orderBy('at_ms')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.name, text: r.text, atMs: Number(r.at_ms) }));
  }
}
