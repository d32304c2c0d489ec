// SFU clients driven through the media room's API (what the gateway's /media handlers call): a synthetic
// RTP host publishing through a PlainTransport ingest, and viewers consuming into local UDP sinks.
// The benchmark and the tests share them.
import type { types as ms } from 'mediasoup';
import type { LiveRoom } from '../../media/index.ts';
import { SyntheticHost, syntheticRtpParameters } from './synthetic-rtp.ts';
import { UdpSink } from './udp-sink.ts';

export interface IngestHost {
  source: SyntheticHost;
  producerIds: { audio: string; video: string };
  port: number;
}

/** The host publishes over RTP ingest: audio + VP8 from a synthetic encoder (not started yet). */
export async function ingestHost(room: LiveRoom, hostId: string, fps = 30): Promise<IngestHost> {
  room.join(hostId, 'host');
  const t = await room.createPlainTransport(hostId);
  const ssrc = { audio: 0x11110000 + Math.floor(Math.random() * 0xffff), video: 0x22220000 };
  const params = syntheticRtpParameters(ssrc);
  const audio = await room.produce(hostId, {
    transportId: t.id,
    kind: 'audio',
    rtpParameters: params.audio as ms.RtpParameters,
  });
  const video = await room.produce(hostId, {
    transportId: t.id,
    kind: 'video',
    rtpParameters: params.video as ms.RtpParameters,
  });
  const source = new SyntheticHost({ ip: t.ip, port: t.port, ssrc, fps });
  return { source, producerIds: { audio: audio.id, video: video.id }, port: t.port };
}

export interface PlainViewer {
  peerId: string;
  sink: UdpSink;
  /** Consumer SSRC → kind, as the sink sees them. */
  ssrcs: Map<number, ms.MediaKind>;
}

/** A viewer on a PlainTransport sending to a local UDP sink; consumes every producer and resumes. */
export async function plainViewer(
  room: LiveRoom,
  peerId: string,
  sink?: UdpSink,
  opts: { srtp?: boolean } = {},
): Promise<PlainViewer> {
  const s = sink ?? new UdpSink();
  if (!sink) await s.bind();
  room.join(peerId, 'viewer');
  const viewer: PlainViewer = { peerId, sink: s, ssrcs: new Map() };
  await subscribe(room, viewer, opts);
  return viewer;
}

/** (Re-)creates the viewer's transport and consumers, as a client does after `reconnect`. */
export async function subscribe(room: LiveRoom, viewer: PlainViewer, opts: { srtp?: boolean } = {}) {
  const t = await room.createPlainTransport(viewer.peerId, { srtp: opts.srtp ?? false });
  await room.connectTransport(viewer.peerId, t.id, {
    ip: '127.0.0.1',
    port: viewer.sink.port,
    ...(opts.srtp ? { srtpParameters: randomSrtpParameters() } : {}),
  });
  viewer.ssrcs.clear();
  for (const p of room.producers()) {
    const c = await room.consume(viewer.peerId, {
      transportId: t.id,
      producerId: p.producerId,
      rtpCapabilities: room.routerRtpCapabilities,
    });
    viewer.ssrcs.set(c.rtpParameters.encodings![0]!.ssrc!, c.kind);
    await room.resume(viewer.peerId, c.id);
  }
}

export function randomSrtpParameters(): ms.SrtpParameters {
  // AEAD_AES_128_GCM: 16-byte key + 12-byte salt.
  const key = Buffer.alloc(28);
  for (let i = 0; i < key.length; i++) key[i] = Math.floor(Math.random() * 256);
  return { cryptoSuite: 'AEAD_AES_128_GCM', keyBase64: key.toString('base64') };
}
