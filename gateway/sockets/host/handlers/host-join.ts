// host:join — the console of a session's host (or staff) subscribes to the session's host room.
import type { HostGuard } from '../guard.ts';
import { hostRoom } from '../rooms.ts';
import { parseSession } from '../schemas.ts';

export const hostJoinHandler = (guarded: HostGuard) =>
  guarded(parseSession, async (socket, p) => {
    await socket.join(hostRoom(p.sessionId));
    return { sessionId: p.sessionId };
  });
