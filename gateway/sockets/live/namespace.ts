// The /live namespace: viewers join a session (anonymous viewer id plus the share link's codes, or a
// logged-in member), receive a snapshot and then session events; they record impressions and clicks,
// chat and order. Rooms: `s:<sessionId>` for a session's viewers, `p:<personId>` for a person's own
// updates. Each event's handler is in handlers/; this file holds the table and the connection.
import type { LiveClientToServer } from '../../../protocols/index.ts';
import { dispatcher, type SocketHandler } from '../validate.ts';
import { liveContext } from './context.ts';
import { authHandler } from './handlers/auth.ts';
import { cardEventHandler } from './handlers/card-event.ts';
import { chatSendHandler } from './handlers/chat-send.ts';
import { joinHandler } from './handlers/join.ts';
import { leaveHandler } from './handlers/leave.ts';
import { orderPlaceHandler } from './handlers/order-place.ts';
import { resyncHandler } from './handlers/resync.ts';
import { personRoom } from './rooms.ts';
import type { LiveNamespaceDeps, LiveSocket } from './types.ts';

export { personRoom, sessionRoom } from './rooms.ts';
export type {
  LiveNamespace,
  LiveNamespaceDeps,
  LiveSnapshotSource,
  LiveSocketData,
  OrderPlacer,
} from './types.ts';

export function registerLiveNamespace(deps: LiveNamespaceDeps): void {
  const ctx = liveContext(deps);

  // Handlers are built once for the namespace; each socket only points at this table. Validation,
  // the {ok, data} answer and error counting are applied by socketHandler inside each handler.
  const handlers: Record<keyof LiveClientToServer, SocketHandler<LiveSocket>> = {
    'live:join': joinHandler(ctx),
    'live:auth': authHandler(ctx),
    'live:resync': resyncHandler(ctx),
    'live:leave': leaveHandler(ctx),
    'card:impression': cardEventHandler(ctx, 'card.impression'),
    'card:click': cardEventHandler(ctx, 'card.click'),
    'chat:send': chatSendHandler(ctx),
    'order:place': orderPlaceHandler(ctx),
  };
  const dispatch = dispatcher(handlers, deps.counters);

  function onDisconnect(this: LiveSocket): void {
    // Keep socket.data.live for state recovery; only presence and the log see the leave.
    if (this.data.live) ctx.watchEnded(this, this.data.live);
  }

  deps.nsp.on('connection', (socket: LiveSocket) => {
    socket.onAny(dispatch);
    socket.on('disconnect', onDisconnect);
    const principal = socket.data.principal;
    if (principal) void socket.join(personRoom(principal.personId));
    // A recovered socket comes back with its rooms and data; count it as watching again.
    if (socket.recovered && socket.data.live?.counted)
      deps.presence.add(socket.data.live.sessionId, socket.data.live.viewerId);
  });
}
