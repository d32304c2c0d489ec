// Watches a live session's video: joins the SFU room over /media, consumes the host's producers into
// one MediaStream, and joins again by itself after the socket reconnects or the SFU asks it to. When
// /media drops it asks the gateway for a media node again (the node may be gone) and moves there.
import type { types } from 'mediasoup-client';
import { ApiError } from '../common/errors.ts';
import { ask, connect, type NamespaceSocket } from '../common/socket.ts';
import { loadDevice, mediasoupJson } from '../signalling.ts';

export type PlayerStatus = 'idle' | 'connecting' | 'playing' | 'waiting' | 'ended' | 'error';

export class LivePlayer {
  readonly stream = new MediaStream();
  socket: NamespaceSocket<'/media'>;
  /** Times the player moved to another media node after /media dropped. */
  moves = 0;
  status: PlayerStatus = 'idle';
  error: unknown;
  /** Times the player (re-)joined the media room. */
  joins = 0;
  /** performance.now() of the first decoded frame (navigation → first frame). */
  firstFrameMs: number | undefined;
  onChange: () => void = () => {};
  readonly #sessionId: string;
  readonly #video: HTMLVideoElement;
  readonly #consumers = new Map<string, types.Consumer>();
  #device: types.Device | undefined;
  #transport: types.Transport | undefined;
  #wanted = false;
  #running: Promise<void> | undefined;
  #mediaUrl: string | null;
  readonly #resolveUrl: (() => Promise<string | null>) | undefined;

  /** `resolveUrl` asks the gateway which media node to use now (absent: always `mediaUrl`). */
  constructor(
    sessionId: string,
    video: HTMLVideoElement,
    mediaUrl: string | null,
    resolveUrl?: () => Promise<string | null>,
  ) {
    this.#sessionId = sessionId;
    this.#video = video;
    video.srcObject = this.stream;
    const onFrame = () => {
      this.firstFrameMs ??= performance.now();
      this.#set('playing');
    };
    video.requestVideoFrameCallback(onFrame);
    this.#mediaUrl = mediaUrl;
    this.#resolveUrl = resolveUrl;
    this.socket = this.#open(mediaUrl);
  }

