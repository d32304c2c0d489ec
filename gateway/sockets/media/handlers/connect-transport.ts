// media:connectTransport — the client's DTLS parameters for one of its transports.
import type { types as ms } from 'mediasoup';
import { parseConnect } from '../schemas.ts';
import type { InRoom } from '../types.ts';

export const connectTransportHandler = (inRoom: InRoom) =>
  inRoom(parseConnect, async (socket, p, room) => {
    await room.connectTransport(socket.id, p.transportId, {
      dtlsParameters: p.dtlsParameters as ms.DtlsParameters,
    });
    return null;
  });
