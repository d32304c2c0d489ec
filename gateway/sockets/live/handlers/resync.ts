// live:resync — a joined viewer asks for the session's state again (after missing frames).
import { type SocketHandler, socketHandler } from '../../validate.ts';
import type { LiveContext } from '../context.ts';
import { parseSession } from '../schemas.ts';
import type { LiveSocket } from '../types.ts';

export function resyncHandler(ctx: LiveContext): SocketHandler<LiveSocket> {
  return socketHandler(
    ctx.deps.counters,
    parseSession,
    async (socket: LiveSocket, p) => {
      ctx.joined(socket, p.sessionId);
      return {
        ...(await ctx.snapshot(p.sessionId)),
        ...(await ctx.forYou(ctx.personOf(socket), p.sessionId)),
      };
    },
    ctx.onError,
  );
}
