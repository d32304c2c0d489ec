// session:go_live — the host starts the live session.
import type { HostGuard } from '../guard.ts';
import { parseSession } from '../schemas.ts';
import type { HostActions } from '../types.ts';

export const goLiveHandler = (guarded: HostGuard, actions: HostActions) =>
  guarded(parseSession, (_socket, p, principal) => actions.goLive(principal, p.sessionId));
