// chat:delete — the host removes a chat message from every viewer's screen.
import { sessionRoom } from '../../live/rooms.ts';
import type { HostGuard } from '../guard.ts';
import { parseDelete } from '../schemas.ts';
import type { HostNamespaceDeps } from '../types.ts';

export const chatDeleteHandler = (guarded: HostGuard, deps: HostNamespaceDeps) =>
  guarded(parseDelete, async (_socket, p) => {
    deps.chat.removed(p.sessionId, p.messageId);
    deps.live
      .to(sessionRoom(p.sessionId))
      .emit('chat:deleted', { sessionId: p.sessionId, messageId: p.messageId });
    return null;
  });