  #open(url: string | null): NamespaceSocket<'/media'> {
    const socket = connect('/media', { url });
    // (Re)connected: the server left the room when the old connection closed, so join again.
    socket.on('connect', () => {
      if (this.#wanted) this.#rejoin();
    });
    // The node may be gone for good: ask the gateway where to go (socket.io keeps retrying meanwhile).
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') this.#relocate(socket);
    });
    socket.on('media:producer', (p: { producerId: string }) => {
      this.#consume(p.producerId).catch((e) => this.#fail(e));
    });
    socket.on('media:consumerClosed', (p: { consumerId: string }) => this.#drop(p.consumerId));
    socket.on('media:reconnect', () => this.#rejoin());
    // The host's node is gone, not the session: wait here for the host to publish again.
    socket.on('media:originLost', () => {
      this.#clear();
      this.#set('waiting');
    });
    socket.on('media:roomClosed', () => {
      this.#clear();
      this.#set('ended');
    });
    return socket;
  }

  #relocate(from: NamespaceSocket<'/media'>): void {
    if (!this.#resolveUrl) return;
    this.#resolveUrl().then(
      (url) => {
        if (this.socket !== from || from.connected || url === this.#mediaUrl) return;
        this.#clear();
        from.close();
        this.#mediaUrl = url;
        this.moves++;
        this.socket = this.#open(url);
      },
      () => undefined,
    );
  }

  /** Starts (or restarts) watching; safe to call again when the session goes live. */
  play(): void {
    this.#wanted = true;
    if (this.socket.connected) this.#rejoin();
  }

  async framesDecoded(): Promise<number> {
    for (const c of this.#consumers.values()) {
      if (c.kind !== 'video') continue;
      for (const s of (await c.getStats()).values())
        if (s.type === 'inbound-rtp') return s.framesDecoded ?? 0;
    }
    return 0;
  }

  close(): void {
    this.#wanted = false;
    this.#clear();
    this.socket.close();
  }

  #set(status: PlayerStatus, error?: unknown) {
    this.status = status;
    this.error = error;
    this.onChange();
  }

  #fail(err: unknown) {
    if (err instanceof ApiError && err.code === 'MEDIA_SESSION_NOT_LIVE') this.#set('waiting');
    else this.#set('error', err);
  }

  #rejoin() {
    // One join at a time; a request made meanwhile runs once the current one settles.
    const run = async () => {
      await this.#running?.catch(() => undefined);
      await this.#watch();
    };
    this.#running = run().catch((e) => this.#fail(e));
  }

  #clear() {
    this.#transport?.close();
    this.#transport = undefined;
    for (const c of this.#consumers.values()) {
      this.stream.removeTrack(c.track);
      c.close();
    }
    this.#consumers.clear();
  }

  #drop(consumerId: string) {
    const c = this.#consumers.get(consumerId);
    if (!c) return;
    this.stream.removeTrack(c.track);
    c.close();
    this.#consumers.delete(consumerId);
  }

  async #watch(): Promise<void> {
    this.#clear();
    this.#set('connecting');
    this.joins++;
    const sessionId = this.#sessionId;
    const joined = await ask(this.socket, 'media:join', { sessionId });
    this.#device ??= await loadDevice(joined.routerRtpCapabilities);
    const params = await ask(this.socket, 'media:createTransport', { sessionId, type: 'webrtc' });
    const t = this.#device.createRecvTransport(mediasoupJson<types.TransportOptions>(params));
    this.#transport = t;
    t.on('connect', ({ dtlsParameters }, done, fail) => {
      const dtls = mediasoupJson<Record<string, unknown>>(dtlsParameters);
      ask(this.socket, 'media:connectTransport', { sessionId, transportId: t.id, dtlsParameters: dtls }).then(
        () => done(),
        fail,
      );
    });
    t.on('connectionstatechange', (s) => {
      // A network change: new ICE credentials over the same transport.
      if (s === 'disconnected' || s === 'failed') {
        ask(this.socket, 'media:restartIce', { sessionId, transportId: t.id })
          .then(({ iceParameters }) =>
            t.restartIce({ iceParameters: mediasoupJson<types.IceParameters>(iceParameters) }),
          )
          .catch(() => this.#rejoin());
      }
    });
    if (joined.producers.length === 0) this.#set('waiting');
    await Promise.all(joined.producers.map((p) => this.#consume(p.producerId)));
  }

  async #consume(producerId: string): Promise<void> {
    const t = this.#transport;
    const device = this.#device;
    if (!t || !device) return;
    const conn = (navigator as { connection?: { downlink?: number } }).connection;
    const c = await ask(this.socket, 'media:consume', {
      sessionId: this.#sessionId,
      transportId: t.id,
      producerId,
      rtpCapabilities: mediasoupJson<Record<string, unknown>>(device.rtpCapabilities),
      hint: {
        viewportHeight: Math.round(this.#video.clientHeight * devicePixelRatio) || 360,
        ...(conn?.downlink ? { bandwidthBps: Math.round(conn.downlink * 1_000_000) } : {}),
      },
    });
    const consumer = await t.consume(mediasoupJson<types.ConsumerOptions>(c));
    this.#consumers.set(consumer.id, consumer);
    this.stream.addTrack(consumer.track);
    await ask(this.socket, 'media:resume', { sessionId: this.#sessionId, consumerId: consumer.id });
    if (consumer.kind === 'video') {
      // A new track: wait for its first frame again (the element keeps playing the same stream).
      this.#video.requestVideoFrameCallback(() => this.#set('playing'));
      void this.#video.play().catch(() => undefined);
    }
  }
}
