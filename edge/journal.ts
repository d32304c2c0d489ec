// The readings journal: durable before ack. Readings are appended to segment files in the data dir
// (format in journal-file.ts) by group commit: while one write + fdatasync is in flight on the thread
// pool, new readings queue up, and the next commit writes them all at once; each reading's callback
// (which lets aedes send the PUBACK) runs only after the fdatasync that covers it. The event loop never
// waits for the disk. Known identities are skipped (journal-dedup.ts). A cursor marks what the
// forwarder has delivered; fully forwarded segments are deleted. While the forwarder keeps up,
// committed readings are also kept in memory (the tail), so forwarding needs no read back; a backlog
// (after a restart or a long sink outage) is read from the segments until it is drained.
import fs from 'node:fs';
import path from 'node:path';
import type { ReadingRecord } from '../protocols/index.ts';
import { SeenReadings } from './journal-dedup.ts';
import {
  decodeFrame,
  encodeFrame,
  type JournaledReading,
  maxFrameBytes,
  segmentFirstId,
  segmentName,
} from './journal-file.ts';

export type { JournaledReading } from './journal-file.ts';

export interface JournalOptions {
  /** Bound on unforwarded readings; beyond it new readings are refused (no PUBACK, devices retry). */
  maxRows: number;
  /** Committed readings kept in memory for the forwarder; beyond it, the backlog is read from disk. */
  maxTail: number;
  /** Readings per segment file before a new one is started (forwarded segments are deleted whole). */
  segmentRows: number;
}

export class JournalFullError extends Error {}

type Callback = (err?: Error | null) => void;
/** A queued append; `reading` is undefined for a duplicate, acknowledged with the commit after it. */
type Pending = { reading: JournaledReading | undefined; cb: Callback };

type Segment = {
  firstId: number;
  /** Last id written and committed (firstId - 1 while empty). */
  lastId: number;
  /** Bytes of whole, committed frames. */
  bytes: number;
  file: string;
};

/** Where the first reading after `cursor` starts on disk. */
type ReadPos = { cursor: number; seg: number; offset: number };

/** The forwarded cursor is written at most this often (losing it only re-sends readings). */
const CURSOR_SAVE_DELAY_MS = 1000;
/** Bytes read from a segment at a time while draining a backlog. */
const READ_CHUNK_BYTES = 256 * 1024;
const CURSOR_FILE = 'cursor';

export class Journal {
  readonly #dir: string;
  readonly #opts: JournalOptions;
  readonly #seen = new SeenReadings();
  #segments: Segment[] = [];
  #fd: number | undefined;
  #queue: Pending[] = [];
  /** Readings queued or being written, not yet counted in the depth. */
  #uncommitted = 0;
  #commitScheduled = false;
  #committing = false;
  #idleWaiters: (() => void)[] = [];
  #failed: Error | undefined;
  #cursorTimer: NodeJS.Timeout | undefined;
  #nextId = 1;
  #cursor = 0;
  #savedCursor = 0;
  #depth = 0;
  #rows = 0;
  /** Committed, unforwarded readings from #tailHead on, in journal order, when #tailComplete. */
  #tail: JournaledReading[] = [];
  #tailHead = 0;
  #tailComplete = true;
  #readPos: ReadPos | undefined;
  #lastRead: ReadPos | undefined;
  #listeners = new Set<() => void>();
  #closed = false;
  #closing: Promise<void> | undefined;
  /** Readings newly journaled (not duplicates), since start. */
  accepted = 0;
  duplicates = 0;

