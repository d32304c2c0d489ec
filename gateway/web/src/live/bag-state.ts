// The session's bag as this page knows it: read from GET /api/live-sessions/:id/bag when cards are pinned
// or unpinned (a short delay folds a burst of frames into one read), and kept current between reads by
// the stock frames. It also gives the cards on the video their photos.
import type { Bag, BagItem, Card, ImageUrls } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';

/** Folds the pins and unpins of one moment into a single read. */
const REFRESH_DELAY_MS = 200;

export class BagState {
  items: BagItem[] = [];
  loaded = false;
  readonly #sessionId: string;
  readonly #onChange: () => void;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(sessionId: string, onChange: () => void) {
    this.#sessionId = sessionId;
    this.#onChange = onChange;
  }

  refresh(delayMs = REFRESH_DELAY_MS): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      api.get<Bag>(`/api/live-sessions/${encodeURIComponent(this.#sessionId)}/bag`).then(
        (bag) => {
          this.items = bag.items;
          this.loaded = true;
          this.#onChange();
        },
        () => undefined,
      );
    }, delayMs);
  }

  /** A stock frame: units left (and bought, by the difference) change without a read. */
  stock(cardId: string, remaining: number, state: string | undefined): void {
    const i = this.items.findIndex((b) => b.cardId === cardId);
    if (i < 0) return;
    const b = this.items[i]!;
    const next = { ...b, remaining, bought: b.bought + (b.remaining - remaining), state: state ?? b.state };
    if (remaining <= 0) next.buyable = false;
    this.items = this.items.with(i, next);
  }

  item(cardId: string): BagItem | undefined {
    return this.items.find((b) => b.cardId === cardId);
  }

  photo(cardId: string): ImageUrls | null {
    return this.item(cardId)?.image ?? null;
  }

  count(): number {
    return this.items.length;
  }
}

/** A bag item as the buy sheet takes a card (the fields it reads). */
export function bagItemCard(b: BagItem, sessionId: string): Card {
  return {
    cardId: b.cardId,
    sessionId,
    skuId: '',
    titles: b.titles,
    priceMinor: b.priceMinor,
    currency: b.currency,
    allotted: b.remaining + b.bought,
    remaining: b.remaining,
    perMemberLimit: b.perMemberLimit,
    startsAtMs: b.startsAtMs,
    endsAtMs: b.endsAtMs,
    state: b.state,
    pinnedAtMs: null,
  };
}
