// Pinned product cards over the video: photo, title, live price, stock left, countdown and the buy button.
// The strip has a fixed height, so a card appearing never moves anything else on the page.
import { useEffect, useState } from 'preact/hooks';
import type { ImageUrls } from '../../../../protocols/index.ts';
import { formatDuration, formatMoney, localised } from '../common/i18n.ts';
import type { Card } from './live-state.ts';
import { tl } from './messages.ts';

export type Availability = 'open' | 'soldOut' | 'notYet' | 'closed';

export function availability(card: Card, nowMs: number): Availability {
  if (card.state === 'sold_out' || card.remaining <= 0) return 'soldOut';
  if (card.startsAtMs !== null && nowMs < card.startsAtMs) return 'notYet';
  if (card.endsAtMs !== null && nowMs >= card.endsAtMs) return 'closed';
  // Open cards: pinned now, or unpinned after a pin (still buyable from the bag while the session is live).
  return card.state === 'pinned' || card.state === 'unpinned' ? 'open' : 'closed';
}

/** Re-renders every second while some card counts down. */
function useTicker(active: boolean): void {
  const [, set] = useState(0);
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => set((n) => n + 1), 1000);
    return () => clearInterval(id);
  }, [active]);
}

function CardTile({
  card,
  now,
  flagged,
  byExpert,
  photo,
  onBuy,
}: {
  card: Card;
  now: number;
  flagged: boolean;
  byExpert: boolean;
  photo: ImageUrls | null;
  onBuy: (c: Card) => void;
}) {
  const a = availability(card, now);
  const title = localised(card.titles);
  let timer = '';
  if (a === 'notYet' && card.startsAtMs !== null)
    timer = tl('startsIn', { t: formatDuration(card.startsAtMs - now) });
  else if (a === 'open' && card.endsAtMs !== null)
    timer = tl('endsIn', { t: formatDuration(card.endsAtMs - now) });
  else if (a === 'closed') timer = tl('closed');
  return (
    <li class={`card card-${a}`} data-card-id={card.cardId} data-state={card.state}>
      {photo && <img class="card-photo" src={photo[160]} alt="" width={72} height={72} />}
      <div class="card-body">
        {byExpert && <span class="badge ok expert-pick">{tl('byYourExpert')}</span>}
        {flagged && <span class="badge ok goal">{tl('forYourGoal')}</span>}
        <p class="card-title">{title}</p>
        <p class="card-meta">
          <strong class="price">{formatMoney(card.priceMinor, card.currency)}</strong>
          <span class="stock">{a === 'soldOut' ? tl('soldOut') : tl('left', { n: card.remaining })}</span>
        </p>
        <p class="timer" aria-live="off">
          {timer || '\u00a0'}
        </p>
      </div>
      <button
        type="button"
        class="primary buy"
        disabled={a !== 'open'}
        aria-label={`${tl('buy')} ${title}`}
        onClick={() => onBuy(card)}
      >
        {a === 'soldOut' ? tl('soldOut') : tl('buy')}
      </button>
    </li>
  );
}

export function CardStrip({
  cards,
  forYou,
  byYourExpert,
  photoOf,
  serverNow,
  onBuy,
}: {
  cards: Card[];
  forYou: ReadonlyMap<string, unknown>;
  byYourExpert?: ReadonlySet<string>;
  photoOf: (cardId: string) => ImageUrls | null;
  serverNow: () => number;
  onBuy: (c: Card) => void;
}) {
  useTicker(cards.some((c) => c.startsAtMs !== null || c.endsAtMs !== null));
  const now = serverNow();
  return (
    <section class="cards-overlay" aria-label={tl('products')}>
      <ul class="card-strip" aria-live="polite">
        {cards.map((c) => (
          <CardTile
            key={c.cardId}
            card={c}
            now={now}
            flagged={forYou.has(c.cardId)}
            byExpert={byYourExpert?.has(c.cardId) ?? false}
            photo={photoOf(c.cardId)}
            onBuy={onBuy}
          />
        ))}
      </ul>
    </section>
  );
}
