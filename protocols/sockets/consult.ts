// The /consult namespace contract: WebRTC signalling for a consultation's private two-way video call.
// The handshake carries a consultation pass (`auth.pass`, from POST /api/consultations/:id/video), not an
// access token; the socket may only ever join the consultation its pass names, on its pass's side.
import type { Ack } from './ack.ts';
import type { ConsumeReply, MediaJson, MediaKind, WebRtcTransportReply } from './media.ts';

export type ConsultSide = 'member' | 'expert';

export interface ConsultJoinReply {
  side: ConsultSide;
  routerRtpCapabilities: MediaJson;
  /** The other side's tracks already published; later ones arrive as `consult:producer`. */
  producers: Array<{ producerId: string; kind: MediaKind }>;
}

export interface ConsultClientToServer {
  'consult:join': (p: { consultationId: string }, ack: Ack<ConsultJoinReply>) => void;
  'consult:createTransport': (p: { consultationId: string }, ack: Ack<WebRtcTransportReply>) => void;
  'consult:connectTransport': (
    p: { consultationId: string; transportId: string; dtlsParameters: MediaJson },
    ack: Ack<null>,
  ) => void;
  'consult:produce': (
    p: { consultationId: string; transportId: string; kind: MediaKind; rtpParameters: MediaJson },
    ack: Ack<{ id: string }>,
  ) => void;
  'consult:consume': (
    p: { consultationId: string; transportId: string; producerId: string; rtpCapabilities: MediaJson },
    ack: Ack<ConsumeReply>,
  ) => void;
  'consult:resume': (p: { consultationId: string; consumerId: string }, ack: Ack<null>) => void;
  'consult:leave': (p: { consultationId: string }, ack?: Ack<null>) => void;
}

export interface ConsultServerToClient {
  /** The other side published a track. */
  'consult:producer': (p: { consultationId: string; producerId: string; kind: MediaKind }) => void;
  'consult:producerClosed': (p: { consultationId: string; producerId: string }) => void;
  /** The other side left (or reloaded: it joins again). */
  'consult:peerLeft': (p: { consultationId: string; side: ConsultSide }) => void;
  /** The room closed (the call ended, or its media worker died): join again to reopen it. */
  'consult:closed': (p: { consultationId: string; reason: string }) => void;
}
