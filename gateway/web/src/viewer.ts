// Minimal viewer page: consumes the session's audio and video. The server starts it on the lowest
// simulcast layer with a keyframe request, then moves it up to what this video element needs.
import type { types } from 'mediasoup-client';
import { loadDevice, mediasoupJson, pageParams, Signalling, status } from './signalling.ts';

const { sessionId } = pageParams();
const sig = new Signalling();
const videoEl = document.getElementById('video') as HTMLVideoElement;
const consumers = new Map<string, types.Consumer>();
const view = {
  firstFrameMs: undefined as number | undefined,
  error: '',
  /** Times the page (re-)joined the media room: 1, then +1 per reconnect. */
  joins: 0,
  /** framesDecoded of the video consumer's receiver, from getStats(). */
  async framesDecoded(): Promise<number> {
    for (const c of consumers.values()) {
      if (c.kind !== 'video') continue;
      const report = await c.getStats();
      for (const s of report.values()) if (s.type === 'inbound-rtp') return s.framesDecoded ?? 0;
    }
    return 0;
  },
};
(window as unknown as { vitaliveViewer: typeof view }).vitaliveViewer = view;

let device: types.Device | undefined;
let transport: types.Transport | undefined;
const stream = new MediaStream();
videoEl.srcObject = stream;
// performance.now() counts from navigation start: this is navigation → first decoded frame.
videoEl.requestVideoFrameCallback(() => {
  view.firstFrameMs = performance.now();
  status('playing');
});

function hint() {
  const conn = (navigator as { connection?: { downlink?: number } }).connection;
  return {
    viewportHeight: Math.round(videoEl.clientHeight * devicePixelRatio) || 360,
    ...(conn?.downlink ? { bandwidthBps: Math.round(conn.downlink * 1_000_000) } : {}),
  };
}

async function consume(producerId: string): Promise<void> {
  const t = transport;
  if (!t || !device) return;
  const c = await sig.ask('media:consume', {
    sessionId,
    transportId: t.id,
    producerId,
    rtpCapabilities: mediasoupJson<Record<string, unknown>>(device.rtpCapabilities),
    hint: hint(),
  });
  const consumer = await t.consume(mediasoupJson<types.ConsumerOptions>(c));
  consumers.set(consumer.id, consumer);
  stream.addTrack(consumer.track);
  await sig.ask('media:resume', { sessionId, consumerId: consumer.id });
}

async function watch(): Promise<void> {
  transport?.close();
  for (const c of consumers.values()) stream.removeTrack(c.track);
  consumers.clear();
  view.joins++;
  const joined = await sig.ask('media:join', { sessionId });
  device ??= await loadDevice(joined.routerRtpCapabilities);
  const params = await sig.ask('media:createTransport', { sessionId, type: 'webrtc' });
  const t = device.createRecvTransport(mediasoupJson<types.TransportOptions>(params));
  transport = t;
  t.on('connect', ({ dtlsParameters }, done, fail) => {
    sig
      .ask('media:connectTransport', {
        sessionId,
        transportId: t.id,
        dtlsParameters: mediasoupJson<Record<string, unknown>>(dtlsParameters),
      })
      .then(() => done(), fail);
  });
  t.on('connectionstatechange', (s) => {
    status(`transport ${s}`);
    // A network change: new ICE credentials over the same transport.
    if (s === 'disconnected' || s === 'failed') {
      sig
        .ask('media:restartIce', { sessionId, transportId: t.id })
        .then(({ iceParameters }) =>
          t.restartIce({ iceParameters: mediasoupJson<types.IceParameters>(iceParameters) }),
        )
        .catch(fail);
    }
  });
  await Promise.all(joined.producers.map((p) => consume(p.producerId)));
}

sig.socket.on('media:producer', (p) => {
  consume(p.producerId).catch(fail);
});
sig.socket.on('media:consumerClosed', (p) => {
  const c = consumers.get(p.consumerId);
  if (!c) return;
  stream.removeTrack(c.track);
  c.close();
  consumers.delete(p.consumerId);
});
sig.socket.on('media:reconnect', () => {
  watch().catch(fail);
});
sig.socket.on('media:roomClosed', () => status('the live session has ended'));

function fail(err: unknown): void {
  view.error = String(err instanceof Error ? err.message : err);
  status(`error: ${view.error}`);
}

watch().catch(fail);
