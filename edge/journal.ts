// The readings journal: durable before ack. append() queues a reading; a group commit a few ms later
// inserts every queued reading in one SQLite transaction (fsynced, multi-row statements) and only then
// calls back, which lets aedes send the PUBACK. (device_id, boot_id, seq) is unique, so replays and DUP
// retransmissions are absorbed here. A cursor marks what the forwarder has delivered; pruning removes
// forwarded rows first. While the forwarder keeps up, committed readings are also kept in memory (the
// tail), so forwarding them needs no read back from disk; a backlog (after a restart or a long sink
// outage) is read from the table until it is drained.
import type { ReadingRecord } from '../protocols/index.ts';
import type { EdgeDb } from './db.ts';

export interface JournaledReading extends ReadingRecord {
  /** Journal position: increases in acceptance order (not necessarily contiguous). */
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
  /** Committed readings kept in memory for the forwarder; beyond it, the backlog is read from disk. */
  maxTail: number;
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

const COLUMNS =
  'id, device_id, boot_id, seq, metric, value, measured_at_ms, member_code, event_id, received_at_ms';
/** Rows per INSERT statement: 64 × 10 parameters stays far below SQLite's bound on variables. */
const ROWS_PER_INSERT = 64;
/** The forwarder cursor is written with the next commit, or after this long when no commit comes. */
const CURSOR_SAVE_DELAY_MS = 1000;

export class Journal {
  readonly #db: EdgeDb;
  readonly #opts: JournalOptions;
  #queue: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  #cursorTimer: NodeJS.Timeout | undefined;
  /** Next journal position; positions are assigned here so a multi-row insert needs no read back. */
  #nextId: number;
  #cursor: number;
  #savedCursor: number;
  #depth: number;
  #rows: number;
  /** Committed, unforwarded readings from #tailHead on, in journal order, when #tailComplete. */
  #tail: JournaledReading[] = [];
  #tailHead = 0;
  #tailComplete: boolean;
  #listeners = new Set<() => void>();
  readonly #inserts = new Map<number, ReturnType<EdgeDb['prepare']>>();
  readonly #saveCursor;
  readonly #commit;
  #closed = false;
  /** Readings newly journaled (not duplicates), since start. */
  accepted = 0;
  duplicates = 0;

