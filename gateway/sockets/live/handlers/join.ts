// live:join — a viewer starts watching a session: budget, snapshot, a signed viewer id, presence and
// the event log (the host and staff previews are not counted); answers the snapshot (with the person's
// "for you" cards).
import { type SocketHandler, socketHandler } from '../../validate.ts';
import type { LiveContext } from '../context.ts';
import { sessionRoom } from '../rooms.ts';
import { parseJoin } from '../schemas.ts';
import type { LiveSocket } from '../types.ts';

/**
 * The session's own host (their console follows the session over /live) and staff or admins (a preview)
 * are not its audience: counting them would show "1 watching" to a host alone and halve join → order
 * conversion on the staff dashboard.
 */
function isAudience(socket: LiveSocket, hostPersonId: string): boolean {
  const principal = socket.data.principal;
  if (!principal) return true;
  if (principal.personId === hostPersonId) return false;
  return !principal.roles.includes('staff') && !principal.roles.includes('admin');
}

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
      const counted = isAudience(socket, snap.session.hostPersonId);
      socket.data.live = {
        sessionId: p.sessionId,
        viewerId,
        ref: p.ref ?? null,
        ch: p.ch ?? null,
        counted,
      };
      await socket.join(sessionRoom(p.sessionId));
      if (counted) {
        deps.presence.add(p.sessionId, viewerId);
        deps.viewers.log.record({
          sessionId: p.sessionId,
          type: 'live.join',
          viewerId,
          personId,
          refCode: p.ref,
          chCode: p.ch,
        });
      }
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
