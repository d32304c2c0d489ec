// After a live ends: its recording's segments (VP8/H264 + Opus in Matroska) become one HLS replay
// (H.264 + AAC in fMP4, ~4 s segments). Each recording segment is transcoded on its own with its own init
// section; the parts are joined in one VOD playlist on a continuous timeline, with a discontinuity
// between two parts (the gap the live had). The job runs at the lowest CPU and I/O priority so a live
// on the same machine keeps both cores.
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RecordingManifest } from '../../media/index.ts';

export interface ReplayPart {
  /** Wall-clock start and end of the live this part shows. */
  startedAtMs: number;
  endedAtMs: number;
  /** Where the part starts on the replay's timeline, seconds. */
  offsetSec: number;
  durationSec: number;
}

export interface ReplayIndex {
  sessionId: string;
  durationSec: number;
  parts: ReplayPart[];
  producedAtMs: number;
  /** CPU the transcode used (user + system, every ffmpeg run), seconds. */
  cpuSec: number;
  wallMs: number;
}

export interface TranscodeOptions {
  ffmpegPath: string;
  ffprobePath: string;
  segmentSec: number;
  /** Run at nice 19 and idle I/O class. @default true */
  lowPriority?: boolean;
}

export const REPLAY_INDEX_FILE = 'replay.json';
export const HLS_DIR = 'hls';
export const PLAYLIST_FILE = 'replay.m3u8';
/** The only names served from a replay's folder. */
export const HLS_FILE_PATTERN = /^(replay\.m3u8|init-\d{2,4}\.mp4|p\d{2,4}-\d{4,6}\.m4s)$/;

/** Largest replay picture: the top simulcast layer browsers send is 720p. */
const MAX_HEIGHT = 720;
/** A segment shorter than this carries nothing worth replaying (e.g. ffmpeg stopped before a keyframe). */
const MIN_PART_SEC = 0.5;

interface Probe {
  durationSec: number;
  width: number;
  height: number;
  hasAudio: boolean;
}

