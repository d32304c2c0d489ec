// media:produce — the host sends a track; their token and current state are checked again first.
import type { types as ms } from 'mediasoup';
import { parseProduce } from '../schemas.ts';
import type { InRoom, MediaNamespaceDeps } from '../types.ts';

export const produceHandler = (inRoom: InRoom, deps: MediaNamespaceDeps) =>
  inRoom(parseProduce, async (socket, p, room) => {
    const principal = socket.data.principal;
    if (principal) await deps.access?.current(principal);
    return room.produce(socket.id, {
      transportId: p.transportId,
      kind: p.kind,
      rtpParameters: p.rtpParameters as ms.RtpParameters,
    });
  });
