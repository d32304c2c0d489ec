// live:auth — logging in during a session: the socket becomes the person's, and the viewer id is
// linked to them so the funnel counts one unique viewer and the purchase is attributed.
import { type SocketHandler, socketHandler } from '../../validate.ts';
import type { LiveContext } from '../context.ts';
import { personRoom } from '../rooms.ts';
import { parseAuth } from '../schemas.ts';
import type { LiveSocket } from '../types.ts';

export function authHandler(ctx: LiveContext): SocketHandler<LiveSocket> {
  const { deps } = ctx;
  return socketHandler(
    deps.counters,
    parseAuth,
    async (socket: LiveSocket, p) => {
      const next = await deps.authenticate(p.token);
      const before = socket.data.principal;
      if (before && before.personId !== next.personId) await socket.leave(personRoom(before.personId));
      socket.data.principal = next;
      await socket.join(personRoom(next.personId));
      const live = socket.data.live;
      if (live) await deps.viewers.link(live.viewerId, next.personId);
      return { personId: next.personId };
    },
    ctx.onError,
  );
}
