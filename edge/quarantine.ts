// The quarantine: readings the edge refused (or the core refused after forwarding), kept with their
// reason for staff to look at. Writes never block the event loop: entries are queued, then written
// together by async file I/O with one fsync per group. Bounded three ways: per device per minute (the
// excess is counted, not stored), by total size and by age (whole files are deleted, oldest first).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { QuarantineReason } from '../protocols/index.ts';

export interface QuarantineOptions {
  /** Entries stored per device per clock minute; the excess is only counted. 0 disables the cap. */
  maxPerDevicePerMin: number;
  /** Bound on the quarantine files' total size, bytes; the oldest file goes first. 0 disables. */
  maxBytes: number;
  /** Files last written longer ago than this are deleted, ms. 0 disables. */
  maxAgeMs: number;
  /** Entries queued within this interval are written together, with one fsync, ms. */
  flushMs: number;
}

export const QUARANTINE_DEFAULTS: QuarantineOptions = {
  maxPerDevicePerMin: 60,
  maxBytes: 64 * 1024 * 1024,
  maxAgeMs: 30 * 86_400_000,
  flushMs: 100,
};

export interface QuarantineEntry {
  deviceId: string;
  reason: QuarantineReason;
  /** Why, in words, when the reason alone does not say (e.g. the core's answer). */
  detail: string | null;
  receivedAtMs: number;
  payload: Buffer;
}

/** Entries waiting for their write; beyond it (the disk cannot keep up) new ones are only counted. */
const MAX_PENDING = 10_000;
/** Size of one file when maxBytes does not set it (maxBytes / 8 otherwise, so retention is gradual). */
const DEFAULT_FILE_BYTES = 8 * 1024 * 1024;
const FILE = /^q-(\d{15})\.jsonl$/;

export class Quarantine {
  readonly #dir: string;
  readonly #opts: QuarantineOptions;
  readonly #logger: Logger;
  readonly #fileBytes: number;
  /** Files in name (= age) order with their sizes; the last one is being appended to. */
  readonly #files: { name: string; bytes: number }[] = [];
  #handle: fsp.FileHandle | undefined;
  #pending: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #minute = 0;
  readonly #perDevice = new Map<string, number>();
  #nextFileMs = 0;
  #nextAgeCheckMs = 0;
  #closed = false;
  #closing: Promise<void> | undefined;
  /** Entries written to disk, refused by the per-device cap (or a full queue), and failed writes. */
  stored = 0;
  dropped = 0;
  writeFailures = 0;

  constructor(dir: string, opts: Partial<QuarantineOptions>, logger: Logger) {
    this.#dir = dir;
    this.#opts = { ...QUARANTINE_DEFAULTS, ...opts };
    this.#logger = logger;
    this.#fileBytes =
      this.#opts.maxBytes > 0 ? Math.max(4096, Math.floor(this.#opts.maxBytes / 8)) : DEFAULT_FILE_BYTES;
    // Start-up only: learn what earlier runs left.
    fs.mkdirSync(dir, { recursive: true });
    for (const name of fs
      .readdirSync(dir)
      .filter((n) => FILE.test(n))
      .sort())
      this.#files.push({ name, bytes: fs.statSync(path.join(dir, name)).size });
  }

  /** Queues an entry; false when the device's cap for this minute is spent (the entry is only counted). */
  add(entry: QuarantineEntry): boolean {
    if (this.#closed) return false;
    const minute = Math.floor(entry.receivedAtMs / 60_000);
    if (minute !== this.#minute) {
      this.#minute = minute;
      this.#perDevice.clear();
    }
    const count = this.#perDevice.get(entry.deviceId) ?? 0;
    const cap = this.#opts.maxPerDevicePerMin;
    if ((cap > 0 && count >= cap) || this.#pending.length >= MAX_PENDING) {
      this.dropped++;
      return false;
    }
    this.#perDevice.set(entry.deviceId, count + 1);
    this.#pending.push(
      `${JSON.stringify({
        d: entry.deviceId,
        r: entry.reason,
        x: entry.detail,
        t: entry.receivedAtMs,
        p: entry.payload.toString('base64'),
      })}\n`,
    );
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#opts.flushMs);
    return true;
  }

