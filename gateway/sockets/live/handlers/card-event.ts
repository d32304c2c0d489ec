// card:impression and card:click — a joined viewer saw or tapped a card. Budgeted per socket and IP,
// and counted at most once per viewer and card in the window (cluster-wide with Redis): a repeat is not an error, just not news.
import { type SocketHandler, socketHandler } from '../../validate.ts';
import type { LiveContext } from '../context.ts';
import { parseCard } from '../schemas.ts';
import type { LiveSocket } from '../types.ts';

export function cardEventHandler(
  ctx: LiveContext,
  type: 'card.click' | 'card.impression',
): SocketHandler<LiveSocket> {
  const { deps } = ctx;
  return socketHandler(deps.counters, parseCard, async (socket: LiveSocket, p) => {
    const live = ctx.joined(socket, p.sessionId);
    ctx.spend(socket, 'card');
    if (!(await deps.budgets.firstInWindow(type, p.sessionId, live.viewerId, p.cardId))) {
      deps.counters.repeatedCardEvents++;
      return;
    }
    deps.viewers.log.record({
      sessionId: p.sessionId,
      type,
      viewerId: live.viewerId,
      personId: ctx.personOf(socket),
      refCode: live.ref,
      chCode: live.ch,
      cardId: p.cardId,
    });
  });
}
