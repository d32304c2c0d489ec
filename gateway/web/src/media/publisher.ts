// Publishes the host's camera and microphone to the session's media room (video as three VP8 simulcast
// layers); publishes again after the socket reconnects or the SFU asks; reads stream health.
import type { types } from 'mediasoup-client';
import type { MediaRoomStats } from '../../../../protocols/index.ts';
import { ask, connect } from '../common/socket.ts';
import { loadDevice, mediasoupJson } from '../signalling.ts';

// 180p / 360p / 720p from a 1280x720 camera.
const SIMULCAST: RTCRtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
];

export type PublisherStatus = 'idle' | 'publishing' | 'live' | 'error';

export class LivePublisher {
  readonly socket = connect('/media');
  stream: MediaStream | undefined;
  status: PublisherStatus = 'idle';
  error: unknown;
  producers = 0;
  publishes = 0;
  onChange: () => void = () => {};
  #sessionId: string | undefined;
  #transport: types.Transport | undefined;
  #connectedBefore = false;

  constructor() {
    // A reconnect: the server left the room with the old connection, so publish again.
    this.socket.on('connect', () => {
      if (this.#connectedBefore && this.#sessionId) void this.#publish();
      this.#connectedBefore = true;
    });
    this.socket.on('media:reconnect', () => void this.#publish());
  }

  /** Opens the camera and microphone (once) for the preview. */
  async preview(): Promise<MediaStream> {
    this.stream ??= await navigator.mediaDevices.getUserMedia({
      audio: true,
      video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
    });
    return this.stream;
  }

  /** Starts publishing to a live session's room. */
  start(sessionId: string): Promise<void> {
    this.#sessionId = sessionId;
    return this.#publish();
  }

  stop(): void {
    this.#sessionId = undefined;
    this.#transport?.close();
    this.#transport = undefined;
    this.producers = 0;
    this.#set('idle');
  }

  close(): void {
    this.stop();
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.socket.close();
  }

  /** The SFU's view of this room: bitrate in and out, receivers' loss and round-trip time. */
  stats(): Promise<MediaRoomStats> | undefined {
    if (!this.#sessionId || this.status !== 'live') return undefined;
    return ask(this.socket, 'media:stats', { sessionId: this.#sessionId });
  }

  #set(status: PublisherStatus, error?: unknown) {
    this.status = status;
    this.error = error;
    this.onChange();
  }

  async #publish(): Promise<void> {
    const sessionId = this.#sessionId;
    if (!sessionId) return;
    this.#transport?.close();
    this.producers = 0;
    this.publishes++;
    this.#set('publishing');
    try {
      const joined = await ask(this.socket, 'media:join', { sessionId });
      const device = await loadDevice(joined.routerRtpCapabilities);
      const params = await ask(this.socket, 'media:createTransport', { sessionId, type: 'webrtc' });
      const t = device.createSendTransport(mediasoupJson<types.TransportOptions>(params));
      this.#transport = t;
      t.on('connect', ({ dtlsParameters }, done, fail) => {
        const dtls = mediasoupJson<Record<string, unknown>>(dtlsParameters);
        ask(this.socket, 'media:connectTransport', {
          sessionId,
          transportId: t.id,
          dtlsParameters: dtls,
        }).then(() => done(), fail);
      });
      t.on('produce', ({ kind, rtpParameters }, done, fail) => {
        ask(this.socket, 'media:produce', {
          sessionId,
          transportId: t.id,
          kind,
          rtpParameters: mediasoupJson<Record<string, unknown>>(rtpParameters),
        }).then(done, fail);
      });
      const stream = await this.preview();
      const vp8 = device.rtpCapabilities.codecs?.find((c) => c.mimeType.toLowerCase() === 'video/vp8');
      for (const track of stream.getTracks()) {
        // The camera outlives a transport: after a reconnect the same tracks are published again.
        await t.produce({
          track,
          stopTracks: false,
          ...(track.kind === 'video' ? { encodings: SIMULCAST, ...(vp8 ? { codec: vp8 } : {}) } : {}),
        });
        this.producers++;
      }
      this.#set('live');
    } catch (err) {
      this.#set('error', err);
    }
  }
}
