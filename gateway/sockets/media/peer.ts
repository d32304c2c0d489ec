// A /media socket as a peer of one session's room: the check every room event goes through (the
// socket joined that very session's room), and leaving it.
import type { LiveRoom } from '../../../media/index.ts';
import { VitaliveError } from '../../../protocols/index.ts';
import { socketHandler } from '../validate.ts';
import type { InRoom, MediaNamespaceDeps, MediaSocket } from './types.ts';

export const mediaRoom = (sessionId: string) => `m:${sessionId}`;

/** The room this socket joined; any other session id is refused. */
function joined(deps: MediaNamespaceDeps, socket: MediaSocket, sessionId: string): LiveRoom {
  const room = socket.data.mediaSession === sessionId ? deps.rooms.get(sessionId) : undefined;
  if (!room?.hasPeer(socket.id)) throw new VitaliveError('MEDIA_NOT_JOINED', { sessionId });
  return room;
}

export function leaveRoom(deps: MediaNamespaceDeps, socket: MediaSocket): void {
  const sessionId = socket.data.mediaSession;
  if (!sessionId) return;
  socket.data.mediaSession = undefined;
  deps.rooms.get(sessionId)?.leave(socket.id);
  void socket.leave(mediaRoom(sessionId));
}

export const mediaHandlerError = (deps: MediaNamespaceDeps) => (err: unknown) =>
  deps.logger.error({ err }, 'media handler failed');

/** Validation, the joined-room check, the answer and error counting, applied once for every room event. */
export function inRoom(deps: MediaNamespaceDeps): InRoom {
  const onError = mediaHandlerError(deps);
  return (parse, fn) =>
    socketHandler(
      deps.counters,
      parse,
      (socket: MediaSocket, p) => fn(socket, p, joined(deps, socket, p.sessionId)),
      onError,
    );
}
