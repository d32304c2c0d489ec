// session:end — the host ends the live session.
import type { HostGuard } from '../guard.ts';
import { parseSession } from '../schemas.ts';
import type { HostActions } from '../types.ts';

export const endHandler = (guarded: HostGuard, actions: HostActions) =>
  guarded(parseSession, (_socket, p, principal) => actions.end(principal, p.sessionId));
