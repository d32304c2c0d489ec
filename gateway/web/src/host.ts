// Minimal host page: camera + microphone published to the session's media room, video as 3 VP8
// simulcast layers. Re-publishes when the SFU asks to reconnect.
import type { types } from 'mediasoup-client';
import { loadDevice, mediasoupJson, pageParams, Signalling, status } from './signalling.ts';

const { sessionId } = pageParams();
const sig = new Signalling();
const state = { sendTransport: 'new', producers: 0, error: '', publishes: 0 };
(window as unknown as { vitaliveHost: typeof state }).vitaliveHost = state;

// 180p / 360p / 720p from a 1280x720 camera.
const SIMULCAST: RTCRtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
];

let stream: MediaStream | undefined;
let transport: types.Transport | undefined;

async function publish(): Promise<void> {
  transport?.close();
  state.publishes++;
  const joined = await sig.ask('media:join', { sessionId });
  if (joined.role !== 'host') throw new Error('only the host of this session can publish');
  const device = await loadDevice(joined.routerRtpCapabilities);
  const params = await sig.ask('media:createTransport', { sessionId, type: 'webrtc' });
  const t = device.createSendTransport(mediasoupJson<types.TransportOptions>(params));
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
  t.on('produce', ({ kind, rtpParameters }, done, fail) => {
    sig
      .ask('media:produce', {
        sessionId,
        transportId: t.id,
        kind,
        rtpParameters: mediasoupJson<Record<string, unknown>>(rtpParameters),
      })
      .then(done, fail);
  });
  t.on('connectionstatechange', (s) => {
    state.sendTransport = s;
    status(`transport ${s}`);
  });
  stream ??= await navigator.mediaDevices.getUserMedia({
    audio: true,
    video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
  });
  (document.getElementById('preview') as HTMLVideoElement).srcObject = stream;
  const video = stream.getVideoTracks()[0];
  const audio = stream.getAudioTracks()[0];
  const vp8 = device.rtpCapabilities.codecs?.find((c) => c.mimeType.toLowerCase() === 'video/vp8');
  if (video) {
    // The camera outlives a transport: after a reconnect the same tracks are published again.
    await t.produce({
      track: video,
      encodings: SIMULCAST,
      stopTracks: false,
      ...(vp8 ? { codec: vp8 } : {}),
    });
    state.producers++;
  }
  if (audio) {
    await t.produce({ track: audio, stopTracks: false });
    state.producers++;
  }
}

sig.socket.on('media:reconnect', () => {
  state.producers = 0;
  publish().catch(fail);
});

function fail(err: unknown): void {
  state.error = String(err instanceof Error ? err.message : err);
  status(`error: ${state.error}`);
}

publish().catch(fail);
