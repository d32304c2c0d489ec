// The readings journal: durable before ack. append() queues a reading; a group commit a few ms later
// inserts every queued reading in one SQLite transaction (fsynced) and only then calls back, which lets
// aedes send the PUBACK. (device_id, boot_id, seq) is unique, so replays and DUP retransmissions are
// absorbed here. A cursor marks what the forwarder has delivered; pruning removes forwarded rows first.
import type { ReadingRecord } from '../protocols/index.ts';
import type { EdgeDb } from './db.ts';

export interface JournaledReading extends ReadingRecord {
  /** Journal position: increases in acceptance order. */
  id: number;
  receivedAtMs: number;
}

export interface JournalOptions {
  /** Group-commit window. */
  commitDelayMs: number;
  /** Flush at once when this many readings are queued. */
  maxBatch: number;
  /** Bound on rows kept (forwarded rows are pruned first). Unforwarded readings beyond it are refused. */
  maxRows: number;
}

export class JournalFullError extends Error {}

type Pending = { rec: ReadingRecord; cb: (err?: Error | null) => void };

type Row = {
  id: number;
  device_id: string;
  boot_id: number;
  seq: number;
  metric: string;
  value: number;
  measured_at_ms: number;
  member_code: string | null;
  event_id: string | null;
  received_at_ms: number;
};

export class Journal {
  readonly #db: EdgeDb;
  readonly #opts: JournalOptions;
  #queue: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  #cursor: number;
  #depth: number;
  #rows: number;
  #listeners = new Set<() => void>();
  #insert;
  #commit;
  #closed = false;
  /** Readings newly journaled (not duplicates), since start. */
  accepted = 0;
  duplicates = 0;

  constructor(db: EdgeDb, opts: JournalOptions) {
    this.#db = db;
    this.#opts = opts;
    this.#cursor = (
      db.prepare('SELECT forwarded_id FROM journal_cursor WHERE k = 1').get() as {
        forwarded_id: number;
      }
    ).forwarded_id;
    this.#depth = (
      db.prepare('SELECT COUNT(*) AS n FROM journal WHERE id > ?').get(this.#cursor) as { n: number }
    ).n;
    this.#rows = (db.prepare('SELECT COUNT(*) AS n FROM journal').get() as { n: number }).n;
    this.#insert = db.prepare(
      `INSERT OR IGNORE INTO journal
        (device_id, boot_id, seq, metric, value, measured_at_ms, member_code, event_id, received_at_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#commit = db.transaction((batch: Pending[], now: number) => {
      let added = 0;
      for (const { rec } of batch) {
        const r = this.#insert.run(
          rec.deviceId,
          rec.bootId,
          rec.seq,
          rec.metric,
          rec.value,
          rec.measuredAtMs,
          rec.memberCode,
          rec.eventId,
          now,
        );
        added += r.changes;
      }
      return added;
    });
  }

  append(rec: ReadingRecord, cb: (err?: Error | null) => void): void {
    if (this.#closed) {
      cb(new Error('journal closed'));
      return;
    }
    if (this.#depth + this.#queue.length >= this.#opts.maxRows) {
      this.prune();
      if (this.#depth + this.#queue.length >= this.#opts.maxRows) {
        cb(new JournalFullError('journal full'));
        return;
      }
    }
    this.#queue.push({ rec, cb });
    if (this.#queue.length >= this.#opts.maxBatch) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), this.#opts.commitDelayMs);
  }

  /** Commits whatever is queued now (also called by the timer). */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#queue;
    if (batch.length === 0) return;
    this.#queue = [];
    let err: Error | null = null;
    try {
      const added = this.#commit(batch, Date.now());
      this.accepted += added;
      this.duplicates += batch.length - added;
      this.#depth += added;
      this.#rows += added;
    } catch (e) {
      err = e as Error;
    }
    for (const p of batch) p.cb(err);
    if (!err) for (const l of this.#listeners) l();
    if (this.#rows > this.#opts.maxRows) this.prune();
  }

  /** Called after each commit that may have added readings. */
  onAppend(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Oldest unforwarded readings, in journal order. */
  unforwarded(limit: number): JournaledReading[] {
    const rows = this.#db
      .prepare('SELECT * FROM journal WHERE id > ? ORDER BY id LIMIT ?')
      .all(this.#cursor, limit) as Row[];
    return rows.map((r) => ({
      id: r.id,
      deviceId: r.device_id,
      bootId: r.boot_id,
      seq: r.seq,
      metric: r.metric,
      value: r.value,
      measuredAtMs: r.measured_at_ms,
      memberCode: r.member_code,
      eventId: r.event_id,
      receivedAtMs: r.received_at_ms,
    }));
  }

  /** Everything up to and including `id` has been delivered downstream. */
  markForwarded(id: number): void {
    if (id <= this.#cursor) return;
    const n = (
      this.#db
        .prepare('SELECT COUNT(*) AS n FROM journal WHERE id > ? AND id <= ?')
        .get(this.#cursor, id) as {
        n: number;
      }
    ).n;
    this.#db.prepare('UPDATE journal_cursor SET forwarded_id = ? WHERE k = 1').run(id);
    this.#cursor = id;
    this.#depth -= n;
  }

  /** Deletes the oldest forwarded rows beyond the bound (keeps some recent ones for dedup). */
  prune(): number {
    const excess = this.#rows - Math.floor(this.#opts.maxRows / 2);
    if (excess <= 0) return 0;
    const res = this.#db
      .prepare('DELETE FROM journal WHERE id IN (SELECT id FROM journal WHERE id <= ? ORDER BY id LIMIT ?)')
      .run(this.#cursor, excess);
    this.#rows -= res.changes;
    return res.changes;
  }

  get depth(): number {
    return this.#depth;
  }

  oldestUnforwardedAgeMs(now = Date.now()): number {
    if (this.#depth === 0) return 0;
    const r = this.#db
      .prepare('SELECT received_at_ms FROM journal WHERE id > ? ORDER BY id LIMIT 1')
      .get(this.#cursor) as { received_at_ms: number } | undefined;
    return r ? Math.max(0, now - r.received_at_ms) : 0;
  }

  close(): void {
    this.flush();
    this.#closed = true;
  }
}
