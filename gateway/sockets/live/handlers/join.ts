// live:join — a viewer starts watching a session: budget, snapshot, a signed viewer id, presence and
// the event log; answers the snapshot (with the person's "for you" cards).
import { type SocketHandler, socketHandler } from '../../validate.ts';
import type { LiveContext } from '../context.ts';
import { sessionRoom } from '../rooms.ts';
import { parseJoin } from '../schemas.ts';
import type { LiveSocket } from '../types.ts';

export function joinHandler(ctx: LiveContext): SocketHandler<LiveSocket> {
  const { deps } = ctx;
  return socketHandler(
    deps.counters,
    parseJoin,
    async (socket: LiveSocket, p) => {
      ctx.spend(socket, 'join');
      const snap = await ctx.snapshot(p.sessionId);
      if (socket.data.live) ctx.leave(socket);
      const { viewerId } = deps.viewerIds.accept(p.viewerId);
      const personId = ctx.personOf(socket);
      if (personId) await deps.viewers.link(viewerId, personId);
      socket.data.live = {
        sessionId: p.sessionId,
        viewerId,
        ref: p.ref ?? null,
        ch: p.ch ?? null,
      };
      await socket.join(sessionRoom(p.sessionId));
      deps.presence.add(p.sessionId, viewerId);
      deps.viewers.log.record({
        sessionId: p.sessionId,
        type: 'live.join',
        viewerId,
        personId,
        refCode: p.ref,
        chCode: p.ch,
      });
      return {
        ...snap,
        ...(await ctx.forYou(personId, p.sessionId)),
        viewers: deps.presence.count(p.sessionId),
        viewerId,
      };
    },
    ctx.onError,
  );
}
