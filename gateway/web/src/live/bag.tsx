// The bag: a button over the video with the number of products shown so far, and a sheet listing them
// (pinned now first) with photo, live price (the list price struck through when higher), units left and
// how many were bought. Every product still open can be bought from here while the session is live.
import type { BagItem } from '../../../../protocols/index.ts';
import { formatMoney, localised } from '../common/i18n.ts';
import { Dialog } from '../common/ui.tsx';
import { tl } from './messages.ts';

export function BagButton({ count, onOpen }: { count: number; onOpen: () => void }) {
  return (
    <button type="button" class="rail-button bag-button" name="bag" onClick={onOpen}>
      {tl('bag', { n: count })}
    </button>
  );
}

function BagRow({ item, onBuy }: { item: BagItem; onBuy: (cardId: string) => void }) {
  const title = localised(item.titles);
  const soldOut = item.remaining <= 0;
  return (
    <li class="bag-item" data-card-id={item.cardId} data-pinned={item.pinnedNow ? 'yes' : 'no'}>
      {item.image ? (
        <img class="thumb" src={item.image[160]} alt="" width={64} height={64} loading="lazy" />
      ) : (
        <span class="thumb" aria-hidden="true" />
      )}
      <div class="bag-body">
        <p class="bag-title">
          {item.pinnedNow && <span class="badge ok">{tl('onScreen')}</span>} {title}
        </p>
        <p class="card-meta">
          <strong class="price">{formatMoney(item.priceMinor, item.currency)}</strong>
          {item.listPriceMinor > item.priceMinor && (
            <s class="list-price">{formatMoney(item.listPriceMinor, item.currency)}</s>
          )}
        </p>
        <p class="hint">
          {soldOut ? tl('soldOut') : tl('left', { n: item.remaining })} · {tl('bought', { n: item.bought })}
        </p>
      </div>
      <button
        type="button"
        class="primary buy"
        disabled={!item.buyable}
        aria-label={`${tl('buy')} ${title}`}
        onClick={() => onBuy(item.cardId)}
      >
        {soldOut ? tl('soldOut') : tl('buy')}
      </button>
    </li>
  );
}

export function BagSheet({
  open,
  items,
  onClose,
  onBuy,
}: {
  open: boolean;
  items: BagItem[];
  onClose: () => void;
  onBuy: (cardId: string) => void;
}) {
  return (
    <Dialog open={open} title={tl('bagTitle')} onClose={onClose} class="sheet bag-sheet">
      {items.length === 0 ? (
        <p class="hint">{tl('bagEmpty')}</p>
      ) : (
        <ul class="bag-list">
          {items.map((b) => (
            <BagRow key={b.cardId} item={b} onBuy={onBuy} />
          ))}
        </ul>
      )}
    </Dialog>
  );
}
