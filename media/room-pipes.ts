// Pipes between media nodes: a PipeTransport on a room's origin router, the host's producers sent out
// over it (pipe consumers carry every simulcast layer), and producers received from another node's
// origin served to this room's viewers as if the host published here.
import type { types as ms } from 'mediasoup';

/** One end of a pipe as the other node needs it to connect. */
export interface PipeEndpoint {
  ip: string;
  port: number;
  srtpParameters: ms.SrtpParameters | undefined;
}

/** A host producer as it crosses a pipe: the edge re-creates it with the same id. */
export interface PipedProducer {
  producerId: string;
  kind: ms.MediaKind;
  rtpParameters: ms.RtpParameters;
  paused: boolean;
}

export interface PipeListen {
  listenIp: string;
  announcedAddress: string | undefined;
}

/** A pipe transport with SRTP (the link between hosts may be public) and RTX (lost packets are repaired). */
export async function createPipe(router: ms.Router, listen: PipeListen): Promise<ms.PipeTransport> {
  return router.createPipeTransport({
    listenIp: { ip: listen.listenIp, announcedIp: listen.announcedAddress },
    enableRtx: true,
    enableSrtp: true,
  });
}

export function endpointOf(transport: ms.PipeTransport, listen: PipeListen): PipeEndpoint {
  return {
    ip: listen.announcedAddress ?? transport.tuple.localIp,
    port: transport.tuple.localPort,
    srtpParameters: transport.srtpParameters,
  };
}

/** Origin side: a pipe consumer of one host producer; what the edge needs to re-create it. */
export async function sendOverPipe(transport: ms.PipeTransport, producerId: string): Promise<PipedProducer> {
  const consumer = await transport.consume({ producerId });
  return {
    producerId,
    kind: consumer.kind,
    rtpParameters: consumer.rtpParameters,
    paused: consumer.producerPaused,
  };
}
