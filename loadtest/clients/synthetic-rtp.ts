// A synthetic live host for tests and benchmarks: Opus-shaped audio and VP8 video RTP (real VP8
// payload descriptors and keyframes) sent from a UDP socket to an RTP ingest, paced in real time.
// It answers PLI/FIR with a keyframe on the next frame, as an encoder would.
import dgram from 'node:dgram';
import { rtpPacket } from './rtp.ts';

export const AUDIO_PT = 100;
export const VIDEO_PT = 101;

/** The rtpParameters a PlainTransport producer needs for this stream. */
export function syntheticRtpParameters(ssrc: { audio: number; video: number }) {
  return {
    audio: {
      codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48000, channels: 2 }],
      encodings: [{ ssrc: ssrc.audio }],
    },
    video: {
      codecs: [
        {
          mimeType: 'video/VP8',
          payloadType: VIDEO_PT,
          clockRate: 90000,
          // Without these the SFU has no way to ask this sender for a keyframe.
          rtcpFeedback: [
            { type: 'nack', parameter: 'pli' },
            { type: 'ccm', parameter: 'fir' },
          ],
        },
      ],
      encodings: [{ ssrc: ssrc.video }],
    },
  };
}

export interface SyntheticHostOptions {
  ip: string;
  port: number;
  ssrc: { audio: number; video: number };
  /** @default 30 */
  fps?: number;
  /** RTP packets per video frame. @default 3 (≈ 0.95 Mbps with 1300-byte packets at 30 fps) */
  packetsPerFrame?: number;
  /** Video RTP payload size in bytes. @default 1300 */
  videoPayloadBytes?: number;
  /** A keyframe at least this often. @default 2000 ms */
  keyframeIntervalMs?: number;
}

export class SyntheticHost {
  readonly #opts: Required<Omit<SyntheticHostOptions, 'ssrc' | 'ip' | 'port'>> & SyntheticHostOptions;
  readonly #socket = dgram.createSocket('udp4');
  #target: { ip: string; port: number };
  #timer: NodeJS.Timeout | undefined;
  #videoSeq = 1;
  #audioSeq = 1;
  #frame = 0;
  #audioFrames = 0;
  #startedAt = 0;
  #lastKeyframeAt = Number.NEGATIVE_INFINITY;
  #keyframeRequested = true;
  readonly sent = { audio: 0, video: 0, keyframes: 0, keyframeRequests: 0 };

  constructor(opts: SyntheticHostOptions) {
    this.#opts = {
      fps: 30,
      packetsPerFrame: 3,
      videoPayloadBytes: 1300,
      keyframeIntervalMs: 2000,
      ...opts,
    };
    this.#target = { ip: opts.ip, port: opts.port };
    this.#socket.on('message', (msg) => this.#onRtcp(msg));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#socket.bind(0, '127.0.0.1', resolve));
    this.#startedAt = performance.now();
    // A 5 ms tick sends whatever is due: video frames at fps, audio every 20 ms.
    this.#timer = setInterval(() => this.#tick(), 5);
  }

  /** Stops sending without closing the socket; resume() continues the same streams. */
  pause(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  resume(): void {
    if (this.#timer) return;
    // Re-anchor the clock so the paused time is not sent as a burst.
    this.#startedAt = performance.now() - (this.#frame * 1000) / this.#opts.fps;
    this.#audioFrames = Math.floor((this.#frame * 1000) / this.#opts.fps / 20);
    this.#timer = setInterval(() => this.#tick(), 5);
  }

  /** Points the stream somewhere else (a new ingest port). */
  retarget(ip: string, port: number): void {
    this.#target = { ip, port };
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  close(): void {
    this.stop();
    this.#socket.close();
  }

  #tick(): void {
    const elapsed = performance.now() - this.#startedAt;
    const framesDue = Math.floor((elapsed * this.#opts.fps) / 1000) + 1;
    while (this.#frame < framesDue) this.#sendFrame(elapsed);
    const audioDue = Math.floor(elapsed / 20) + 1;
    while (this.#audioFrames < audioDue) this.#sendAudio();
  }

  #sendFrame(now: number): void {
    const key = this.#keyframeRequested || now - this.#lastKeyframeAt >= this.#opts.keyframeIntervalMs;
    if (key) {
      this.#keyframeRequested = false;
      this.#lastKeyframeAt = now;
      this.sent.keyframes++;
    }
    const pictureId = this.#frame & 0x7fff;
    const timestamp = (this.#frame * Math.round(90000 / this.#opts.fps)) >>> 0;
    const n = this.#opts.packetsPerFrame;
    for (let i = 0; i < n; i++) {
      const payload = Buffer.alloc(this.#opts.videoPayloadBytes, this.#frame & 0xff);
      // VP8 payload descriptor (RFC 7741 §4.2): X=1, S on the first packet, partition 0.
      payload[0] = 0x80 | (i === 0 ? 0x10 : 0);
      payload[1] = 0xe0; // I (picture id), L (TL0PICIDX), T (temporal index) present
      payload[2] = 0x80 | (pictureId >> 8); // 15-bit picture id
      payload[3] = pictureId & 0xff;
      payload[4] = this.#frame & 0xff; // TL0PICIDX
      payload[5] = 0x20; // TID 0, Y=1
      if (i === 0) {
        // VP8 payload header (RFC 7741 §4.3): P bit 0 marks a keyframe, which starts with the
        // 0x9d 0x01 0x2a start code and 14-bit width/height (1280x720).
        payload[6] = key ? 0x10 : 0x11;
        payload[7] = 0x00;
        payload[8] = 0x00;
        if (key) {
          payload.set([0x9d, 0x01, 0x2a, 0x00, 0x05, 0xd0, 0x02], 9);
        }
      }
      const header = {
        payloadType: VIDEO_PT,
        sequenceNumber: this.#videoSeq++,
        timestamp,
        ssrc: this.#opts.ssrc.video,
        marker: i === n - 1,
      };
      this.#send(rtpPacket(header, payload));
      this.sent.video++;
    }
    this.#frame++;
  }

  #sendAudio(): void {
    const payload = Buffer.alloc(120, this.#audioFrames & 0xff);
    payload[0] = 0xfc; // Opus TOC: CELT fullband 20 ms, one frame
    const ts = (this.#audioFrames * 960) >>> 0;
    const header = {
      payloadType: AUDIO_PT,
      sequenceNumber: this.#audioSeq++,
      timestamp: ts,
      ssrc: this.#opts.ssrc.audio,
    };
    this.#send(rtpPacket(header, payload));
    this.#audioFrames++;
    this.sent.audio++;
  }

  #send(buf: Buffer): void {
    this.#socket.send(buf, this.#target.port, this.#target.ip);
  }

  // RTCP compound packets: PSFB (206) with FMT 1 (PLI) or 4 (FIR) asks for a keyframe.
  #onRtcp(msg: Buffer): void {
    let off = 0;
    while (off + 4 <= msg.length) {
      const fmt = msg[off]! & 0x1f;
      const pt = msg[off + 1]!;
      const words = msg.readUInt16BE(off + 2);
      if (pt === 206 && (fmt === 1 || fmt === 4)) {
        this.#keyframeRequested = true;
        this.sent.keyframeRequests++;
      }
      off += (words + 1) * 4;
    }
  }
}
