// Live sessions and their product cards: scheduled → live → ended, cards allotted from SKU stock,
// pinned (at most N at once) and unpinned by the host or staff, countdown windows. Every change writes
// its outbox event in the same transaction, keyed by the session so it takes the session sequence.
// The real-time gateway reads snapshots here and drives host actions through it. The class holds the
// options; sessions.ts and cards.ts hold the operations.
import type { Kysely } from 'kysely';
import type { Actor } from '../people/person-model.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { type Bag, bagOf } from './bag.ts';
import { type CardMoment, cardMoments } from './card-moments.ts';
import type { NewCard } from './cards.ts';
import * as cards from './cards.ts';
import { ChatLog } from './chat-log.ts';
import type { UpcomingLive } from './lives.ts';
import * as lives from './lives.ts';
import type { SalesContext } from './sales-context.ts';
import { type SaleLine, type SessionSales, saleLabel, sessionSales } from './session-sales.ts';
import type { NewSession, SessionSnapshot } from './sessions.ts';
import * as sessions from './sessions.ts';
import type { CardView, LiveSession } from './views.ts';

export type { Bag, BagItem } from './bag.ts';
export type { CardMoment } from './card-moments.ts';
export type { NewCard } from './cards.ts';
export type { ChatLog, ChatLogEntry, ReplayChatMessage } from './chat-log.ts';
export type { LineupItem, UpcomingLive } from './lives.ts';
export type { SaleLine, SalesTotal, SessionSales } from './session-sales.ts';
export type { NewSession, SessionSnapshot } from './sessions.ts';

export interface LiveSalesOptions {
  /** Cards pinned at once per session. @default 3 */
  maxPinned?: number;
  /** Called after a session ended (e.g. to close its media room). */
  onEnded?: ((sessionId: string) => void) | undefined;
  /** Called after every commit that wrote events (wakes the event dispatcher). */
  onCommit?: (() => void) | undefined;
}

export class LiveSales {
  readonly #ctx: SalesContext;
  readonly #onEnded: ((sessionId: string) => void) | undefined;
  /** The session's chat as kept for its replay. */
  readonly chat: ChatLog;

