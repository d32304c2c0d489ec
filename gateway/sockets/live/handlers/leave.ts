// live:leave — a viewer stops watching the session it joined.
import { type SocketHandler, socketHandler } from '../../validate.ts';
import type { LiveContext } from '../context.ts';
import { parseSession } from '../schemas.ts';
import type { LiveSocket } from '../types.ts';

export function leaveHandler(ctx: LiveContext): SocketHandler<LiveSocket> {
  return socketHandler(ctx.deps.counters, parseSession, (socket: LiveSocket, p) => {
    ctx.joined(socket, p.sessionId);
    ctx.leave(socket);
  });
}
