// The /staff stream's tick: privileges re-checked, then each audience connected to this node gets its
// figures when they changed. One audience's failure never holds back the others'.
import { VitaliveError } from '../../../../protocols/index.ts';
import { countRefusal } from '../../validate.ts';
import type { StaffAudiences } from '../audiences.ts';
import { channelRoom, managerRoom, STAFF_ROOM } from '../audiences.ts';
import type { StaffFigures } from '../figures.ts';
import type { StaffNamespaceDeps } from '../types.ts';

export function tickHandler(deps: StaffNamespaceDeps, audiences: StaffAudiences): () => Promise<void> {
  const { nsp, sources } = deps;

  /**
   * Privileges are re-checked on every tick: a socket whose token expired is let go (the console
   * reconnects with a fresh one), and a manager's channels are read again, so a manager taken off a
   * channel stops receiving its figures at the next update.
   */
  async function recheck(): Promise<void> {
    const now = Date.now();
    for (const socket of nsp.sockets.values()) {
      const p = socket.data.principal;
      if (p && p.expiresAtMs <= now) {
        countRefusal(deps.counters, new VitaliveError('AUTH_INVALID_TOKEN', { reason: 'expired' }));
        socket.disconnect(true);
      }
    }
    for (const [personId, before] of audiences.managers) {
      const current = new Set(await sources.channelsManagedBy(personId));
      if (current.size === before.size && [...current].every((c) => before.has(c))) continue;
      audiences.managers.set(personId, current);
      // A manager taken off a channel stops receiving its follow-up frames; a new channel's start.
      const mine = nsp.local.in(managerRoom(personId));
      const gone = [...before].filter((c) => !current.has(c)).map(channelRoom);
      if (gone.length > 0) mine.socketsLeave(gone);
      mine.socketsJoin([...current].map(channelRoom));
      audiences.forget(managerRoom(personId));
    }
  }

  return async () => {
    // A failed re-check must not stop everyone's figures; it is tried again at the next tick.
    await recheck().catch((err) =>
      deps.logger.warn({ err: (err as Error).message }, 'staff privilege re-check failed'),
    );
    const list: Array<[room: string, channels: ReadonlySet<string> | undefined]> = [[STAFF_ROOM, undefined]];
    for (const [personId, channels] of audiences.managers) {
      if ((nsp.adapter.rooms.get(managerRoom(personId))?.size ?? 0) === 0) {
        audiences.managers.delete(personId);
        audiences.forget(managerRoom(personId), { sent: true });
        continue;
      }
      list.push([managerRoom(personId), channels]);
    }
    const version = await deps.dashboard.rollupsVersion();
    for (const [room, channels] of list) {
      if ((nsp.adapter.rooms.get(room)?.size ?? 0) === 0) continue;
      let figures: StaffFigures;
      try {
        figures = await audiences.compute(room, channels, version);
      } catch (err) {
        // One audience's failure (a source down, a query its channels break) must not keep the
        // others' figures back: they are computed and sent; this one is tried again next tick.
        deps.counters.staffAudienceFailures++;
        deps.logger.warn(
          { err: (err as Error).message, audience: room === STAFF_ROOM ? 'staff' : 'channel_manager' },
          'staff figures of one audience failed',
        );
        continue;
      }
      const { atMs: _at, ...comparable } = figures;
      const key = JSON.stringify(comparable);
      if (audiences.lastSent.get(room) === key) continue;
      audiences.lastSent.set(room, key);
      // Each node serves its own connected staff; the figures themselves are global (store + Redis).
      nsp.local.to(room).emit('staff:update', figures);
    }
  };
}
