// card:countdown — the host sets the window in which a card can be bought.
import type { HostGuard } from '../guard.ts';
import { parseCountdown } from '../schemas.ts';
import type { HostActions } from '../types.ts';

export const cardCountdownHandler = (guarded: HostGuard, actions: HostActions) =>
  guarded(parseCountdown, (_socket, p, principal) =>
    actions.countdown(principal, p.sessionId, p.cardId, p.startsAtMs, p.endsAtMs),
  );
