// host:sales — the session's sales so far (orders, units, GMV) and its latest orders naming the buyer,
// for the session's host and staff only (the guard checks); order:new frames keep it current.
import type { HostGuard } from '../guard.ts';
import { parseSession } from '../schemas.ts';
import type { HostActions } from '../types.ts';

export const hostSalesHandler = (guarded: HostGuard, actions: HostActions) =>
  guarded(parseSession, (_socket, p) => actions.sales(p.sessionId));
