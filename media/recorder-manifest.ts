// A session's recording on disk: DATA_DIR/recordings/<sessionId>/recording.json lists its segments in
// order. Each segment is one unbroken ffmpeg run; between two segments lies a gap (host reconnect,
// worker death, gateway restart), which the replay shows as a discontinuity.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface RecordingSegment {
  /** File name inside the session's folder, e.g. seg-0001.mkv. */
  file: string;
  startedAtMs: number;
  /** Unset while the segment is being written, or if the process died while writing it. */
  endedAtMs?: number | undefined;
  kinds: Array<'audio' | 'video'>;
  /** Why the segment ended: 'gap' (producers changed or the worker died), 'end' or 'ffmpeg'. */
  endReason?: string | undefined;
}

export interface RecordingManifest {
  sessionId: string;
  segments: RecordingSegment[];
  /** Set when the session ended and the last segment was finished. */
  endedAtMs?: number | undefined;
}

export const MANIFEST_FILE = 'recording.json';

/** Session ids are used as folder names: only the characters ids are made of. */
export function assertSafeSessionId(sessionId: string): void {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(sessionId)) throw new TypeError(`unsafe session id ${sessionId}`);
}

export function sessionRecordingDir(root: string, sessionId: string): string {
  assertSafeSessionId(sessionId);
  return path.join(root, sessionId);
}

export async function readManifest(dir: string, sessionId: string): Promise<RecordingManifest> {
  try {
    const parsed = JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), 'utf8')) as RecordingManifest;
    if (parsed.sessionId === sessionId && Array.isArray(parsed.segments)) return parsed;
  } catch {
    // No recording yet (or a torn write, which writeManifest's rename prevents).
  }
  return { sessionId, segments: [] };
}

/** Written to a temporary file and renamed, so a reader never sees half a manifest. */
export async function writeManifest(dir: string, manifest: RecordingManifest): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `${MANIFEST_FILE}.tmp`);
  await writeFile(tmp, JSON.stringify(manifest, null, 1));
  await rename(tmp, path.join(dir, MANIFEST_FILE));
}
