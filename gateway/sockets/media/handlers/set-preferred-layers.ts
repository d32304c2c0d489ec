// media:setPreferredLayers — a viewer asks for a lower or higher simulcast layer.
import { parseLayers } from '../schemas.ts';
import type { InRoom } from '../types.ts';

export const setPreferredLayersHandler = (inRoom: InRoom) =>
  inRoom(parseLayers, async (socket, p, room) => {
    const { sessionId: _s, consumerId, ...hint } = p;
    return { spatialLayer: await room.setPreferredLayers(socket.id, consumerId, hint) };
  });
