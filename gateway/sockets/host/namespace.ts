// The /host namespace: only a session's host (or staff) may join its console. From here the host goes
// live or ends, pins and unpins cards, starts countdowns, watches orders, sales and the viewer count,
// and moderates chat. Commerce performs the actions; guard.ts checks who may ask, once for every event;
// each event's handler is in handlers/.
import type { HostClientToServer } from '../../../protocols/index.ts';
import { dispatcher, type SocketHandler } from '../validate.ts';
import { hostGuard } from './guard.ts';
import { cardCountdownHandler } from './handlers/card-countdown.ts';
import { pinHandler } from './handlers/card-pin.ts';
import { unpinHandler } from './handlers/card-unpin.ts';
import { chatDeleteHandler } from './handlers/chat-delete.ts';
import { chatMuteHandler } from './handlers/chat-mute.ts';
import { hostJoinHandler } from './handlers/host-join.ts';
import { hostSalesHandler } from './handlers/host-sales.ts';
import { endHandler } from './handlers/session-end.ts';
import { goLiveHandler } from './handlers/session-go-live.ts';
import { hostPersonRoom } from './rooms.ts';
import type { HostNamespaceDeps, HostSocket } from './types.ts';

export { hostPersonRoom, hostRoom } from './rooms.ts';
export type { HostActions, HostNamespace, HostNamespaceDeps } from './types.ts';

export function registerHostNamespace(deps: HostNamespaceDeps): void {
  const guarded = hostGuard(deps);
  const { actions } = deps;
  // Built once for the namespace; each socket only points at this table.
  const handlers: Record<keyof HostClientToServer, SocketHandler<HostSocket>> = {
    'host:join': hostJoinHandler(guarded),
    'host:sales': hostSalesHandler(guarded, actions),
    'session:go_live': goLiveHandler(guarded, actions),
    'session:end': endHandler(guarded, actions),
    'card:pin': pinHandler(guarded, actions),
    'card:unpin': unpinHandler(guarded, actions),
    'card:countdown': cardCountdownHandler(guarded, actions),
    'chat:delete': chatDeleteHandler(guarded, deps),
    'chat:mute': chatMuteHandler(guarded, deps),
  };
  const dispatch = dispatcher(handlers, deps.counters);

  deps.nsp.on('connection', (socket: HostSocket) => {
    socket.onAny(dispatch);
    const handshake = socket.data.principal!;
    if (!handshake.roles.includes('staff') && !handshake.roles.includes('admin'))
      void socket.join(hostPersonRoom(handshake.personId));
  });
}
