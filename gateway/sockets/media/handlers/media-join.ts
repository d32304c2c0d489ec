// media:join — a socket joins a live session's media room: as its host when the token's person hosts
// the session (re-checked against their current state), else as a viewer.
import { VitaliveError } from '../../../../protocols/index.ts';
import { type SocketHandler, socketHandler } from '../../validate.ts';
import { leaveRoom, mediaHandlerError, mediaRoom } from '../peer.ts';
import { parseSession } from '../schemas.ts';
import { json, type MediaNamespaceDeps, type MediaSocket } from '../types.ts';

export function mediaJoinHandler(deps: MediaNamespaceDeps): SocketHandler<MediaSocket> {
  return socketHandler(
    deps.counters,
    parseSession,
    async (socket: MediaSocket, { sessionId }) => {
      const hostId = await deps.sessions.hostOf(sessionId);
      if (hostId === undefined) throw new VitaliveError('MEDIA_SESSION_NOT_LIVE', { sessionId });
      if (socket.data.mediaSession && socket.data.mediaSession !== sessionId) leaveRoom(deps, socket);
      const principal = socket.data.principal;
      const role = principal?.personId === hostId ? 'host' : 'viewer';
      if (role === 'host' && principal) await deps.access?.current(principal);
      // With several media nodes the host publishes only to the session's origin.
      if (role === 'host') await deps.cascade?.hostJoining(sessionId);
      const room = await deps.rooms.open(sessionId, hostId);
      room.join(socket.id, role);
      if (role === 'viewer') deps.cascade?.viewerJoined(sessionId);
      socket.data.mediaSession = sessionId;
      await socket.join(mediaRoom(sessionId));
      return {
        role,
        routerRtpCapabilities: json(room.routerRtpCapabilities),
        producers: room.producers(),
      };
    },
    mediaHandlerError(deps),
  );
}
