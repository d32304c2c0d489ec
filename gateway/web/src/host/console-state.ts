// What the host console keeps for one session: the /host socket (go live, end, pin, countdown,
// moderation, new orders, viewer count), the session's /live view (cards, chat), the session's cards
// over HTTP, the session's sales (totals and the feed naming buyers, host and staff only), and the camera
// publisher.
import type { LiveSession, Localised, OrderFrame, SessionSales } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';
import { ask, connect, type NamespaceSocket } from '../common/socket.ts';
import { type Card, LiveState } from '../live/live-state.ts';
import { LivePublisher } from '../media/publisher.ts';

export type { LiveSession };

export type FeedOrder = Pick<
  OrderFrame,
  'orderId' | 'cardId' | 'quantity' | 'totalMinor' | 'currency' | 'status'
> & {
  /** Local Date.now() when the order reached this console. */
  receivedAtMs: number;
  /** The buyer's display name (for a shout-out) and the product. */
  buyerName?: string | undefined;
  titles?: Localised | undefined;
};

const MAX_FEED = 200;
/** Folds a burst of orders into one read of the session's totals. */
const SALES_REFRESH_MS = 250;

export class ConsoleState {
  readonly host: NamespaceSocket<'/host'>;
  readonly live: LiveState;
  readonly publisher = new LivePublisher();
  session: LiveSession;
  cards: Card[] = [];
  cardsError: unknown;
  feed: FeedOrder[] = [];
  /** Orders, units and GMV of this session; undefined until the first read. */
  sales: SessionSales | undefined;
  salesError: unknown;
  /** Bumped when SKU stock changed (a card took units): the products list reads it again. */
  productsVersion = 0;
  viewers = 0;
  #salesTimer: ReturnType<typeof setTimeout> | undefined;
  /** Date.now() of the last pin request per card (pin → card on the viewer). */
  readonly pinnedAt = new Map<string, number>();
  onChange: () => void = () => {};

  constructor(session: LiveSession) {
    this.session = session;
    this.host = connect('/host');
    this.host.on('connect', () => {
      void ask(this.host, 'host:join', { sessionId: session.sessionId })
        .then(() => this.loadSales())
        .catch(() => undefined);
    });
    this.host.on('viewers:count', (f) => {
      this.viewers = f.viewers;
      this.onChange();
    });
    this.host.on('order:new', (f) => {
      const prev = this.feed.find((o) => o.orderId === f.orderId);
      const { orderId, cardId, quantity, totalMinor, currency, status } = f;
      const next: FeedOrder = {
        ...{ orderId, cardId, quantity, totalMinor, currency, status },
        receivedAtMs: prev?.receivedAtMs ?? Date.now(),
        buyerName: f.buyerName ?? prev?.buyerName,
        titles: f.titles ?? prev?.titles,
      };
      // A status change keeps the order's place in the feed; a new order goes on top.
      this.feed = prev
        ? this.feed.map((o) => (o.orderId === orderId ? next : o))
        : [next, ...this.feed].slice(0, MAX_FEED);
      this.#refreshSales();
      this.onChange();
    });
    this.live = new LiveState(session.sessionId, {});
    this.live.onChange = () => {
      const s = this.live.session as LiveSession | undefined;
      if (s) this.session = { ...this.session, ...s };
      // Stock and state of pinned cards arrive on /live; keep the console's list in step.
      this.cards = this.cards.map((c) => {
        const seen = this.live.cards.get(c.cardId);
        return seen ? { ...c, remaining: seen.remaining, state: seen.state, endsAtMs: seen.endsAtMs } : c;
      });
      this.onChange();
    };
    this.publisher.onChange = () => this.onChange();
    void this.loadCards();
  }

  get sessionId(): string {
    return this.session.sessionId;
  }

  /** The session's totals and latest orders (with buyer names); earlier orders join the feed. */
  async loadSales(): Promise<void> {
    try {
      const sales = await ask(this.host, 'host:sales', { sessionId: this.sessionId });
      this.sales = sales;
      this.salesError = undefined;
      const known = new Set(this.feed.map((o) => o.orderId));
      const earlier: FeedOrder[] = sales.recent
        .filter((l) => !known.has(l.orderId))
        .map((l) => ({ ...l, status: l.status as FeedOrder['status'], receivedAtMs: l.createdAtMs }));
      if (earlier.length > 0)
        this.feed = [...this.feed, ...earlier]
          .sort((a, b) => b.receivedAtMs - a.receivedAtMs)
          .slice(0, MAX_FEED);
    } catch (err) {
      this.salesError = err;
    }
    this.onChange();
  }

  #refreshSales(): void {
    if (this.#salesTimer) return;
    this.#salesTimer = setTimeout(() => {
      this.#salesTimer = undefined;
      void this.loadSales();
    }, SALES_REFRESH_MS);
  }

  async loadCards(): Promise<void> {
    try {
      this.cards = await api.get<Card[]>(`/api/live-sessions/${this.sessionId}/cards`);
      this.cardsError = undefined;
    } catch (err) {
      this.cardsError = err;
    }
    this.onChange();
  }

  /** A card action, then the cards as they are now. */
  async #act(sent: Promise<unknown>): Promise<void> {
    await sent;
    await this.loadCards();
  }

  async goLive(): Promise<void> {
    const s = await ask(this.host, 'session:go_live', { sessionId: this.sessionId });
    this.session = { ...this.session, ...s };
    this.onChange();
    await this.publisher.start(this.sessionId);
  }

  async end(): Promise<void> {
    const s = await ask(this.host, 'session:end', { sessionId: this.sessionId });
    this.session = { ...this.session, ...s };
    this.publisher.stop();
    // Units left on the cards go back to stock at the end.
    this.productsVersion++;
    await this.loadCards();
  }

  pin(cardId: string): Promise<void> {
    this.pinnedAt.set(cardId, Date.now());
    return this.#act(ask(this.host, 'card:pin', { sessionId: this.sessionId, cardId }));
  }

  unpin(cardId: string): Promise<void> {
    return this.#act(ask(this.host, 'card:unpin', { sessionId: this.sessionId, cardId }));
  }

  flashSale(cardId: string, minutes: number): Promise<void> {
    const now = Date.now() - this.live.clockSkewMs;
    return this.#act(
      ask(this.host, 'card:countdown', {
        sessionId: this.sessionId,
        cardId,
        startsAtMs: now,
        endsAtMs: now + minutes * 60_000,
      }),
    );
  }

  async addCard(input: { skuId: string; quantity: number; priceMinor?: number; perMemberLimit?: number }) {
    await api.post(`/api/live-sessions/${this.sessionId}/cards`, input);
    // The card took units from the SKU's stock: the product rows show what is left.
    this.productsVersion++;
    await this.loadCards();
  }

  deleteMessage(messageId: string): Promise<unknown> {
    return ask(this.host, 'chat:delete', { sessionId: this.sessionId, messageId });
  }

  /** Mutes the author of a message: the server also mutes the person the viewer id belongs to. */
  mute(viewerId: string): Promise<unknown> {
    return ask(this.host, 'chat:mute', { sessionId: this.sessionId, viewerId, durationSec: 600 });
  }

  close(): void {
    clearTimeout(this.#salesTimer);
    this.publisher.close();
    this.live.close();
    this.host.close();
  }
}
