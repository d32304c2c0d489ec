// DATA_DIR/recordings: one folder per session holding its recording (segments + recording.json) and,
// once transcoded, its replay (hls/ + replay.json). Owns disk use (read at most every 30 s), deletion by
// staff and the retention sweep.
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { assertSafeSessionId, type RecordingManifest, readManifest } from '../../media/index.ts';
import { HLS_DIR, HLS_FILE_PATTERN, REPLAY_INDEX_FILE, type ReplayIndex } from './hls-transcode.ts';

export interface RecordingUsage {
  sessions: number;
  files: number;
  bytes: number;
}

const SESSION_DIR = /^[A-Za-z0-9_-]{1,64}$/;

export class RecordingFiles {
  readonly dir: string;
  #usageRead: { atMs: number; usage: Promise<RecordingUsage> } | undefined;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'recordings');
  }

  sessionDir(sessionId: string): string {
    assertSafeSessionId(sessionId);
    return path.join(this.dir, sessionId);
  }

  manifest(sessionId: string): Promise<RecordingManifest> {
    return readManifest(this.sessionDir(sessionId), sessionId);
  }

  async replayIndex(sessionId: string): Promise<ReplayIndex | undefined> {
    try {
      return JSON.parse(await readFile(path.join(this.sessionDir(sessionId), REPLAY_INDEX_FILE), 'utf8'));
    } catch {
      return undefined;
    }
  }

  /** The path of a replay file, or undefined for any name that is not one (no traversal possible). */
  hlsFile(sessionId: string, name: string): string | undefined {
    if (!HLS_FILE_PATTERN.test(name)) return undefined;
    return path.join(this.sessionDir(sessionId), HLS_DIR, name);
  }

  async sessions(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((n) => SESSION_DIR.test(n));
    } catch {
      return [];
    }
  }

  /** Deletes the session's recording and replay; false when there was none. */
  async delete(sessionId: string): Promise<boolean> {
    const dir = this.sessionDir(sessionId);
    const existed = await stat(dir).then(
      () => true,
      () => false,
    );
    await rm(dir, { recursive: true, force: true });
    this.#usageRead = undefined;
    return existed;
  }

  /** Deletes recordings whose live ended more than `retentionDays` ago; returns the sessions deleted. */
  async sweep(retentionDays: number, nowMs = Date.now()): Promise<string[]> {
    if (retentionDays <= 0) return [];
    const deleted: string[] = [];
    for (const id of await this.sessions()) {
      const m = await this.manifest(id);
      if (m.endedAtMs !== undefined && nowMs - m.endedAtMs > retentionDays * 86_400_000) {
        await this.delete(id);
        deleted.push(id);
      }
    }
    return deleted;
  }

  usageCached(maxAgeMs = 30_000, nowMs = Date.now()): Promise<RecordingUsage> {
    const last = this.#usageRead;
    if (last && nowMs - last.atMs < maxAgeMs) return last.usage;
    const usage = this.usage();
    this.#usageRead = { atMs: nowMs, usage };
    usage.catch(() => {
      if (this.#usageRead?.usage === usage) this.#usageRead = undefined;
    });
    return usage;
  }

  async usage(): Promise<RecordingUsage> {
    const ids = await this.sessions();
    let files = 0;
    let bytes = 0;
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else if (e.isFile()) {
          files++;
          bytes += (await stat(p).catch(() => ({ size: 0 }))).size;
        }
      }
    };
    for (const id of ids) await walk(path.join(this.dir, id));
    return { sessions: ids.length, files, bytes };
  }
}
