// A viewer's view of one live session over /live: the join snapshot, then frames applied in sequence
// order (a gap asks for a fresh snapshot), chat, the viewer count and the buyer's own orders. After a
// network drop socket.io recovers the missed frames; when it cannot, the page joins again.
import type {
  Card,
  ChatMessage,
  ForYouCard,
  Fulfilment,
  LiveSession,
  LiveSnapshot,
  Order as OrderRecord,
  PlacedOrder,
  PlaceOrderBody,
  SessionEventFrame,
} from '../../../../protocols/index.ts';
import { api, auth } from '../common/api.ts';
import { ApiError, toApiError } from '../common/errors.ts';
import { ask, connect, type NamespaceSocket } from '../common/socket.ts';
import { BagState } from './bag-state.ts';

/** A buyer's order as this page knows it: from order frames, the order API, or both merged. */
export type Order = Pick<
  PlacedOrder,
  'orderId' | 'cardId' | 'quantity' | 'totalMinor' | 'currency' | 'status'
> &
  Partial<Pick<PlacedOrder, 'checkoutUrl' | 'createdAtMs' | 'creditMinor'>>;

export type { Card, Fulfilment };

export type Connection = 'connecting' | 'online' | 'offline';

const VIEWER_KEY = 'vl.viewerId';
const MAX_CHAT = 100;

/** The viewer id the server gave this browser, kept across visits; undefined before the first join. */
export function savedViewerId(): string | undefined {
  try {
    const saved = localStorage.getItem(VIEWER_KEY);
    if (saved && /^[A-Za-z0-9_.-]{1,64}$/.test(saved)) return saved;
  } catch {
    // no storage: the server mints one per page
  }
  return undefined;
}

/** Keeps the id the server minted (it replaces any id it did not sign). */
function saveViewerId(id: string): void {
  try {
    localStorage.setItem(VIEWER_KEY, id);
  } catch {
    // not kept: a fresh id next visit
  }
}

export class LiveState {
  readonly socket: NamespaceSocket<'/live'>;
  /** Minted and signed by the server at the first join; sent back on every later join. */
  viewerId: string | undefined = savedViewerId();
  connection: Connection = 'connecting';
  joinError: unknown;
  session: LiveSession | undefined;
  cards = new Map<string, Card>();
  /** Every card shown so far in this session (the bag), with photos. */
  readonly bag: BagState;
  chat: ChatMessage[] = [];
  viewers = 0;
  orders = new Map<string, Order>();
  /** Cards flagged "for your goal", by card id; only for a signed-in, consenting viewer. */
  forYou = new Map<string, ForYouCard>();
  /** Cards whose product this viewer's expert recommended. */
  byYourExpert = new Set<string>();
  mediaUrl: string | null = null;
  /** Local clock minus server clock, from the snapshot (countdowns use server time). */
  clockSkewMs = 0;
  /** Times a fresh snapshot replaced the state (join, rejoin, resync). */
  snapshots = 0;
  /** Date.now() when each card was first seen (pin → card latency, compared with the host's clock). */
  readonly cardSeenAt = new Map<string, number>();
  onChange: () => void = () => {};
  #seq = 0;
  #joined = false;
  #authed = auth.session !== undefined;
  readonly #sessionId: string;
  readonly #ref: string | undefined;
  readonly #ch: string | undefined;

