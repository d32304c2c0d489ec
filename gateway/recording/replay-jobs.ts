// The replay queue: after a live ends, its recording is transcoded to HLS, one session at a time, at the
// lowest priority. A gateway restart finds ended recordings without a replay and queues them again.
import type { Logger } from 'pino';
import { type ReplayIndex, type TranscodeOptions, transcodeReplay } from './hls-transcode.ts';
import type { RecordingFiles } from './recording-files.ts';

export class ReplayJobs {
  readonly #files: RecordingFiles;
  readonly #opts: TranscodeOptions;
  readonly #log: Logger;
  readonly #queue: string[] = [];
  readonly #waiters = new Map<string, Array<(r: ReplayIndex | undefined) => void>>();
  #running: string | undefined;
  #closed = false;
  /** Figures of the last finished job, for /healthz. */
  last: { sessionId: string; cpuSec: number; wallMs: number; durationSec: number } | undefined;
  failed = 0;

  constructor(files: RecordingFiles, opts: TranscodeOptions, logger: Logger) {
    this.#files = files;
    this.#opts = opts;
    this.#log = logger.child({ room: 'replay-jobs' });
  }

  get pending(): number {
    return this.#queue.length;
  }

  get running(): string | undefined {
    return this.#running;
  }

  /** Queues the session (once); resolves with its replay when the job ends (undefined if it failed). */
  enqueue(sessionId: string): Promise<ReplayIndex | undefined> {
    const done = new Promise<ReplayIndex | undefined>((resolve) => {
      this.#waiters.set(sessionId, [...(this.#waiters.get(sessionId) ?? []), resolve]);
    });
    if (this.#running !== sessionId && !this.#queue.includes(sessionId)) this.#queue.push(sessionId);
    this.#next();
    return done;
  }

  /** Ended recordings that have no replay yet (a restart interrupted their job). */
  async resume(): Promise<void> {
    for (const id of await this.#files.sessions()) {
      const m = await this.#files.manifest(id);
      if (m.endedAtMs !== undefined && m.segments.length > 0 && !(await this.#files.replayIndex(id)))
        void this.enqueue(id);
    }
  }

  close(): void {
    this.#closed = true;
    this.#queue.length = 0;
  }

  #next(): void {
    if (this.#running || this.#closed) return;
    const sessionId = this.#queue.shift();
    if (!sessionId) return;
    this.#running = sessionId;
    this.#run(sessionId)
      .then((index) => {
        for (const w of this.#waiters.get(sessionId) ?? []) w(index);
        this.#waiters.delete(sessionId);
      })
      .finally(() => {
        this.#running = undefined;
        this.#next();
      });
  }

  async #run(sessionId: string): Promise<ReplayIndex | undefined> {
    try {
      const manifest = await this.#files.manifest(sessionId);
      const index = await transcodeReplay(this.#files.sessionDir(sessionId), manifest, this.#opts);
      const endToReady = manifest.endedAtMs ? Date.now() - manifest.endedAtMs : undefined;
      this.last = { sessionId, cpuSec: index.cpuSec, wallMs: index.wallMs, durationSec: index.durationSec };
      this.#log.info({ ...this.last, endToReadyMs: endToReady }, 'replay ready');
      return index;
    } catch (err) {
      this.failed++;
      this.#log.error({ err, sessionId }, 'replay transcode failed');
      return undefined;
    }
  }
}
