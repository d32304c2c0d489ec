// media:restartIce — new ICE parameters for one of the peer's transports (after a network change).
import { parseTransport } from '../schemas.ts';
import { type InRoom, json } from '../types.ts';

export const restartIceHandler = (inRoom: InRoom) =>
  inRoom(parseTransport, async (socket, p, room) => ({
    iceParameters: json(await room.restartIce(socket.id, p.transportId)),
  }));
