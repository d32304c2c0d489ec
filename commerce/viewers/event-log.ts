// Records what viewers do in a live session, and feeds the live funnel in the same transaction.
// Writes are batched: a live sale produces bursts of joins and
// impressions, and one transaction per few hundred rows keeps SQLite and PostgreSQL far from saturation.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { applyViewerEvents, type ChannelResolver } from '../rollups/live-funnel.ts';
import type { Database, ViewerEventType } from '../schema.ts';

export interface ViewerEvent {
  sessionId: string;
  type: ViewerEventType;
  viewerId: string;
  personId?: string | null | undefined;
  refCode?: string | null | undefined;
  chCode?: string | null | undefined;
  cardId?: string | null | undefined;
  atMs?: number;
}

export interface ViewerEventLogOptions {
  db: Kysely<Database>;
  logger: Logger;
  nodeId: string;
  /** Flush after this long even when the batch is small. @default 100 ms */
  flushMs?: number;
  /** Flush at this many rows. @default 500 */
  maxBatch?: number;
  /** Queue bound: beyond it the oldest waiting rows are dropped and counted (protects memory). @default 100000 */
  maxQueue?: number;
  /** Maps link codes and people to channels for the live funnel, updated in the same transaction. */
  channels: ChannelResolver;
}

export class ViewerEventLog {
  readonly #o: Required<ViewerEventLogOptions>;
  #queue: ViewerEvent[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #dropped = 0;
  #written = 0;
  #closed = false;

  constructor(opts: ViewerEventLogOptions) {
    this.#o = { flushMs: 100, maxBatch: 500, maxQueue: 100_000, ...opts };
  }

  get stats(): { queued: number; written: number; dropped: number } {
    return { queued: this.#queue.length, written: this.#written, dropped: this.#dropped };
  }

  record(event: ViewerEvent): void {
    if (this.#closed) return;
    if (this.#queue.length >= this.#o.maxQueue) {
      this.#queue.shift();
      this.#dropped++;
    }
    this.#queue.push({ ...event, atMs: event.atMs ?? Date.now() });
    if (this.#queue.length >= this.#o.maxBatch) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.#o.flushMs);
  }

  /** Writes everything queued so far; resolves when it is committed. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#queue;
    this.#queue = [];
    this.#flushing = this.#flushing.then(() => this.#write(batch));
    return this.#flushing;
  }

  async #write(batch: ViewerEvent[]): Promise<void> {
    for (let i = 0; i < batch.length; i += this.#o.maxBatch) {
      const rows = batch.slice(i, i + this.#o.maxBatch).map((e) => ({
        session_id: e.sessionId,
        type: e.type,
        viewer_id: e.viewerId,
        person_id: e.personId ?? null,
        ref_code: e.refCode ?? null,
        ch_code: e.chCode ?? null,
        card_id: e.cardId ?? null,
        node_id: this.#o.nodeId,
        at_ms: e.atMs!,
      }));
      try {
        await this.#o.db.transaction().execute(async (trx) => {
          await trx.insertInto('viewer_events').values(rows).execute();
          await applyViewerEvents(
            trx,
            rows.map((r) => ({
              sessionId: r.session_id,
              type: r.type,
              viewerId: r.viewer_id,
              personId: r.person_id,
              chCode: r.ch_code,
              atMs: r.at_ms,
            })),
            this.#o.channels,
          );
        });
        this.#written += rows.length;
      } catch (err) {
        // Keep the rows for the next flush rather than lose them; the queue bound still applies.
        this.#o.logger.error({ err, rows: rows.length }, 'viewer event write failed; will retry');
        this.#queue.unshift(...batch.slice(i));
        this.#timer ??= setTimeout(() => void this.flush(), 1000);
        return;
      }
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return this.#flushing;
    await this.flush();
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
  }
}

/** Links a browser's viewer id to a person; the first link wins (a later login on the same browser keeps it). */
export async function linkViewer(db: Kysely<Database>, viewerId: string, personId: string): Promise<string> {
  await db
    .insertInto('viewer_links')
    .values({ viewer_id: viewerId, person_id: personId, linked_at_ms: Date.now() })
    .onConflict((oc) => oc.column('viewer_id').doNothing())
    .execute();
  const row = await db
    .selectFrom('viewer_links')
    .select('person_id')
    .where('viewer_id', '=', viewerId)
    .executeTakeFirstOrThrow();
  return row.person_id;
}

/** The person a viewer id was linked to (they signed in while watching), or undefined. */
export async function personOfViewer(db: Kysely<Database>, viewerId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('viewer_links')
    .select('person_id')
    .where('viewer_id', '=', viewerId)
    .executeTakeFirst();
  return row?.person_id;
}
