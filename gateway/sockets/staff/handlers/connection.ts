// A /staff socket connects: it joins its audience's room and gets a snapshot of that audience's
// figures at once (updates follow from the tick); every socket also joins its person's alert room.
// A failure lets the socket go; it reconnects.
import { alertRoom } from '../alerts.ts';
import type { StaffAudiences } from '../audiences.ts';
import { channelRoom, isStaff, managerRoom, STAFF_ROOM } from '../audiences.ts';
import type { StaffNamespaceDeps, StaffSocket } from '../types.ts';

export function connectionHandler(deps: StaffNamespaceDeps, audiences: StaffAudiences) {
  return async (socket: StaffSocket): Promise<void> => {
    const principal = socket.data.principal!;
    try {
      await socket.join(alertRoom(principal.personId));
      if (isStaff(principal)) {
        await socket.join(STAFF_ROOM);
        socket.emit(
          'staff:snapshot',
          await audiences.compute(STAFF_ROOM, undefined, await deps.dashboard.rollupsVersion()),
        );
        return;
      }
      // An expert who manages no channel: alerts only, no figures.
      if (!principal.roles.includes('channel_manager')) return;
      const channels = new Set(await deps.sources.channelsManagedBy(principal.personId));
      audiences.managers.set(principal.personId, channels);
      await socket.join([managerRoom(principal.personId), ...[...channels].map(channelRoom)]);
      socket.emit(
        'staff:snapshot',
        await audiences.compute(
          managerRoom(principal.personId),
          channels,
          await deps.dashboard.rollupsVersion(),
        ),
      );
    } catch (err) {
      deps.logger.error({ err }, 'staff snapshot failed');
      socket.disconnect(true);
    }
  };
}
