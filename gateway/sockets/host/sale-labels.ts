// The buyer's display name and the product of an order, for the host's order:new frame. Kept a minute
// per buyer and card, so a flash sale's burst of orders from the same buyers and cards costs one read
// each, and bounded, so a storm of distinct buyers cannot grow it without limit.
import type { SaleLine } from '../../../protocols/index.ts';

export type SaleLabel = Pick<SaleLine, 'buyerName' | 'titles'>;
export type SaleLabelSource = (personId: string, cardId: string) => Promise<SaleLabel | undefined>;

/** A display name changed mid-live shows on the host's feed within this long. */
const TTL_MS = 60_000;
/** Entries kept at most; the oldest go first. */
const MAX_ENTRIES = 5_000;

export function cachedSaleLabels(source: SaleLabelSource, now: () => number = Date.now): SaleLabelSource {
  const cache = new Map<string, { atMs: number; label: Promise<SaleLabel | undefined> }>();
  return (personId, cardId) => {
    const key = `${personId}\u0000${cardId}`;
    const hit = cache.get(key);
    const t = now();
    if (hit && t - hit.atMs < TTL_MS) return hit.label;
    const label = source(personId, cardId).catch(() => undefined);
    cache.delete(key);
    cache.set(key, { atMs: t, label });
    if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
    return label;
  };
}
