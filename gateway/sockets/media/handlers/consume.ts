// media:consume — a peer receives one of the room's producers (paused until media:resume).
import type { types as ms } from 'mediasoup';
import { parseConsume } from '../schemas.ts';
import { type InRoom, json } from '../types.ts';

export const consumeHandler = (inRoom: InRoom) =>
  inRoom(parseConsume, async (socket, p, room) => {
    const c = await room.consume(socket.id, {
      transportId: p.transportId,
      producerId: p.producerId,
      rtpCapabilities: p.rtpCapabilities as ms.RtpCapabilities,
      hint: p.hint,
    });
    return { id: c.id, producerId: c.producerId, kind: c.kind, rtpParameters: json(c.rtpParameters) };
  });