  constructor(db: EdgeDb, opts: JournalOptions) {
    this.#db = db;
    this.#opts = opts;
    this.#cursor = (
      db.prepare('SELECT forwarded_id FROM journal_cursor WHERE k = 1').get() as { forwarded_id: number }
    ).forwarded_id;
    this.#savedCursor = this.#cursor;
    this.#depth = (
      db.prepare('SELECT COUNT(*) AS n FROM journal WHERE id > ?').get(this.#cursor) as { n: number }
    ).n;
    this.#rows = (db.prepare('SELECT COUNT(*) AS n FROM journal').get() as { n: number }).n;
    const maxId = (db.prepare('SELECT MAX(id) AS m FROM journal').get() as { m: number | null }).m ?? 0;
    this.#nextId = Math.max(maxId, this.#cursor) + 1;
    this.#tailComplete = this.#depth === 0;
    this.#saveCursor = db.prepare('UPDATE journal_cursor SET forwarded_id = ? WHERE k = 1');
    this.#commit = db.transaction((params: unknown[], n: number, firstId: number) => {
      let added = 0;
      for (let row = 0; row < n; row += ROWS_PER_INSERT) {
        const rows = Math.min(ROWS_PER_INSERT, n - row);
        added += this.#insert(rows).run(params.slice(row * 10, (row + rows) * 10)).changes;
      }
      this.#persistCursor();
      if (added === n) return null;
      // Some were duplicates: which positions were taken (rare, so the read back is fine here).
      return new Set(
        (
          db.prepare('SELECT id FROM journal WHERE id >= ? AND id < ?').all(firstId, firstId + n) as {
            id: number;
          }[]
        ).map((r) => r.id),
      );
    });
  }

  #insert(rows: number) {
    let stmt = this.#inserts.get(rows);
    if (!stmt) {
      const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
      stmt = this.#db.prepare(`INSERT OR IGNORE INTO journal (${COLUMNS}) VALUES ${values}`);
      this.#inserts.set(rows, stmt);
    }
    return stmt;
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
    const now = Date.now();
    const firstId = this.#nextId;
    this.#nextId += batch.length;
    const params: unknown[] = new Array(batch.length * 10);
    for (let i = 0, p = 0; i < batch.length; i++, p += 10) {
      const r = batch[i]!.rec;
      params[p] = firstId + i;
      params[p + 1] = r.deviceId;
      params[p + 2] = r.bootId;
      params[p + 3] = r.seq;
      params[p + 4] = r.metric;
      params[p + 5] = r.value;
      params[p + 6] = r.measuredAtMs;
      params[p + 7] = r.memberCode;
      params[p + 8] = r.eventId;
      params[p + 9] = now;
    }
    let err: Error | null = null;
    let added = 0;
    try {
      const taken = this.#commit(params, batch.length, firstId);
      for (let i = 0; i < batch.length; i++) {
        const id = firstId + i;
        if (taken && !taken.has(id)) continue;
        added++;
        if (this.#tailComplete) this.#tail.push({ ...batch[i]!.rec, id, receivedAtMs: now });
      }
    } catch (e) {
      err = e as Error;
    }
    this.accepted += added;
    this.duplicates += err ? 0 : batch.length - added;
    this.#depth += added;
    this.#rows += added;
    if (this.#tail.length - this.#tailHead > this.#opts.maxTail) this.#dropTail();
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
    if (this.#tailComplete) return this.#tail.slice(this.#tailHead, this.#tailHead + limit);
    // Commits run on this thread, so the table holds every committed reading: a short read means the
    // backlog is drained and from here on the tail holds whatever is committed next.
    const rows = this.#db
      .prepare(`SELECT ${COLUMNS} FROM journal WHERE id > ? ORDER BY id LIMIT ?`)
      .all(this.#cursor, limit) as Row[];
    if (rows.length < limit) this.#tailComplete = true;
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

  /**
   * The `count` unforwarded readings up to and including `id` have been delivered downstream. The
   * cursor is saved with the next commit (or shortly after): losing it in a crash only re-forwards
   * readings the sink already holds, which it ignores by identity.
   */
  markForwarded(id: number, count: number): void {
    if (id <= this.#cursor) return;
    this.#cursor = id;
    this.#depth -= count;
    while (this.#tailHead < this.#tail.length && this.#tail[this.#tailHead]!.id <= id) this.#tailHead++;
    if (this.#tailHead === this.#tail.length) {
      this.#tail = [];
      this.#tailHead = 0;
    } else if (this.#tailHead > 4096 && this.#tailHead * 2 > this.#tail.length) {
      this.#tail = this.#tail.slice(this.#tailHead);
      this.#tailHead = 0;
    }
    this.#cursorTimer ??= setTimeout(() => {
      this.#cursorTimer = undefined;
      // The database may have been closed under an unclosed journal; the cursor is a hint anyway.
      if (!this.#closed && this.#db.open) this.#persistCursor();
    }, CURSOR_SAVE_DELAY_MS).unref();
  }

  #persistCursor(): void {
    if (this.#cursor === this.#savedCursor) return;
    this.#saveCursor.run(this.#cursor);
    this.#savedCursor = this.#cursor;
  }

  /** Too much in memory (the sink is slow or down): forget the tail, read the backlog from disk. */
  #dropTail(): void {
    this.#tail = [];
    this.#tailHead = 0;
    this.#tailComplete = false;
  }

  /** Deletes the oldest forwarded rows beyond the bound (keeps some recent ones for dedup). */
  prune(): number {
    const excess = this.#rows - Math.floor(this.#opts.maxRows / 2);
    if (excess <= 0) return 0;
    this.#persistCursor();
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
    const head = this.#tailComplete ? this.#tail[this.#tailHead] : undefined;
    const r =
      head ??
      (this.#db
        .prepare('SELECT received_at_ms AS receivedAtMs FROM journal WHERE id > ? ORDER BY id LIMIT 1')
        .get(this.#cursor) as { receivedAtMs: number } | undefined);
    return r ? Math.max(0, now - r.receivedAtMs) : 0;
  }

  close(): void {
    this.flush();
    if (this.#cursorTimer) clearTimeout(this.#cursorTimer);
    this.#cursorTimer = undefined;
    if (!this.#closed) this.#persistCursor();
    this.#closed = true;
  }
}
