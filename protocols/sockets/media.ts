// The /media namespace contract (WebRTC signalling for live video). mediasoup's parameter objects
// travel as JSON and are typed here only as objects; the SFU validates them in depth. A socket is in
// at most one media room at a time, the one it joined.
import type { Ack } from './ack.ts';

/** mediasoup RtpCapabilities / RtpParameters / DtlsParameters / IceParameters / IceCandidate. */
export type MediaJson = Record<string, unknown>;

export type MediaKind = 'audio' | 'video';

export interface MediaJoinReply {
  role: 'host' | 'viewer';
  routerRtpCapabilities: MediaJson;
  /** Host producers a viewer can consume right away; later ones arrive as `media:producer`. */
  producers: Array<{ producerId: string; kind: MediaKind }>;
}

export interface WebRtcTransportReply {
  id: string;
  iceParameters: MediaJson;
  iceCandidates: MediaJson[];
  dtlsParameters: MediaJson;
}

/** RTP ingest for the host (OBS/ffmpeg send RTP here; the address is learnt from the first packet). */
export interface PlainTransportReply {
  id: string;
  ip: string;
  port: number;
}

export interface ConsumeReply {
  id: string;
  producerId: string;
  kind: MediaKind;
  rtpParameters: MediaJson;
}

/** The client's layer hint: the size it shows the video at and, optionally, its own bandwidth. */
export interface LayerHintPayload {
  viewportHeight?: number;
  maxSpatialLayer?: number;
  bandwidthBps?: number;
}

export interface MediaClientToServer {
  'media:join': (p: { sessionId: string }, ack: Ack<MediaJoinReply>) => void;
  'media:getRouterRtpCapabilities': (p: { sessionId: string }, ack: Ack<MediaJson>) => void;
  'media:createTransport': (
    p: { sessionId: string; type: 'webrtc' | 'plain' },
    ack: Ack<WebRtcTransportReply | PlainTransportReply>,
  ) => void;
  'media:connectTransport': (
    p: { sessionId: string; transportId: string; dtlsParameters: MediaJson },
    ack: Ack<null>,
  ) => void;
  'media:produce': (
    p: { sessionId: string; transportId: string; kind: MediaKind; rtpParameters: MediaJson },
    ack: Ack<{ id: string }>,
  ) => void;
  'media:consume': (
    p: {
      sessionId: string;
      transportId: string;
      producerId: string;
      rtpCapabilities: MediaJson;
      hint?: LayerHintPayload;
    },
    ack: Ack<ConsumeReply>,
  ) => void;
  'media:resume': (p: { sessionId: string; consumerId: string }, ack: Ack<null>) => void;
  'media:setPreferredLayers': (
    p: { sessionId: string; consumerId: string } & LayerHintPayload,
    ack: Ack<{ spatialLayer: number }>,
  ) => void;
  'media:restartIce': (
    p: { sessionId: string; transportId: string },
    ack: Ack<{ iceParameters: MediaJson }>,
  ) => void;
  'media:leave': (p: { sessionId: string }, ack?: Ack<null>) => void;
  /** The host's stream health from the SFU (host only; figures at most 2 s old). */
  'media:stats': (p: { sessionId: string }, ack: Ack<MediaRoomStats>) => void;
}

/** One live room as the SFU measures it. */
export interface MediaRoomStats {
  sessionId: string;
  producers: number;
  consumers: number;
  bitrateInBps: number;
  bitrateOutBps: number;
  /** Mean fraction of packets lost as reported by receivers (0..1). */
  lossFraction: number;
  rttMs: number;
}

export interface MediaServerToClient {
  /** The SFU lost what carried this client (worker restart): create transports again and resume. */
  'media:reconnect': (p: { sessionId: string; reason: string }) => void;
  'media:producer': (p: { sessionId: string; producerId: string; kind: MediaKind }) => void;
  'media:producerClosed': (p: { sessionId: string; producerId: string }) => void;
  'media:consumerClosed': (p: { sessionId: string; consumerId: string }) => void;
  /** The session ended: every transport of this room is gone. */
  'media:roomClosed': (p: { sessionId: string }) => void;
  /**
   * The node the host published to is gone (the session has not ended): this room's producers are gone,
   * the socket stays, and the host's producers arrive again as `media:producer` once the host publishes
   * to another node.
   */
  'media:originLost': (p: { sessionId: string }) => void;
}
