// The /staff namespace: staff, admins and channel managers get a snapshot on connect and then updates
// at most every 500 ms (conversion figures are re-read only when an event consumer has moved on). A
// channel manager's sockets only ever receive figures computed from their own channels' rows
// (audiences.ts). Experts get no figures, only alerts on the people who booked them (alerts.ts).
// Clients send no events: handlers/ holds the connection and the tick.
import type { SocketHandler } from '../validate.ts';
import { dispatcher } from '../validate.ts';
import { StaffAudiences } from './audiences.ts';
import { connectionHandler } from './handlers/connection.ts';
import { tickHandler } from './handlers/tick.ts';
import type { StaffNamespaceDeps, StaffSocket } from './types.ts';

export { staffAlertFanout } from './alerts.ts';
export type { StaffNamespace, StaffNamespaceDeps, StaffSources } from './types.ts';

export interface StaffStream {
  close(): void;
}

/** The stream listens to nothing: every event a client sends is unknown and counted. */
const NO_EVENTS: Readonly<Record<string, SocketHandler<StaffSocket>>> = {};

export function registerStaffNamespace(deps: StaffNamespaceDeps): StaffStream {
  const { nsp } = deps;
  const audiences = new StaffAudiences(deps);
  const dispatch = dispatcher(NO_EVENTS, deps.counters);
  const onConnection = connectionHandler(deps, audiences);
  nsp.on('connection', (socket: StaffSocket) => {
    socket.onAny(dispatch);
    void onConnection(socket);
  });

  const tick = tickHandler(deps, audiences);
  let ticking = false;
  const timer = setInterval(async () => {
    if (ticking || nsp.sockets.size === 0) return;
    ticking = true;
    try {
      await tick();
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, 'staff update failed');
    } finally {
      ticking = false;
    }
  }, deps.periodMs ?? 500);
  timer.unref();

  return {
    close() {
      clearInterval(timer);
    },
  };
}