  /** Opens (creating) the journal in `dir`: reads the segments back, truncating a torn last frame. */
  constructor(dir: string, opts: JournalOptions) {
    this.#dir = dir;
    this.#opts = opts;
    fs.mkdirSync(dir, { recursive: true });
    this.#cursor = readCursor(path.join(dir, CURSOR_FILE));
    this.#savedCursor = this.#cursor;
    this.#nextId = this.#cursor + 1;
    const names = fs
      .readdirSync(dir)
      .map((name) => ({ name, firstId: segmentFirstId(name) }))
      .filter((s): s is { name: string; firstId: number } => s.firstId !== undefined)
      .sort((a, b) => a.firstId - b.firstId);
    for (const [i, { name, firstId }] of names.entries()) {
      const file = path.join(dir, name);
      const buf = fs.readFileSync(file);
      const seg: Segment = { firstId, lastId: firstId - 1, bytes: 0, file };
      let at = 0;
      for (let f = decodeFrame(buf, 0, buf.length); f; f = decodeFrame(buf, at, buf.length)) {
        at = f.end;
        const r = f.reading;
        seg.lastId = r.id;
        this.#seen.checkAndAdd(r);
        this.#rows++;
        if (r.id > this.#cursor) this.#depth++;
      }
      if (at < buf.length) {
        // Only the last segment can end in a torn frame (never acknowledged); elsewhere it is damage.
        if (i < names.length - 1) throw new Error(`journal segment ${name} is damaged at byte ${at}`);
        fs.truncateSync(file, at);
      }
      seg.bytes = at;
      this.#nextId = Math.max(this.#nextId, seg.lastId + 1, firstId);
      this.#segments.push(seg);
    }
    this.#tailComplete = this.#depth === 0;
    const last = this.#segments.at(-1);
    if (last) {
      this.#fd = fs.openSync(last.file, 'a');
      // A previous process may have written frames it never synced (killed before its fdatasync): make
      // them durable now, since a replay of one is acknowledged as a duplicate without a new write.
      fs.fdatasyncSync(this.#fd);
    }
    this.#deleteForwardedSegments();
  }

  /**
   * Queues a reading; `cb` runs once it is on disk (or known: a duplicate is acknowledged after the
   * next commit, so its earlier copy is durable by then). Refused when the journal is full or failed.
   */
  append(rec: ReadingRecord, cb: Callback): void {
    if (this.#closed || this.#failed) {
      cb(this.#failed ?? new Error('journal closed'));
      return;
    }
    if (this.#depth + this.#uncommitted >= this.#opts.maxRows) {
      cb(new JournalFullError('journal full'));
      return;
    }
    if (this.#seen.checkAndAdd(rec)) {
      this.duplicates++;
      this.#queue.push({ reading: undefined, cb });
    } else {
      const reading: JournaledReading = {
        id: this.#nextId++,
        receivedAtMs: 0,
        deviceId: rec.deviceId,
        bootId: rec.bootId,
        seq: rec.seq,
        metric: rec.metric,
        value: rec.value,
        measuredAtMs: rec.measuredAtMs,
        memberCode: rec.memberCode,
        eventId: rec.eventId,
      };
      this.#queue.push({ reading, cb });
      this.#uncommitted++;
    }
    if (!this.#committing && !this.#commitScheduled) {
      // Appends arriving in the same turn of the event loop go into one commit.
      this.#commitScheduled = true;
      setImmediate(() => this.#commit());
    }
  }

  /**
   * Journals already received readings synchronously (start-up only: moving a backlog over from an
   * older journal). Returns how many were new.
   */
  importSync(recs: readonly (ReadingRecord & { receivedAtMs: number })[]): number {
    if (this.#queue.length > 0 || this.#committing) throw new Error('importSync while appends are pending');
    const readings: JournaledReading[] = [];
    for (const r of recs) if (!this.#seen.checkAndAdd(r)) readings.push({ ...r, id: this.#nextId++ });
    if (readings.length === 0) return 0;
    const buf = Buffer.allocUnsafe(readings.reduce((n, r) => n + maxFrameBytes(r), 0));
    let used = 0;
    for (const r of readings) used = encodeFrame(buf, used, r);
    this.#ensureSegment(readings[0]!.id, readings.length);
    for (let at = 0; at < used; ) at += fs.writeSync(this.#fd!, buf, at, used - at);
    fs.fdatasyncSync(this.#fd!);
    const seg = this.#segments.at(-1)!;
    seg.bytes += used;
    seg.lastId = readings.at(-1)!.id;
    this.#depth += readings.length;
    this.#rows += readings.length;
    this.accepted += readings.length;
    this.#dropTail(); // the backlog is read from disk
    return readings.length;
  }

  /** Resolves once everything queued so far is committed (or has failed). */
  flush(): Promise<void> {
    if (!this.#committing && !this.#commitScheduled && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #commit(): void {
    this.#commitScheduled = false;
    const batch = this.#queue;
    if (batch.length === 0) {
      // A commit still writing keeps its waiters: they are released when it completes.
      if (!this.#committing) for (const w of this.#idleWaiters.splice(0)) w();
      return;
    }
    this.#queue = [];
    if (this.#failed) {
      // Queued behind a failed commit: a duplicate here may be a copy of a reading that never reached
      // the disk, so nothing is acknowledged any more.
      this.#uncommitted = 0;
      for (const p of batch) p.cb(this.#failed);
      for (const w of this.#idleWaiters.splice(0)) w();
      return;
    }
    this.#committing = true;
    let size = 0;
    let count = 0;
    for (const p of batch)
      if (p.reading) {
        size += maxFrameBytes(p.reading);
        count++;
      }
    const now = Date.now();
    let buf = Buffer.alloc(0);
    let used = 0;
    try {
      if (count > 0) {
        buf = Buffer.allocUnsafe(size);
        for (const p of batch)
          if (p.reading) {
            p.reading.receivedAtMs = now;
            used = encodeFrame(buf, used, p.reading);
          }
        this.#ensureSegment(batch.find((p) => p.reading)!.reading!.id, count);
      }
    } catch (e) {
      this.#committed(batch, count, used, e as Error);
      return;
    }
    if (count === 0) {
      this.#committed(batch, 0, 0, undefined);
      return;
    }
    const fd = this.#fd!;
    writeAll(fd, buf, used, (werr) => {
      if (werr) this.#committed(batch, count, used, werr);
      else fs.fdatasync(fd, (serr) => this.#committed(batch, count, used, serr ?? undefined));
    });
  }

  /** Starts a new segment file when the current one is full (or there is none). */
  #ensureSegment(firstId: number, incoming: number): void {
    const cur = this.#segments.at(-1);
    if (cur && cur.lastId === firstId - 1) {
      const empty = cur.lastId < cur.firstId;
      if (empty || cur.lastId - cur.firstId + 1 + incoming <= this.#opts.segmentRows) return;
    }
    const file = path.join(this.#dir, segmentName(firstId));
    const fd = fs.openSync(file, 'a');
    // The new file's directory entry must be durable before anything in it is acknowledged.
    const dirFd = fs.openSync(this.#dir, 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
    if (this.#fd !== undefined) fs.closeSync(this.#fd);
    this.#fd = fd;
    this.#segments.push({ firstId, lastId: firstId - 1, bytes: 0, file });
  }

  #committed(batch: Pending[], count: number, bytes: number, err: Error | undefined): void {
    this.#committing = false;
    this.#uncommitted -= count;
    if (err) {
      // What was written may be partial and not on disk: stop journaling (devices keep their
      // unacknowledged readings and retry after a restart, which reads back only whole frames).
      this.#failed ??= err;
      this.#seen.clear();
    } else if (count > 0) {
      const seg = this.#segments.at(-1)!;
      seg.bytes += bytes;
      for (const p of batch) {
        const r = p.reading;
        if (!r) continue;
        seg.lastId = r.id;
        if (this.#tailComplete) this.#tail.push(r);
      }
      this.accepted += count;
      this.#depth += count;
      this.#rows += count;
      if (this.#tail.length - this.#tailHead > this.#opts.maxTail) this.#dropTail();
    }
    for (const p of batch) p.cb(err ?? null);
    if (!err && count > 0) for (const l of this.#listeners) l();
    // An acknowledgement callback may have appended (and so scheduled a commit) already: schedule once.
    if (this.#commitScheduled) return;
    if (this.#queue.length > 0) {
      this.#commitScheduled = true;
      setImmediate(() => this.#commit());
    } else for (const w of this.#idleWaiters.splice(0)) w();
  }

  /** Called after each commit that added readings. */
  onAppend(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Oldest unforwarded readings, in journal order. */
  unforwarded(limit: number): JournaledReading[] {
    if (this.#tailComplete) return this.#tail.slice(this.#tailHead, this.#tailHead + limit);
    // Commits complete on this thread, so the segments hold every committed reading: a short read means
    // the backlog is drained and from here on the tail holds whatever is committed next.
    const { readings, pos } = this.#readBacklog(limit);
    if (readings.length < limit) {
      // They become the tail, so asking again (a retry after a failed write) returns them again.
      this.#tail = readings.slice();
      this.#tailHead = 0;
      this.#tailComplete = true;
    }
    this.#lastRead = readings.length > 0 ? { ...pos, cursor: readings.at(-1)!.id } : undefined;
    return readings;
  }

  /** Reads up to `limit` committed readings after the cursor from the segments. */
  #readBacklog(limit: number): { readings: JournaledReading[]; pos: ReadPos } {
    const pos = this.#positionAfterCursor();
    const readings: JournaledReading[] = [];
    let chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    while (readings.length < limit && pos.seg < this.#segments.length) {
      const seg = this.#segments[pos.seg]!;
      if (pos.offset >= seg.bytes) {
        if (pos.seg === this.#segments.length - 1) break;
        pos.seg++;
        pos.offset = 0;
        continue;
      }
      const want = Math.min(seg.bytes - pos.offset, chunk.length);
      const fd = fs.openSync(seg.file, 'r');
      let got: number;
      try {
        got = fs.readSync(fd, chunk, 0, want, pos.offset);
      } finally {
        fs.closeSync(fd);
      }
      let at = 0;
      for (
        let f = decodeFrame(chunk, 0, got);
        f && readings.length < limit;
        f = decodeFrame(chunk, at, got)
      ) {
        at = f.end;
        if (f.reading.id > this.#cursor) readings.push(f.reading);
      }
      if (at === 0) {
        // A frame larger than the chunk cannot be written by encodeFrame, but do not spin on one.
        if (chunk.length >= seg.bytes - pos.offset) throw new Error(`journal segment ${seg.file} unreadable`);
        chunk = Buffer.allocUnsafe(chunk.length * 2);
        continue;
      }
      pos.offset += at;
    }
    return { readings, pos };
  }

  /** Where the first reading after the cursor is: remembered from the last read, or found by a scan. */
  #positionAfterCursor(): ReadPos {
    if (this.#readPos?.cursor === this.#cursor) return { ...this.#readPos };
    const seg = this.#segments.findIndex((s) => s.lastId > this.#cursor);
    if (seg < 0) {
      // Nothing after the cursor yet: the end of the last segment.
      const last = Math.max(0, this.#segments.length - 1);
      return { cursor: this.#cursor, seg: last, offset: this.#segments[last]?.bytes ?? 0 };
    }
    // The reader skips ids at or below the cursor within the segment.
    return { cursor: this.#cursor, seg, offset: 0 };
  }

  /**
   * The `count` unforwarded readings up to and including `id` have been delivered downstream. The
   * cursor is saved shortly after: losing it in a crash only re-forwards readings the sink already
   * holds, which it ignores by identity.
   */
  markForwarded(id: number, count: number): void {
    if (id <= this.#cursor) return;
    this.#cursor = id;
    this.#depth -= count;
    this.#readPos = this.#lastRead?.cursor === id ? this.#lastRead : undefined;
    this.#lastRead = undefined;
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
      if (!this.#closed) this.#saveCursorAndPrune();
    }, CURSOR_SAVE_DELAY_MS).unref();
  }

  #saveCursorAndPrune(): void {
    if (this.#cursor !== this.#savedCursor) {
      const file = path.join(this.#dir, CURSOR_FILE);
      fs.writeFileSync(`${file}.tmp`, String(this.#cursor));
      fs.renameSync(`${file}.tmp`, file);
      this.#savedCursor = this.#cursor;
    }
    this.#deleteForwardedSegments();
  }

  /** Deletes segments whose readings are all forwarded (never the one being appended to). */
  #deleteForwardedSegments(): void {
    while (this.#segments.length > 1 && this.#segments[0]!.lastId <= this.#savedCursor) {
      const seg = this.#segments.shift()!;
      this.#rows -= seg.lastId - seg.firstId + 1;
      fs.rmSync(seg.file, { force: true });
      for (const pos of [this.#readPos, this.#lastRead])
        if (pos) {
          // A position at the end of the deleted segment is the start of the next one.
          if (pos.seg === 0) pos.offset = 0;
          else pos.seg--;
        }
    }
  }

  /** Too much in memory (the sink is slow or down): forget the tail, read the backlog from disk. */
  #dropTail(): void {
    this.#tail = [];
    this.#tailHead = 0;
    this.#tailComplete = false;
  }

  /** The write error that stopped the journal, if any (appends are refused from then on). */
  get failure(): Error | undefined {
    return this.#failed;
  }

  get depth(): number {
    return this.#depth;
  }

  /** Readings on disk (forwarded ones in segments not yet deleted included). */
  get rows(): number {
    return this.#rows;
  }

  oldestUnforwardedAgeMs(now = Date.now()): number {
    if (this.#depth === 0) return 0;
    const head = this.#tailComplete ? this.#tail[this.#tailHead] : this.#readBacklog(1).readings[0];
    return head ? Math.max(0, now - head.receivedAtMs) : 0;
  }

  /**
   * Commits what is queued, saves the cursor and closes the file; appends fail from then on. Idempotent:
   * every call waits for the same close.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    if (this.#cursorTimer) clearTimeout(this.#cursorTimer);
    this.#cursorTimer = undefined;
    try {
      this.#saveCursorAndPrune();
    } finally {
      if (this.#fd !== undefined) fs.closeSync(this.#fd);
      this.#fd = undefined;
    }
  }
}

function readCursor(file: string): number {
  try {
    const n = Number(fs.readFileSync(file, 'utf8'));
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0;
  }
}

/** fs.write until every byte is written (a regular file may take fewer bytes per call). */
function writeAll(fd: number, buf: Buffer, len: number, cb: (err: Error | null) => void, at = 0): void {
  fs.write(fd, buf, at, len - at, null, (err, n) => {
    if (err) cb(err);
    else if (at + n < len) writeAll(fd, buf, len, cb, at + n);
    else cb(null);
  });
}
