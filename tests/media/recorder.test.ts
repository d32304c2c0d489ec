// Recording a live from real encoded media: ffmpeg's test pattern through libvpx (VP8 with keyframes)
// and libopus, sent as RTP into the room's ingest; the recorder consumes it over PlainTransports into
// ffmpeg by stream copy. Then the replay: HLS with H.264 + AAC checked with ffprobe. A worker SIGKILLed
// mid-live leaves two segments and one discontinuity in the playlist.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transcodeReplay } from '../../gateway/recording/index.ts';
import { ffmpegHost } from '../../loadtest/clients/ffmpeg-host.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { LiveRooms, Recorders, type WorkerPool } from '../../media/index.ts';
import { testLogger } from '../helpers/logger.ts';
import { startPool } from '../helpers/media.ts';

interface Probe {
  streams: Array<{ codec_name: string; codec_type: string; width?: number }>;
  format: { duration: string };
}

function probe(file: string): Probe {
  return JSON.parse(
    execFileSync('ffprobe', [
      ...['-v', 'error', '-show_entries', 'format=duration:stream=codec_name,codec_type,width'],
      ...['-of', 'json', file],
    ]).toString(),
  );
}

const hlsOptions = { ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe', segmentSec: 4 };

describe('live recording', () => {
  let pool: WorkerPool;
  let rooms: LiveRooms;
  let recorders: Recorders;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'recordings-'));
    pool = await startPool(2);
    rooms = new LiveRooms({ pool, logger: testLogger, consumerBudget: 400 });
    recorders = new Recorders({ rooms, dir, ffmpegPath: 'ffmpeg', logger: testLogger });
  });
  afterAll(async () => {
    await recorders?.close();
    rooms?.close();
    pool?.close();
    if (!process.env.KEEP_RECORDINGS) await rm(dir, { recursive: true, force: true });
  });

  it('records the host by stream copy and makes an H.264 + AAC HLS replay of the same length', async () => {
    const room = await rooms.open('rec-plain', 'host-1');
    const host = await ffmpegHost(room, 'host-1');
    host.start();
    await waitFor(() => recorders.recording === 1, { timeoutMs: 10_000, what: 'the recording to start' });
    const startedAt = Date.now();
    await new Promise((r) => setTimeout(r, 6000));
    const manifest = await recorders.finish('rec-plain');
    const recordedSec = (Date.now() - startedAt) / 1000;
    await host.stop();
    expect(manifest.segments).toHaveLength(1);
    expect(manifest.endedAtMs).toBeGreaterThan(0);
    const seg = probe(path.join(dir, 'rec-plain', manifest.segments[0]!.file));
    expect(seg.streams.map((s) => s.codec_name).sort()).toEqual(['opus', 'vp8']);
    expect(seg.streams.find((s) => s.codec_type === 'video')?.width).toBe(640);
    expect(Number(seg.format.duration)).toBeGreaterThan(recordedSec - 2);

    const index = await transcodeReplay(path.join(dir, 'rec-plain'), manifest, hlsOptions);
    const hls = probe(path.join(dir, 'rec-plain', 'hls', 'replay.m3u8'));
    expect(hls.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(Number(hls.format.duration)).toBeGreaterThan(recordedSec - 2);
    // The replay is as long as what was recorded (the media's own clock, not the test's).
    expect(Math.abs(Number(hls.format.duration) - Number(seg.format.duration))).toBeLessThan(1);
    expect(index.parts).toHaveLength(1);
    const playlist = await readFile(path.join(dir, 'rec-plain', 'hls', 'replay.m3u8'), 'utf8');
    expect(playlist).not.toContain('#EXT-X-DISCONTINUITY');
    expect(playlist).toContain('#EXT-X-ENDLIST');
    console.log(
      JSON.stringify({
        figure: 'recording.replayTranscode',
        recordedSec: index.durationSec,
        cpuSec: index.cpuSec,
        wallMs: index.wallMs,
      }),
    );
  }, 120_000);

  it('survives a worker SIGKILL: a new segment after the gap, one discontinuity in the replay', async () => {
    const room = await rooms.open('rec-crash', 'host-2');
    const host = await ffmpegHost(room, 'host-2');
    host.start();
    await waitFor(() => recorders.recording === 1, { timeoutMs: 10_000, what: 'the recording to start' });
    const segments: string[] = [];
    recorders.on('segmentstart', (sid, seg) => sid === 'rec-crash' && segments.push(seg.file));
    // Long enough for ffmpeg to have read the stream's parameters (a keyframe) and written its header.
    await new Promise((r) => setTimeout(r, 8000));
    const origin = room.routers[0]!.slot;
    process.kill(origin.worker!.pid, 'SIGKILL');
    // The room re-homes, the ingest comes back on its ports (the encoder keeps sending), and the recorder
    // starts its second segment on the new router.
    await waitFor(() => segments.length === 1 && recorders.recording === 1, {
      timeoutMs: 20_000,
      what: 'the second segment',
    });
    await new Promise((r) => setTimeout(r, 8000));
    const manifest = await recorders.finish('rec-crash');
    await host.stop();
    expect(manifest.segments.map((s) => s.file)).toEqual(['seg-0001.mkv', 'seg-0002.mkv']);
    expect(manifest.segments[0]!.endReason).toBe('gap');
    const second = probe(path.join(dir, 'rec-crash', 'seg-0002.mkv'));
    expect(second.streams.map((s) => s.codec_name).sort()).toEqual(['opus', 'vp8']);

    const index = await transcodeReplay(path.join(dir, 'rec-crash'), manifest, hlsOptions);
    const playlist = await readFile(path.join(dir, 'rec-crash', 'hls', 'replay.m3u8'), 'utf8');
    expect(playlist.match(/#EXT-X-DISCONTINUITY\n/g)).toHaveLength(1);
    expect(index.parts).toHaveLength(2);
    expect(index.parts[1]!.offsetSec).toBeCloseTo(index.parts[0]!.durationSec, 2);
    const hls = probe(path.join(dir, 'rec-crash', 'hls', 'replay.m3u8'));
    expect(hls.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(Number(hls.format.duration)).toBeGreaterThan(10);
  }, 150_000);
});
