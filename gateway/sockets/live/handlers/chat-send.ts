// chat:send — a joined viewer writes to the session's chat; the chat composes (limits, mutes, name)
// and the message goes to everyone watching.
import { type SocketHandler, socketHandler } from '../../validate.ts';
import type { LiveContext } from '../context.ts';
import { sessionRoom } from '../rooms.ts';
import { parseChat } from '../schemas.ts';
import type { LiveSocket } from '../types.ts';

export function chatSendHandler(ctx: LiveContext): SocketHandler<LiveSocket> {
  const { deps } = ctx;
  return socketHandler(
    deps.counters,
    parseChat,
    async (socket: LiveSocket, p) => {
      const live = ctx.joined(socket, p.sessionId);
      const message = await deps.chat.compose(
        {
          socketId: socket.id,
          ip: socket.handshake.address,
          sessionId: p.sessionId,
          viewerId: live.viewerId,
          personId: ctx.personOf(socket),
        },
        p.text,
      );
      deps.nsp.to(sessionRoom(p.sessionId)).emit('chat:message', message);
      return { id: message.id };
    },
    ctx.onError,
  );
}