  /** Writes whatever is queued; resolves once it is on disk. */
  flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const lines = this.#pending;
    this.#pending = [];
    if (lines.length > 0)
      this.#writing = this.#writing.then(() =>
        this.#write(lines).catch((err: unknown) => {
          this.writeFailures++;
          this.#logger.error({ err, entries: lines.length }, 'quarantine write failed');
        }),
      );
    return this.#writing;
  }

  async #write(lines: string[]): Promise<void> {
    const data = Buffer.from(lines.join(''));
    let current = this.#files[this.#files.length - 1];
    const rotate = !this.#handle || !current || current.bytes + data.length > this.#fileBytes;
    if (rotate || !current) {
      await this.#handle?.close();
      this.#handle = undefined;
      // Names sort by creation time; a later file never sorts before an earlier one.
      const ms = Math.max(Date.now(), this.#nextFileMs);
      this.#nextFileMs = ms + 1;
      current = { name: `q-${String(ms).padStart(15, '0')}.jsonl`, bytes: 0 };
      this.#handle = await fsp.open(path.join(this.#dir, current.name), 'a');
      this.#files.push(current);
    }
    const handle = this.#handle;
    if (!handle) throw new Error('quarantine file not open');
    await this.#prune(data.length, rotate);
    await handle.write(data);
    await handle.sync();
    current.bytes += data.length;
    this.stored += lines.length;
  }

  /**
   * Before `incoming` bytes are appended: deletes the oldest files (never the one being written) while
   * the total would pass the size bound, or while they are past the age bound (looked at when a new file
   * starts, and at least once a minute).
   */
  async #prune(incoming: number, rotated: boolean): Promise<void> {
    const { maxBytes, maxAgeMs } = this.#opts;
    const now = Date.now();
    const checkAge = maxAgeMs > 0 && (rotated || now >= this.#nextAgeCheckMs);
    if (checkAge) this.#nextAgeCheckMs = now + 60_000;
    let total = this.#files.reduce((sum, f) => sum + f.bytes, 0);
    while (this.#files.length > 1) {
      const oldest = this.#files[0]!;
      const file = path.join(this.#dir, oldest.name);
      const tooBig = maxBytes > 0 && total + incoming > maxBytes;
      const tooOld = !tooBig && checkAge && (await fsp.stat(file)).mtimeMs < now - maxAgeMs;
      if (!tooBig && !tooOld) break;
      await fsp.rm(file, { force: true });
      this.#files.shift();
      total -= oldest.bytes;
    }
  }

  /** Total size of the quarantine files, bytes. */
  get bytes(): number {
    return this.#files.reduce((sum, f) => sum + f.bytes, 0);
  }

  /** The device's stored entries, newest first (reads the files: for staff tools and tests). */
  async entriesOf(deviceId: string, limit = 100): Promise<QuarantineEntry[]> {
    await this.flush();
    const found: QuarantineEntry[] = [];
    for (let i = this.#files.length - 1; i >= 0 && found.length < limit; i--) {
      let text: string;
      try {
        text = await fsp.readFile(path.join(this.#dir, this.#files[i]!.name), 'utf8');
      } catch {
        continue; // deleted by retention meanwhile
      }
      const lines = text.split('\n').filter(Boolean);
      for (let j = lines.length - 1; j >= 0 && found.length < limit; j--) {
        const e = JSON.parse(lines[j]!) as {
          d: string;
          r: QuarantineReason;
          x: string | null;
          t: number;
          p: string;
        };
        if (e.d === deviceId)
          found.push({
            deviceId: e.d,
            reason: e.r,
            detail: e.x,
            receivedAtMs: e.t,
            payload: Buffer.from(e.p, 'base64'),
          });
      }
    }
    return found;
  }

  /** Idempotent: every call waits for the same close (what is queued is written first). */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    await this.#handle?.close();
    this.#handle = undefined;
  }
}
