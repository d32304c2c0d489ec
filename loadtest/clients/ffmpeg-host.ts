// A live host whose media decoders accept: ffmpeg encodes its test pattern with libvpx (VP8, a real
// keyframe every second) and a tone with libopus, and sends both as RTP to two RTP ingests of a room
// (one per track, since comedia learns one sender address per transport). For recording tests and the
// media bench's recording run.
import { type ChildProcess, spawn } from 'node:child_process';
import type { types as ms } from 'mediasoup';
import { AUDIO_PT, syntheticRtpParameters, VIDEO_PT } from './synthetic-rtp.ts';

/** What the host needs of a live room (its RTP ingest): the room's own methods, by shape. */
export interface IngestRoom {
  join(peerId: string, role: 'host'): void;
  createPlainTransport(peerId: string): Promise<{ id: string; ip: string; port: number }>;
  produce(
    peerId: string,
    req: { transportId: string; kind: ms.MediaKind; rtpParameters: ms.RtpParameters },
  ): Promise<{ id: string }>;
}

export interface FfmpegHostOptions {
  /** @default 15 */
  fps?: number;
  /** @default '640x360' */
  size?: string;
  /** @default 'ffmpeg' */
  ffmpegPath?: string;
}

export interface FfmpegHost {
  producerIds: { audio: string; video: string };
  ports: { audio: number; video: number };
  /** Starts the encoder (again, after stop: a new stream into the same ingests). */
  start(): void;
  stop(): Promise<void>;
  readonly pid: number | undefined;
}

export async function ffmpegHost(
  room: IngestRoom,
  hostId: string,
  opts: FfmpegHostOptions = {},
): Promise<FfmpegHost> {
  room.join(hostId, 'host');
  const ssrc = { audio: 0x11110000 + Math.floor(Math.random() * 0xffff), video: 0x22220000 };
  const params = syntheticRtpParameters(ssrc);
  const ta = await room.createPlainTransport(hostId);
  const tv = await room.createPlainTransport(hostId);
  const audio = await room.produce(hostId, {
    transportId: ta.id,
    kind: 'audio',
    rtpParameters: params.audio as ms.RtpParameters,
  });
  const video = await room.produce(hostId, {
    transportId: tv.id,
    kind: 'video',
    rtpParameters: params.video as ms.RtpParameters,
  });
  const fps = opts.fps ?? 15;
  const args = [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-re'],
    ...['-f', 'lavfi', '-i', `testsrc=size=${opts.size ?? '640x360'}:rate=${fps}`],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
    ...['-map', '0:v', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '600k'],
    ...['-g', String(fps), '-keyint_min', String(fps), '-auto-alt-ref', '0', '-error-resilient', '1'],
    ...['-payload_type', String(VIDEO_PT), '-ssrc', String(ssrc.video)],
    ...['-f', 'rtp', `rtp://${tv.ip}:${tv.port}?pkt_size=1200`],
    ...['-map', '1:a', '-c:a', 'libopus', '-b:a', '48k', '-ac', '2'],
    ...['-payload_type', String(AUDIO_PT), '-ssrc', String(ssrc.audio)],
    ...['-f', 'rtp', `rtp://${ta.ip}:${ta.port}?pkt_size=1200`],
  ];
  let proc: ChildProcess | undefined;
  return {
    producerIds: { audio: audio.id, video: video.id },
    ports: { audio: ta.port, video: tv.port },
    get pid() {
      return proc?.pid;
    },
    start() {
      if (proc && proc.exitCode === null) return;
      proc = spawn(opts.ffmpegPath ?? 'ffmpeg', args, { stdio: ['ignore', 'ignore', 'inherit'] });
    },
    async stop() {
      const p = proc;
      if (!p || p.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        p.once('exit', () => resolve());
        p.kill('SIGKILL');
      });
    },
  };
}