  constructor(sessionId: string, codes: { ref?: string | undefined; ch?: string | undefined }) {
    this.#sessionId = sessionId;
    this.bag = new BagState(sessionId, () => this.onChange());
    this.#ref = codes.ref;
    this.#ch = codes.ch;
    this.socket = connect('/live');
    const s = this.socket;
    s.on('connect', () => {
      this.connection = 'online';
      // A recovered socket got the frames it missed; otherwise join again for a fresh snapshot.
      if (!s.recovered || !this.#joined) void this.join();
      else this.onChange();
    });
    s.on('disconnect', () => {
      this.connection = 'offline';
      this.onChange();
    });
    s.on('card:pinned', (f) =>
      this.#frame(f, () => {
        this.#putCard(f.card);
        this.bag.refresh();
      }),
    );
    s.on('card:updated', (f) => this.#frame(f, () => this.#putCard(f.card)));
    s.on('card:sold_out', (f) =>
      this.#frame(f, () => {
        const known = f.card ?? (f.cardId === undefined ? undefined : this.cards.get(f.cardId));
        if (known) this.#putCard({ ...known, remaining: 0, state: 'sold_out' });
      }),
    );
    s.on('card:unpinned', (f) =>
      this.#frame(f, () => {
        const cardId = f.card?.cardId ?? f.cardId;
        if (cardId !== undefined) this.cards.delete(cardId);
        this.bag.refresh();
      }),
    );
    s.on('stock:changed', (f) =>
      this.#frame(f, () => {
        const c = this.cards.get(f.cardId);
        if (c)
          this.cards.set(c.cardId, { ...c, remaining: f.remaining, ...(f.state ? { state: f.state } : {}) });
        this.bag.stock(f.cardId, f.remaining, f.state);
      }),
    );
    s.on('session:state', (f) =>
      this.#frame(f, () => {
        this.session = f.session ?? this.session;
        this.bag.refresh();
      }),
    );
    s.on('order:update', (f) =>
      this.#frame(f, () => {
        const prev = this.orders.get(f.orderId);
        this.orders.set(f.orderId, { ...prev, ...f } as Order);
      }),
    );
    s.on('seq:skip', (f) => this.#frame(f, () => undefined));
    s.on('viewers:count', (f) => {
      this.viewers = f.viewers;
      this.onChange();
    });
    s.on('chat:message', (m) => {
      this.chat = [...this.chat.slice(-(MAX_CHAT - 1)), m];
      this.onChange();
    });
    s.on('chat:deleted', (f) => {
      this.chat = this.chat.filter((m) => m.id !== f.messageId);
      this.onChange();
    });
    // Signing in (or a refreshed token) makes this socket the person's: orders and the viewer link.
    auth.onChange((session) => {
      if (!session || !s.connected) return;
      const first = !this.#authed;
      this.#authed = true;
      void ask(s, 'live:auth', { token: session.accessToken })
        // Newly signed in: a fresh snapshot carries this person's "for your goal" cards.
        .then(() => (first && this.#joined ? this.#resync() : undefined))
        .catch(() => undefined);
    });
  }

  get sessionId(): string {
    return this.#sessionId;
  }

  /** Cards on screen: pinned or sold out, oldest pin first. */
  visibleCards(): Card[] {
    return [...this.cards.values()]
      .filter((c) => c.state === 'pinned' || c.state === 'sold_out')
      .sort((a, b) => (a.pinnedAtMs ?? 0) - (b.pinnedAtMs ?? 0));
  }

  serverNow(): number {
    return Date.now() - this.clockSkewMs;
  }

  async join(): Promise<void> {
    try {
      const snap = await ask(this.socket, 'live:join', {
        sessionId: this.#sessionId,
        ...(this.viewerId ? { viewerId: this.viewerId } : {}),
        ...(this.#ref ? { ref: this.#ref } : {}),
        ...(this.#ch ? { ch: this.#ch } : {}),
      });
      this.#joined = true;
      this.joinError = undefined;
      if (snap.viewerId && snap.viewerId !== this.viewerId) {
        this.viewerId = snap.viewerId;
        saveViewerId(snap.viewerId);
      }
      this.#apply(snap);
      await this.#refreshOrders();
    } catch (err) {
      this.joinError = err;
      this.onChange();
    }
  }

  async sendChat(text: string): Promise<void> {
    await ask(this.socket, 'chat:send', { sessionId: this.#sessionId, text });
  }

  click(cardId: string): void {
    this.socket.emit('card:click', { sessionId: this.#sessionId, cardId });
  }

  /**
   * Places an order over the socket (same answer as POST /api/orders); when the socket is down, the
   * same Idempotency-Key goes over HTTP, so a retry never buys twice.
   */
  async placeOrder(
    order: { cardId: string; quantity: number; fulfilment: Fulfilment; redeemCreditMinor?: number },
    idempotencyKey: string,
  ): Promise<Order> {
    const body: PlaceOrderBody = { ...order, provider: 'manual' };
    let placed: Order;
    if (this.socket.connected) {
      const reply = await this.socket
        .timeout(15_000)
        .emitWithAck('order:place', { sessionId: this.#sessionId, idempotencyKey, order: body })
        .catch(() => undefined);
      // The reply is what POST /api/orders would answer: a 201 carries the placed order.
      if (reply && reply.status === 201) placed = reply.body as PlacedOrder;
      else if (reply) {
        const err = toApiError(reply.body, reply.status);
        // The socket lost its login (expired token): the HTTP route refreshes and retries.
        if (err.code !== 'AUTH_REQUIRED' && err.code !== 'AUTH_INVALID_TOKEN') throw err;
        placed = await this.#placeHttp(body, idempotencyKey);
      } else placed = await this.#placeHttp(body, idempotencyKey);
    } else placed = await this.#placeHttp(body, idempotencyKey);
    this.orders.set(placed.orderId, { ...this.orders.get(placed.orderId), ...placed });
    this.onChange();
    return placed;
  }

  #placeHttp(body: PlaceOrderBody, key: string): Promise<Order> {
    return api.post<PlacedOrder>('/api/orders', body, { headers: { 'idempotency-key': key } });
  }

  close(): void {
    this.socket.close();
  }

  #putCard(card: Card | undefined) {
    if (!card?.cardId) return;
    if (!this.cardSeenAt.has(card.cardId)) this.cardSeenAt.set(card.cardId, Date.now());
    const prev = this.cards.get(card.cardId);
    this.cards.set(card.cardId, { ...prev, ...card });
  }

  #apply(snap: LiveSnapshot) {
    this.#seq = snap.seq;
    this.session = snap.session;
    this.viewers = snap.viewers;
    this.mediaUrl = snap.media?.url ?? null;
    this.clockSkewMs = Date.now() - snap.serverTimeMs;
    this.cards = new Map();
    for (const c of snap.cards) this.#putCard(c);
    this.forYou = new Map((snap.forYou ?? []).map((f) => [f.cardId, f]));
    this.byYourExpert = new Set(snap.byYourExpert ?? []);
    this.bag.refresh(0);
    this.snapshots++;
    this.onChange();
  }

  #frame(f: Pick<SessionEventFrame, 'sessionId' | 'seq'>, apply: () => void) {
    if (!f || f.sessionId !== this.#sessionId || typeof f.seq !== 'number') return;
    if (f.seq <= this.#seq) return;
    if (f.seq > this.#seq + 1) {
      void this.#resync();
      return;
    }
    this.#seq = f.seq;
    apply();
    this.onChange();
  }

  /** Asks the gateway again which media node to use (the one in use may be gone). */
  async freshMediaUrl(): Promise<string | null> {
    await this.#resync();
    return this.mediaUrl;
  }

  #resyncing: Promise<void> | undefined;
  #resync(): Promise<void> {
    this.#resyncing ??= ask(this.socket, 'live:resync', { sessionId: this.#sessionId })
      .then((snap) => this.#apply(snap))
      .then(() => this.#refreshOrders())
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.code === 'LIVE_NOT_JOINED') return this.join();
      })
      .finally(() => {
        this.#resyncing = undefined;
      });
    return this.#resyncing;
  }

  /** Order frames are the buyer's own and not in snapshots: after a (re)join read them over HTTP. */
  async #refreshOrders(): Promise<void> {
    if (!auth.session) return;
    try {
      const list = await api.get<OrderRecord[]>(
        `/api/orders?sessionId=${encodeURIComponent(this.#sessionId)}&limit=20`,
      );
      for (const o of list) this.orders.set(o.orderId, { ...this.orders.get(o.orderId), ...o });
      this.onChange();
    } catch {
      // shown from frames only; not worth an error on screen
    }
  }
}
