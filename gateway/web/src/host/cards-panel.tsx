// The products the host can sell and the session's cards: add a card from a SKU (units, a live price in
// currency units, a per-person limit), pin or unpin it, start a flash-sale countdown. Product rows show
// the stock on hand and read it again when a card takes units.
import { useState } from 'preact/hooks';
import type { Product } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';
import { ApiError } from '../common/errors.ts';
import { formatDuration, formatMoney, localised } from '../common/i18n.ts';
import { currencyDigits, parseMoney } from '../common/money.ts';
import { AsyncView, ErrorNotice, useAsync } from '../common/ui.tsx';
import type { ConsoleState } from './console-state.ts';
import { th } from './messages.ts';

function AddCard({ state, sku }: { state: ConsoleState; sku: Product['skus'][number] }) {
  const [units, setUnits] = useState('10');
  const [limit, setLimit] = useState('5');
  const [price, setPrice] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  async function add(e: Event) {
    e.preventDefault();
    setError(undefined);
    // Empty: the card sells at the list price.
    const live = price.trim() ? parseMoney(price, sku.currency) : undefined;
    if (live && !live.ok) {
      setError(
        new ApiError('INVALID_AMOUNT', 0, 'invalid amount', {
          currency: sku.currency,
          digits: currencyDigits(sku.currency),
        }),
      );
      return;
    }
    setBusy(true);
    try {
      await state.addCard({
        skuId: sku.skuId,
        quantity: Number(units),
        perMemberLimit: Number(limit),
        ...(live?.ok ? { priceMinor: live.minor } : {}),
      });
      setPrice('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form class="add-card" onSubmit={add} data-sku-id={sku.skuId}>
      <label>
        {th('units')}
        <input
          type="number"
          name="units"
          min={1}
          max={sku.stockOnHand}
          value={units}
          required
          onInput={(e) => setUnits((e.currentTarget as HTMLInputElement).value)}
        />
      </label>
      <label>
        {th('price')}
        <input
          type="text"
          inputMode="decimal"
          name="price"
          class="price-input"
          placeholder={formatMoney(sku.priceMinor, sku.currency)}
          value={price}
          maxLength={16}
          onInput={(e) => setPrice((e.currentTarget as HTMLInputElement).value)}
        />
      </label>
      <label>
        {th('limit')}
        <input
          type="number"
          name="limit"
          min={1}
          max={1000}
          value={limit}
          required
          onInput={(e) => setLimit((e.currentTarget as HTMLInputElement).value)}
        />
      </label>
      <button type="submit" class="secondary" disabled={busy || sku.stockOnHand < 1}>
        {th('addCard')}
      </button>
      {error !== undefined && <ErrorNotice error={error} />}
    </form>
  );
}

export function ProductsPanel({ state }: { state: ConsoleState }) {
  const products = useAsync(() => api.get<Product[]>('/api/products?limit=50'), [state.productsVersion]);
  return (
    <section class="panel" aria-labelledby="products-title">
      <h2 id="products-title">{th('products')}</h2>
      <AsyncView state={products}>
        {(list) => (
          <ul class="product-list">
            {list.flatMap((p) =>
              p.skus.map((s) => (
                <li key={s.skuId}>
                  {p.images[0] && (
                    <img class="thumb" src={p.images[0].urls[160]} alt="" width={40} height={40} />
                  )}
                  <span>
                    <strong>{localised(p.titles)}</strong> {localised(s.titles)} ·{' '}
                    {formatMoney(s.priceMinor, s.currency)} ·{' '}
                    <span class="stock-on-hand" data-stock={s.stockOnHand}>
                      {th('inStock', { n: s.stockOnHand })}
                    </span>
                  </span>
                  <AddCard state={state} sku={s} />
                </li>
              )),
            )}
          </ul>
        )}
      </AsyncView>
    </section>
  );
}

/** Each SKU's product photo (its main one), for the card rows. */
function usePhotos(): Map<string, string> {
  const products = useAsync(() => api.get<Product[]>('/api/products?limit=100'), []);
  const bySku = new Map<string, string>();
  for (const p of products.data ?? [])
    for (const s of p.skus) if (p.images[0]) bySku.set(s.skuId, p.images[0].urls[160]);
  return bySku;
}

function CardRow({
  state,
  card,
  photo,
}: {
  state: ConsoleState;
  card: ConsoleState['cards'][number];
  photo: string | undefined;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [minutes, setMinutes] = useState('5');
  const run = (fn: () => Promise<void>) => async () => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const pinned = card.state === 'pinned';
  const stateKey = `card_${card.state}` as Parameters<typeof th>[0];
  const now = state.live.serverNow();
  const title = localised(card.titles);
  return (
    <li class="card-row" data-card-id={card.cardId} data-state={card.state}>
      <div>
        {photo && <img class="thumb" src={photo} alt="" width={40} height={40} />}
        <strong>{title}</strong> · {formatMoney(card.priceMinor, card.currency)} ·{' '}
        {th('left', { n: card.remaining, total: card.allotted })} · <span class="badge">{th(stateKey)}</span>
        {card.endsAtMs !== null && card.endsAtMs > now && (
          <> · {th('endsIn', { t: formatDuration(card.endsAtMs - now) })}</>
        )}
      </div>
      <div class="row-actions">
        {pinned ? (
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={run(() => state.unpin(card.cardId))}
            aria-label={`${th('unpin')} ${title}`}
          >
            {th('unpin')}
          </button>
        ) : (
          <button
            type="button"
            class="primary"
            disabled={
              busy || card.state === 'sold_out' || card.state === 'expired' || state.session.state === 'ended'
            }
            onClick={run(() => state.pin(card.cardId))}
            aria-label={`${th('pin')} ${title}`}
          >
            {th('pin')}
          </button>
        )}
        <label class="inline">
          {th('minutes')}
          <input
            type="number"
            min={1}
            max={180}
            value={minutes}
            onInput={(e) => setMinutes((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <button
          type="button"
          class="secondary"
          disabled={busy || card.state === 'sold_out'}
          onClick={run(() => state.flashSale(card.cardId, Number(minutes) || 5))}
        >
          {th('startFlash')}
        </button>
      </div>
      {error !== undefined && <ErrorNotice error={error} />}
    </li>
  );
}

export function CardsPanel({ state }: { state: ConsoleState }) {
  const photos = usePhotos();
  return (
    <section class="panel" aria-labelledby="cards-title">
      <h2 id="cards-title">{th('cards')}</h2>
      {state.cardsError !== undefined && (
        <ErrorNotice error={state.cardsError} onRetry={() => void state.loadCards()} />
      )}
      {state.cards.length === 0 ? (
        <p class="hint">{th('noCards')}</p>
      ) : (
        <ul class="card-list">
          {state.cards.map((c) => (
            <CardRow key={c.cardId} state={state} card={c} photo={photos.get(c.skuId)} />
          ))}
        </ul>
      )}
    </section>
  );
}
