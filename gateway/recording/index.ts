// Recording and replay on a media node: the recorders on the node's live rooms, the replay queue, the
// files on disk, the outbox consumer that finishes a recording when its session ends, and the retention
// sweep. Built by the composition root; routes read the files.
import { spawnSync } from 'node:child_process';
import type { Logger } from 'pino';
import type { EventConsumer } from '../../commerce/index.ts';
import { type LiveRooms, Recorders } from '../../media/index.ts';
import { RecordingFiles, type RecordingUsage } from './recording-files.ts';
import { ReplayJobs } from './replay-jobs.ts';

export { HLS_FILE_PATTERN, type ReplayIndex, type ReplayPart, transcodeReplay } from './hls-transcode.ts';
export { RecordingFiles, type RecordingUsage } from './recording-files.ts';
export { ReplayJobs } from './replay-jobs.ts';

export interface RecordingSettings {
  enabled: boolean;
  ffmpegPath: string;
  retentionDays: number;
  hlsSegmentSec: number;
}

export interface RecordingHealth extends RecordingUsage {
  state: 'ok' | 'disabled';
  recording: number;
  replayQueue: number;
  replayFailures: number;
  lastReplay?: { sessionId: string; cpuSec: number; wallMs: number; durationSec: number } | undefined;
}

export interface Recording {
  readonly files: RecordingFiles;
  readonly recorders: Recorders | undefined;
  readonly jobs: ReplayJobs | undefined;
  /** Finishes a session's recording when it ends and queues its replay. */
  readonly consumer: EventConsumer | undefined;
  health(): Promise<RecordingHealth>;
  close(): Promise<void>;
}

/** How often the retention sweep runs. */
const SWEEP_PERIOD_MS = 3_600_000;

export function createRecording(deps: {
  dataDir: string;
  files?: RecordingFiles | undefined;
  rooms: LiveRooms | undefined;
  settings: RecordingSettings;
  logger: Logger;
}): Recording {
  const { settings, logger } = deps;
  const files = deps.files ?? new RecordingFiles(deps.dataDir);
  const usable = settings.enabled && deps.rooms !== undefined && ffmpegWorks(settings.ffmpegPath);
  if (settings.enabled && deps.rooms && !usable)
    logger.warn({ ffmpeg: settings.ffmpegPath }, 'ffmpeg not found: lives are not recorded');
  const recorders = usable
    ? new Recorders({ rooms: deps.rooms!, dir: files.dir, ffmpegPath: settings.ffmpegPath, logger })
    : undefined;
  const jobs = usable
    ? new ReplayJobs(
        files,
        {
          ffmpegPath: settings.ffmpegPath,
          ffprobePath: ffprobeNextTo(settings.ffmpegPath),
          segmentSec: settings.hlsSegmentSec,
        },
        logger,
      )
    : undefined;
  jobs?.resume().catch((err: unknown) => logger.error({ err }, 'replay queue could not resume'));
  const startedAtMs = Date.now();
  const consumer: EventConsumer | undefined =
    recorders && jobs
      ? {
          name: 'recordings',
          scope: 'node',
          async handle(event) {
            if (event.type !== 'session.ended' || !event.sessionId || event.createdAtMs < startedAtMs) return;
            const sessionId = event.sessionId;
            // Not awaited: stopping ffmpeg takes a moment and must not hold up the node's other events.
            recorders
              .finish(sessionId)
              .then((m) => (m.segments.length > 0 ? jobs.enqueue(sessionId) : undefined))
              .catch((err: unknown) => logger.error({ err, sessionId }, 'recording could not finish'));
          },
        }
      : undefined;
  const sweep = () =>
    files
      .sweep(settings.retentionDays)
      .then((gone) => gone.length > 0 && logger.info({ sessions: gone }, 'recordings past retention deleted'))
      .catch((err: unknown) => logger.error({ err }, 'recording retention sweep failed'));
  const sweeper = setInterval(sweep, SWEEP_PERIOD_MS);
  sweeper.unref();
  void sweep();
  return {
    files,
    recorders,
    jobs,
    consumer,
    async health() {
      return {
        state: recorders ? 'ok' : 'disabled',
        ...(await files.usageCached()),
        recording: recorders?.recording ?? 0,
        replayQueue: (jobs?.pending ?? 0) + (jobs?.running ? 1 : 0),
        replayFailures: jobs?.failed ?? 0,
        lastReplay: jobs?.last,
      };
    },
    async close() {
      clearInterval(sweeper);
      jobs?.close();
      await recorders?.close();
    },
  };
}

function ffmpegWorks(ffmpegPath: string): boolean {
  const r = spawnSync(ffmpegPath, ['-hide_banner', '-version'], { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0;
}

/** ffprobe ships with ffmpeg: the same folder, or PATH when ffmpeg is found on PATH. */
function ffprobeNextTo(ffmpegPath: string): string {
  return ffmpegPath.includes('/') ? ffmpegPath.replace(/ffmpeg([^/]*)$/, 'ffprobe$1') : 'ffprobe';
}
