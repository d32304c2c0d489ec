// card:unpin — the host takes a card off the viewers' screens.
import type { HostGuard } from '../guard.ts';
import { parseCard } from '../schemas.ts';
import type { HostActions } from '../types.ts';

export const unpinHandler = (guarded: HostGuard, actions: HostActions) =>
  guarded(parseCard, (_socket, p, principal) => actions.unpin(principal, p.sessionId, p.cardId));