export async function transcodeReplay(
  dir: string,
  manifest: RecordingManifest,
  opts: TranscodeOptions,
): Promise<ReplayIndex> {
  const started = Date.now();
  const work = path.join(dir, `${HLS_DIR}.tmp`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const probes: Array<{ probe: Probe; seg: RecordingManifest['segments'][number] }> = [];
  for (const seg of manifest.segments) {
    const probe = await probeFile(opts.ffprobePath, path.join(dir, seg.file)).catch(() => undefined);
    // A segment whose ffmpeg had to be killed has no duration in its header: its transcode tells.
    if (probe && probe.width > 0 && (probe.durationSec === 0 || probe.durationSec >= MIN_PART_SEC))
      probes.push({ probe, seg });
  }
  if (probes.length === 0) throw new Error('no usable recording segment');
  const size = outputSize(probes[0]!.probe);
  const parts: ReplayPart[] = [];
  const playlists: string[] = [];
  let cpuSec = 0;
  let offset = 0;
  for (const [i, { probe, seg }] of probes.entries()) {
    const n = String(i + 1).padStart(2, '0');
    const args = [
      ...['-hide_banner', '-nostdin', '-nostats', '-benchmark', '-loglevel', 'info', '-y'],
      ...['-i', path.join(dir, seg.file)],
      ...(probe.hasAudio ? [] : ['-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo']),
      ...['-map', '0:v:0', '-map', probe.hasAudio ? '0:a:0' : '1:a:0', '-shortest'],
      ...['-vf', scaleFilter(size), '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'main'],
      ...['-crf', '23', '-maxrate', '3000k', '-bufsize', '6000k', '-sc_threshold', '0'],
      ...['-force_key_frames', `expr:gte(t,n_forced*${opts.segmentSec})`],
      ...['-c:a', 'aac', '-b:a', '128k', '-ar', '48000', '-ac', '2'],
      ...['-output_ts_offset', offset.toFixed(3)],
      ...['-f', 'hls', '-hls_time', String(opts.segmentSec), '-hls_playlist_type', 'vod'],
      ...['-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', `init-${n}.mp4`],
      ...['-hls_segment_filename', path.join(work, `p${n}-%05d.m4s`), path.join(work, `part-${n}.m3u8`)],
    ];
    const { stderr } = await run(opts.ffmpegPath, args, opts.lowPriority ?? true);
    cpuSec += benchCpu(stderr);
    const playlist = await readFile(path.join(work, `part-${n}.m3u8`), 'utf8');
    const durationSec = playlistDuration(playlist);
    if (durationSec < MIN_PART_SEC) continue;
    playlists.push(playlist);
    parts.push({
      startedAtMs: seg.startedAtMs,
      endedAtMs: seg.endedAtMs ?? seg.startedAtMs + Math.round(probe.durationSec * 1000),
      offsetSec: offset,
      durationSec,
    });
    offset += durationSec;
  }
  if (playlists.length === 0) throw new Error('no usable recording segment');
  await writeFile(path.join(work, PLAYLIST_FILE), joinPlaylists(playlists));
  for (const name of await readdir(work)) if (name.startsWith('part-')) await rm(path.join(work, name));
  const final = path.join(dir, HLS_DIR);
  await rm(final, { recursive: true, force: true });
  await rename(work, final);
  const index: ReplayIndex = {
    sessionId: manifest.sessionId,
    durationSec: Math.round(offset * 1000) / 1000,
    parts,
    producedAtMs: Date.now(),
    cpuSec: Math.round(cpuSec * 1000) / 1000,
    wallMs: Date.now() - started,
  };
  await writeFile(path.join(dir, REPLAY_INDEX_FILE), JSON.stringify(index, null, 1));
  return index;
}

/** One VOD playlist: each part keeps its own init section; parts after the first start a discontinuity. */
export function joinPlaylists(playlists: readonly string[]): string {
  let target = 1;
  const body: string[] = [];
  for (const [i, text] of playlists.entries()) {
    const lines = text.split(/\r?\n/);
    const t = lines.find((l) => l.startsWith('#EXT-X-TARGETDURATION:'));
    if (t) target = Math.max(target, Number(t.split(':')[1]));
    if (i > 0) body.push('#EXT-X-DISCONTINUITY');
    for (const line of lines) {
      if (line.startsWith('#EXT-X-MAP:') || line.startsWith('#EXTINF:') || (line && !line.startsWith('#')))
        body.push(line);
    }
  }
  return [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${target}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    ...body,
    '#EXT-X-ENDLIST',
    '',
  ].join('\n');
}

export function playlistDuration(text: string): number {
  let total = 0;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('#EXTINF:')) total += Number.parseFloat(line.slice(8));
  }
  return Math.round(total * 1000) / 1000;
}

function outputSize(p: Probe): { w: number; h: number } {
  const h = Math.min(MAX_HEIGHT, p.height);
  const w = Math.round((p.width * h) / p.height);
  return { w: w - (w % 2), h: h - (h % 2) };
}

/** Every part has the first part's size (a layer change mid-live would otherwise change it). */
function scaleFilter({ w, h }: { w: number; h: number }): string {
  return `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,format=yuv420p`;
}

async function probeFile(ffprobePath: string, file: string): Promise<Probe> {
  const { stdout } = await run(
    ffprobePath,
    ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,width,height', '-of', 'json', file],
    false,
  );
  const parsed = JSON.parse(stdout) as {
    format?: { duration?: string };
    streams?: Array<{ codec_type?: string; width?: number; height?: number }>;
  };
  const video = parsed.streams?.find((s) => s.codec_type === 'video');
  return {
    durationSec: Number(parsed.format?.duration ?? 0),
    width: video?.width ?? 0,
    height: video?.height ?? 0,
    hasAudio: Boolean(parsed.streams?.some((s) => s.codec_type === 'audio')),
  };
}

/** ffmpeg -benchmark prints "bench: utime=1.234s stime=0.056s rtime=…" at the end. */
function benchCpu(stderr: string): number {
  const m = /bench: utime=([\d.]+)s stime=([\d.]+)s/.exec(stderr);
  return m ? Number(m[1]) + Number(m[2]) : 0;
}

function run(
  program: string,
  args: string[],
  lowPriority: boolean,
): Promise<{ stdout: string; stderr: string }> {
  const [cmd, argv] = lowPriority
    ? ['nice', ['-n', '19', 'ionice', '-c', '3', program, ...args]]
    : [program, args];
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    proc.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr = (stderr + c).slice(-20_000);
    });
    proc.once('error', reject);
    proc.once('exit', (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${program} exited with ${code}: ${stderr.slice(-500)}`));
    });
  });
}
