// The video call of one consultation (?c=<consultationId>), the same page for the member and the
// expert: asks the API for a pass (only the booking's two people get one, only while the call is open),
// joins the /consult room with it, publishes the camera and microphone and plays the other side. The
// expert also sees the member's readings beside the video (the API returns them only with the member's
// consent, and logs each read).
import type { types } from 'mediasoup-client';
import { io, type Socket } from 'socket.io-client';
import type {
  ConsultClientToServer,
  ConsultServerToClient,
  PersonTimelineWire,
  VideoPass,
} from '../../../protocols/index.ts';
import { auth } from './common/api.ts';
import { ask } from './common/socket.ts';
import { loadDevice, mediasoupJson, status, TAB_TOKEN_KEY } from './signalling.ts';

type ConsultSocket = Socket<ConsultServerToClient, ConsultClientToServer>;

const consultationId = new URLSearchParams(location.search).get('c') ?? '';
const remoteEl = document.getElementById('remote') as HTMLVideoElement;
const localEl = document.getElementById('local') as HTMLVideoElement;
const readingsEl = document.getElementById('readings') as HTMLElement;
const remote = new MediaStream();
remoteEl.srcObject = remote;
const consumers = new Map<string, types.Consumer>();

const view = {
  side: undefined as 'member' | 'expert' | undefined,
  error: '',
  producers: 0,
  joins: 0,
  readings: -1,
  /** Frames of the other side's video decoded here. */
  async framesDecoded(): Promise<number> {
    for (const c of consumers.values()) {
      if (c.kind !== 'video') continue;
      for (const s of (await c.getStats()).values())
        if (s.type === 'inbound-rtp') return s.framesDecoded ?? 0;
    }
    return 0;
  },
};
(window as unknown as { vitaliveConsult: typeof view }).vitaliveConsult = view;

/** The signed-in session's token (refresh cookie), else one a harness left in this tab. */
async function accessToken(): Promise<string | undefined> {
  const session = await auth.restore();
  if (session) return session.accessToken;
  try {
    return sessionStorage.getItem(TAB_TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

async function apiCall<T>(method: string, path: string, token: string): Promise<T> {
  const res = await fetch(path, { method, headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json().catch(() => ({}))) as T & { code?: string; message?: string };
  if (!res.ok) throw new Error(`${body.code ?? res.status}: ${body.message ?? ''}`);
  return body;
}

function fail(err: unknown): void {
  view.error = err instanceof Error ? err.message : String(err);
  status(view.error);
}

/** The member's latest reading per metric, newest first (the API sends them only with consent). */
function showReadings(t: PersonTimelineWire): void {
  readingsEl.hidden = false;
  readingsEl.replaceChildren();
  const h = document.createElement('h3');
  h.textContent = t.displayName;
  readingsEl.append(h);
  if (!t.readings) {
    const p = document.createElement('p');
    p.textContent = t.healthDataConsent ? 'No readings yet.' : 'No consent to share readings.';
    readingsEl.append(p);
    view.readings = 0;
    return;
  }
  const latest = new Map<string, { value: number; measuredAtMs: number }>();
  for (const r of [...t.readings].sort((a, b) => b.measuredAtMs - a.measuredAtMs))
    if (!latest.has(r.metric)) latest.set(r.metric, r);
  const table = document.createElement('table');
  for (const [metric, r] of latest) {
    const row = table.insertRow();
    row.insertCell().textContent = metric;
    row.insertCell().textContent = String(r.value);
    row.insertCell().textContent = new Date(r.measuredAtMs).toLocaleString();
  }
  readingsEl.append(table);
  view.readings = t.readings.length;
}

async function start(): Promise<void> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(consultationId)) throw new Error('no consultation in the address');
  const token = await accessToken();
  if (!token) throw new Error('sign in first');
  const pass = await apiCall<VideoPass>('POST', `/api/consultations/${consultationId}/video`, token);
  view.side = pass.side;
  if (pass.side === 'expert')
    void apiCall<PersonTimelineWire>('GET', `/api/expert/people/${pass.memberId}`, token).then(
      showReadings,
      fail,
    );
  const camera = await navigator.mediaDevices.getUserMedia({
    audio: true,
    video: { width: { ideal: 640 }, height: { ideal: 360 } },
  });
  localEl.srcObject = camera;
  const socket: ConsultSocket = io('/consult', { transports: ['websocket'], auth: { pass: pass.pass } });
  let device: types.Device | undefined;
  let recv: types.Transport | undefined;

  const consume = async (producerId: string) => {
    if (!recv || !device) return;
    const c = await ask(socket, 'consult:consume', {
      consultationId,
      transportId: recv.id,
      producerId,
      rtpCapabilities: mediasoupJson<Record<string, unknown>>(device.rtpCapabilities),
    });
    const consumer = await recv.consume(mediasoupJson<types.ConsumerOptions>(c));
    consumers.set(consumer.id, consumer);
    remote.addTrack(consumer.track);
    await ask(socket, 'consult:resume', { consultationId, consumerId: consumer.id });
    void remoteEl.play().catch(() => undefined);
  };
  const transport = async (kind: 'send' | 'recv') => {
    const params = await ask(socket, 'consult:createTransport', { consultationId });
    const options = mediasoupJson<types.TransportOptions>(params);
    const t = kind === 'send' ? device!.createSendTransport(options) : device!.createRecvTransport(options);
    t.on('connect', ({ dtlsParameters }, done, failed) => {
      ask(socket, 'consult:connectTransport', {
        consultationId,
        transportId: t.id,
        dtlsParameters: mediasoupJson<Record<string, unknown>>(dtlsParameters),
      }).then(() => done(), failed);
    });
    return t;
  };
  const join = async () => {
    for (const c of consumers.values()) {
      remote.removeTrack(c.track);
      c.close();
    }
    consumers.clear();
    view.joins++;
    const joined = await ask(socket, 'consult:join', { consultationId });
    device ??= await loadDevice(joined.routerRtpCapabilities);
    const send = await transport('send');
    send.on('produce', ({ kind, rtpParameters }, done, failed) => {
      ask(socket, 'consult:produce', {
        consultationId,
        transportId: send.id,
        kind,
        rtpParameters: mediasoupJson<Record<string, unknown>>(rtpParameters),
      }).then(done, failed);
    });
    recv = await transport('recv');
    view.producers = 0;
    for (const track of camera.getTracks()) {
      await send.produce({ track, stopTracks: false });
      view.producers++;
    }
    // The other side's tracks may have arrived while this side was publishing.
    status(joined.producers.length > 0 || consumers.size > 0 ? 'in the call' : 'waiting for the other side…');
    for (const p of joined.producers) await consume(p.producerId);
  };

  socket.on('consult:producer', (p) => {
    status('in the call');
    consume(p.producerId).catch(fail);
  });
  socket.on('consult:producerClosed', (p) => {
    for (const c of consumers.values()) {
      if (c.producerId !== p.producerId) continue;
      remote.removeTrack(c.track);
      c.close();
      consumers.delete(c.id);
    }
  });
  socket.on('consult:peerLeft', () => status('the other side left; waiting…'));
  socket.on('consult:closed', (p) => {
    // A worker restart: join again. The call having ended (cancelled, moved, over): say so.
    if (p.reason === 'closed') join().catch(fail);
    else status(p.reason);
  });
  socket.on('connect_error', (err: Error & { data?: { code?: string; message?: string } }) =>
    fail(new Error(`${err.data?.code ?? 'NETWORK_ERROR'}: ${err.data?.message ?? err.message}`)),
  );
  socket.on('connect', () => {
    join().catch(fail);
  });
}

start().catch(fail);
