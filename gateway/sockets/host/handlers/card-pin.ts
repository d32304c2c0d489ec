// card:pin — the host shows a card to the session's viewers.
import type { HostGuard } from '../guard.ts';
import { parseCard } from '../schemas.ts';
import type { HostActions } from '../types.ts';

export const pinHandler = (guarded: HostGuard, actions: HostActions) =>
  guarded(parseCard, (_socket, p, principal) => actions.pin(principal, p.sessionId, p.cardId));
