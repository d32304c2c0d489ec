// media:leave — the peer leaves the room it joined (its transports close with it).
import { leaveRoom } from '../peer.ts';
import { parseSession } from '../schemas.ts';
import type { InRoom, MediaNamespaceDeps } from '../types.ts';

export const mediaLeaveHandler = (inRoom: InRoom, deps: MediaNamespaceDeps) =>
  inRoom(parseSession, async (socket) => {
    leaveRoom(deps, socket);
    return null;
  });