  constructor(store: Store, opts: LiveSalesOptions = {}) {
    const onCommit = opts.onCommit;
    this.#onEnded = opts.onEnded;
    this.chat = new ChatLog(store);
    this.#ctx = {
      store,
      maxPinned: opts.maxPinned ?? 3,
      async write<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
        const result = await store.transaction(fn);
        onCommit?.();
        return result;
      },
    };
  }

  // ── sessions ──────────────────────────────────────────────────────────────────────────────────

  createSession(actor: Actor, input: NewSession, nowMs = Date.now()): Promise<LiveSession> {
    return sessions.createSession(this.#ctx, actor, input, nowMs);
  }

  session(sessionId: string): Promise<LiveSession | undefined> {
    return sessions.session(this.#ctx, sessionId);
  }

  listSessions(opts: {
    state?: LiveSession['state'] | undefined;
    limit: number;
    offset: number;
  }): Promise<LiveSession[]> {
    return sessions.listSessions(this.#ctx, opts);
  }

  hostOf(sessionId: string): Promise<string | undefined> {
    return sessions.hostOf(this.#ctx, sessionId);
  }

  liveSessions(): Promise<
    Array<{ sessionId: string; title: string; hostPersonId: string; startedAtMs: number }>
  > {
    return sessions.liveSessions(this.#ctx);
  }

  /**
   * Hands a scheduled or live session to another host (staff and admins only, as scheduling for someone
   * else is). The host console and the media room follow the `session.updated` event, which names the
   * previous host so their console and publisher can be let go.
   */
  changeHost(actor: Actor, sessionId: string, hostPersonId: string): Promise<LiveSession> {
    return sessions.changeHost(this.#ctx, actor, sessionId, hostPersonId);
  }

  goLive(actor: Actor, sessionId: string, nowMs = Date.now()): Promise<LiveSession> {
    return sessions.transition(this.#ctx, actor, sessionId, 'scheduled', 'live', 'go live', nowMs);
  }

  async end(actor: Actor, sessionId: string, nowMs = Date.now()): Promise<LiveSession> {
    const session = await sessions.transition(this.#ctx, actor, sessionId, 'live', 'ended', 'end', nowMs);
    this.#onEnded?.(sessionId);
    return session;
  }

  /** What a viewer sees on joining: the session and its pinned cards with live stock. */
  /** When each card was pinned and unpinned (from the outbox), for the replay's timeline. */
  cardMoments(sessionId: string): Promise<CardMoment[]> {
    return cardMoments(this.#ctx, sessionId);
  }

  snapshot(sessionId: string): Promise<SessionSnapshot | undefined> {
    return sessions.snapshot(this.#ctx, sessionId);
  }

  // ── the public list of lives ──────────────────────────────────────────────────────────────────

  /** Sessions live now and those scheduled in the next 14 days, with public line-ups only. */
  upcoming(nowMs = Date.now()): Promise<UpcomingLive[]> {
    return lives.upcomingLives(this.#ctx, nowMs);
  }

  /** One session as the public sees it (its page's preview, its share poster). */
  publicLive(sessionId: string): Promise<UpcomingLive | undefined> {
    return lives.publicLive(this.#ctx, sessionId);
  }

  /** Staff only: whether the session's line-up is shown to the public. */
  setLineupPublic(actor: Actor, sessionId: string, isPublic: boolean): Promise<LiveSession> {
    return lives.setLineupPublic(this.#ctx, actor, sessionId, isPublic);
  }

  /**
   * Every card of the session pinned at least once (pinned now first) with its photo, prices, units
   * left and bought, and whether it is open for orders now. NOT_FOUND for an unknown session.
   */
  bag(sessionId: string, nowMs = Date.now()): Promise<Bag> {
    return bagOf(this.#ctx, sessionId, nowMs);
  }

  /**
   * The session's sales for its host console: orders, units and GMV, and the latest orders naming the
   * buyer (display name) and product. The caller has checked that the reader hosts the session or is staff.
   */
  sales(sessionId: string): Promise<SessionSales> {
    return sessionSales(this.#ctx.store.db, sessionId);
  }

  /** An order's buyer name and product titles, for the host's order frame. */
  saleLabel(personId: string, cardId: string): Promise<Pick<SaleLine, 'buyerName' | 'titles'> | undefined> {
    return saleLabel(this.#ctx.store.db, personId, cardId);
  }

  // ── cards ─────────────────────────────────────────────────────────────────────────────────────

  /** Allots `quantity` units of the SKU to a new draft card (taken from stock on hand). */
  createCard(actor: Actor, sessionId: string, input: NewCard, nowMs = Date.now()): Promise<CardView> {
    return cards.createCard(this.#ctx, actor, sessionId, input, nowMs);
  }

  cards(sessionId: string): Promise<CardView[]> {
    return cards.cardsOf(this.#ctx, sessionId);
  }

  card(cardId: string): Promise<CardView | undefined> {
    return cards.cardById(this.#ctx, cardId);
  }

  pin(actor: Actor, sessionId: string, cardId: string, nowMs = Date.now()): Promise<CardView> {
    return cards.pinCard(this.#ctx, actor, sessionId, cardId, nowMs);
  }

  unpin(actor: Actor, sessionId: string, cardId: string): Promise<CardView> {
    return cards.unpinCard(this.#ctx, actor, sessionId, cardId);
  }

  /** Sets the window in which the card can be bought; viewers see the countdown. */
  countdown(
    actor: Actor,
    sessionId: string,
    cardId: string,
    startsAtMs: number,
    endsAtMs: number,
  ): Promise<CardView> {
    return cards.countdown(this.#ctx, actor, sessionId, cardId, startsAtMs, endsAtMs);
  }

  /** Cards whose countdown window closed become `expired` (one event each); safe on several processes. */
  expireDueCards(nowMs = Date.now()): Promise<number> {
    return cards.expireDueCards(this.#ctx, nowMs);
  }
}
