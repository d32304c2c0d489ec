// Live sessions and their product cards: scheduled → live → ended, cards allotted from SKU stock,
// pinned (at most N at once) and unpinned by the host or staff, countdown windows. Every change writes
// its outbox event in the same transaction, keyed by the session so it takes the session sequence.
// The real-time gateway reads snapshots here and drives host actions through it.
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { appendEvent } from '../outbox.ts';
import type { Actor } from '../people/person-model.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import type { CardsTable, LiveSessionsTable } from './tables.ts';
import { returnUnsoldUnits } from './unsold-units.ts';
import { type CardView, cardView, type LiveSession, sessionView } from './views.ts';

export interface LiveSalesOptions {
  /** Cards pinned at once per session. @default 3 */
  maxPinned?: number;
  /** Called after a session ended (e.g. to close its media room). */
  onEnded?: ((sessionId: string) => void) | undefined;
  /** Called after every commit that wrote events (wakes the event dispatcher). */
  onCommit?: (() => void) | undefined;
}

export interface NewSession {
  title: string;
  /** Staff may schedule for a host; a host schedules for themself. */
  hostPersonId?: string | undefined;
  scheduledAtMs?: number | undefined;
}

export interface NewCard {
  skuId: string;
  quantity: number;
  /** @default the SKU's price */
  priceMinor?: number | undefined;
  /** @default 5 */
  perMemberLimit?: number | undefined;
  startsAtMs?: number | undefined;
  endsAtMs?: number | undefined;
}

export interface SessionSnapshot {
  session: LiveSession;
  /** Pinned and sold-out cards, in pin order, with live stock. */
  cards: CardView[];
}

const isStaff = (actor: Actor) => actor.roles.includes('staff') || actor.roles.includes('admin');
const VISIBLE = ['pinned', 'sold_out'] as const;

export class LiveSales {
  readonly #store: Store;
  readonly #maxPinned: number;
  readonly #onEnded: ((sessionId: string) => void) | undefined;
  readonly #onCommit: (() => void) | undefined;

  constructor(store: Store, opts: LiveSalesOptions = {}) {
    this.#store = store;
    this.#maxPinned = opts.maxPinned ?? 3;
    this.#onEnded = opts.onEnded;
    this.#onCommit = opts.onCommit;
  }

  // ── sessions ──────────────────────────────────────────────────────────────────────────────────

  async createSession(actor: Actor, input: NewSession, nowMs = Date.now()): Promise<LiveSession> {
    const host = input.hostPersonId ?? actor.personId;
    if (!isStaff(actor) && (host !== actor.personId || !actor.roles.includes('host')))
      throw new VitaliveError('FORBIDDEN', {
        reason: 'hosts schedule their own sessions; staff schedule any',
      });
    const person = await this.#store.db
      .selectFrom('people')
      .select('id')
      .where('id', '=', host)
      .executeTakeFirst();
    if (!person) throw new VitaliveError('NOT_FOUND', { what: `Person ${host}` });
    const row: Selectable<LiveSessionsTable> = {
      id: randomUUID(),
      host_person_id: host,
      title: input.title,
      state: 'scheduled',
      scheduled_at_ms: input.scheduledAtMs ?? null,
      started_at_ms: null,
      ended_at_ms: null,
      created_at_ms: nowMs,
    };
    await this.#write(async (trx) => {
      await trx.insertInto('live_sessions').values(row).execute();
      await appendEvent(trx, {
        type: 'session.created',
        aggregateId: row.id,
        sessionId: row.id,
        payload: { session: sessionView(row) },
      });
    });
    return sessionView(row);
  }

  async session(sessionId: string): Promise<LiveSession | undefined> {
    const row = await this.#sessionRow(this.#store.db, sessionId);
    return row ? sessionView(row) : undefined;
  }

  async listSessions(opts: { state?: LiveSession['state'] | undefined; limit: number; offset: number }) {
    let q = this.#store.db.selectFrom('live_sessions').selectAll();
    if (opts.state) q = q.where('state', '=', opts.state);
    const rows = await q
      .orderBy('created_at_ms', 'desc')
      .orderBy('id')
      .limit(opts.limit)
      .offset(opts.offset)
      .execute();
    return rows.map(sessionView);
  }

  async hostOf(sessionId: string): Promise<string | undefined> {
    return (await this.#sessionRow(this.#store.db, sessionId))?.host_person_id;
  }

  async liveSessions(): Promise<
    Array<{ sessionId: string; title: string; hostPersonId: string; startedAtMs: number }>
  > {
    const rows = await this.#store.db
      .selectFrom('live_sessions')
      .selectAll()
      .where('state', '=', 'live')
      .orderBy('started_at_ms')
      .execute();
    return rows.map((r) => ({
      sessionId: r.id,
      title: r.title,
      hostPersonId: r.host_person_id,
      startedAtMs: Number(r.started_at_ms),
    }));
  }

  /**
   * Hands a scheduled or live session to another host (staff and admins only, as scheduling for someone
   * else is). The host console and the media room follow the `session.updated` event, which names the
   * previous host so their console and publisher can be let go.
   */
  async changeHost(actor: Actor, sessionId: string, hostPersonId: string): Promise<LiveSession> {
    if (!isStaff(actor))
      throw new VitaliveError('FORBIDDEN', { reason: 'only staff assign the host of a session' });
    return this.#write(async (trx) => {
      const row = await this.#sessionRow(trx, sessionId);
      if (!row) throw new VitaliveError('NOT_FOUND', { what: `Live session ${sessionId}` });
      if (row.state === 'ended')
        throw new VitaliveError('SESSION_STATE_INVALID', { state: row.state, action: 'change the host' });
      const person = await trx
        .selectFrom('people')
        .select('id')
        .where('id', '=', hostPersonId)
        .executeTakeFirst();
      if (!person) throw new VitaliveError('NOT_FOUND', { what: `Person ${hostPersonId}` });
      // The host console opens only for these roles, so anyone else could never run the session.
      const role = await trx
        .selectFrom('person_roles')
        .select('role')
        .where('person_id', '=', hostPersonId)
        .where('role', 'in', ['host', 'staff', 'admin'])
        .executeTakeFirst();
      if (!role) throw new VitaliveError('HOST_ROLE_REQUIRED', { personId: hostPersonId });
      if (row.host_person_id === hostPersonId) return sessionView(row);
      // Conditional on the state read above: a session that ended meanwhile keeps its host.
      const res = await trx
        .updateTable('live_sessions')
        .set({ host_person_id: hostPersonId })
        .where('id', '=', sessionId)
        .where('state', '=', row.state)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1)
        throw new VitaliveError('SESSION_STATE_INVALID', { state: 'changing', action: 'change the host' });
      const next = { ...row, host_person_id: hostPersonId };
      await appendEvent(trx, {
        type: 'session.updated',
        aggregateId: sessionId,
        sessionId,
        payload: { session: sessionView(next), previousHostPersonId: row.host_person_id },
      });
      return sessionView(next);
    });
  }

  goLive(actor: Actor, sessionId: string, nowMs = Date.now()): Promise<LiveSession> {
    return this.#transition(actor, sessionId, 'scheduled', 'live', 'go live', nowMs);
  }

  async end(actor: Actor, sessionId: string, nowMs = Date.now()): Promise<LiveSession> {
    const session = await this.#transition(actor, sessionId, 'live', 'ended', 'end', nowMs);
    this.#onEnded?.(sessionId);
    return session;
  }

  async #transition(
    actor: Actor,
    sessionId: string,
    from: LiveSession['state'],
    to: LiveSession['state'],
    action: string,
    nowMs: number,
  ): Promise<LiveSession> {
    return this.#write(async (trx) => {
      const row = await this.#authorised(trx, actor, sessionId);
      if (row.state !== from) throw new VitaliveError('SESSION_STATE_INVALID', { state: row.state, action });
      const next = {
        ...row,
        state: to,
        ...(to === 'live' ? { started_at_ms: nowMs } : { ended_at_ms: nowMs }),
      };
      await trx
        .updateTable('live_sessions')
        .set({ state: to, started_at_ms: next.started_at_ms, ended_at_ms: next.ended_at_ms })
        .where('id', '=', sessionId)
        .execute();
      if (to === 'ended') {
        // Nothing stays on screen after the end: pinned cards come down with the session.
        await trx
          .updateTable('cards')
          .set({ state: 'unpinned', updated_at_ms: nowMs })
          .where('session_id', '=', sessionId)
          .where('state', '=', 'pinned')
          .execute();
        const held = await trx.selectFrom('cards').select('id').where('session_id', '=', sessionId).execute();
        await returnUnsoldUnits(
          trx,
          held.map((c) => c.id),
          nowMs,
        );
      }
      await appendEvent(trx, {
        type: to === 'live' ? 'session.live' : 'session.ended',
        aggregateId: sessionId,
        sessionId,
        payload: { session: sessionView(next) },
      });
      return sessionView(next);
    });
  }

  // ── cards ─────────────────────────────────────────────────────────────────────────────────────

  /** Allots `quantity` units of the SKU to a new draft card (taken from stock on hand). */
  async createCard(actor: Actor, sessionId: string, input: NewCard, nowMs = Date.now()): Promise<CardView> {
    if (input.startsAtMs !== undefined && input.endsAtMs !== undefined && input.endsAtMs <= input.startsAtMs)
      throw new VitaliveError('VALIDATION_FAILED', { reason: 'endsAtMs must be after startsAtMs' });
    return this.#write(async (trx) => {
      const session = await this.#authorised(trx, actor, sessionId);
      if (session.state === 'ended')
        throw new VitaliveError('SESSION_STATE_INVALID', { state: session.state, action: 'add cards' });
      const sku = await trx.selectFrom('skus').selectAll().where('id', '=', input.skuId).executeTakeFirst();
      if (!sku) throw new VitaliveError('NOT_FOUND', { what: `SKU ${input.skuId}` });
      const taken = await trx
        .updateTable('skus')
        .set((eb) => ({ stock_on_hand: eb('stock_on_hand', '-', input.quantity) }))
        .where('id', '=', input.skuId)
        .where('stock_on_hand', '>=', input.quantity)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) !== 1)
        throw new VitaliveError('STOCK_INSUFFICIENT', {
          skuId: sku.id,
          available: Number(sku.stock_on_hand),
        });
      const row: Selectable<CardsTable> = {
        id: randomUUID(),
        session_id: sessionId,
        sku_id: sku.id,
        price_minor: input.priceMinor ?? Number(sku.price_minor),
        currency: sku.currency,
        allotted: input.quantity,
        remaining: input.quantity,
        per_member_limit: input.perMemberLimit ?? 5,
        starts_at_ms: input.startsAtMs ?? null,
        ends_at_ms: input.endsAtMs ?? null,
        state: 'draft',
        pinned_at_ms: null,
        created_at_ms: nowMs,
        updated_at_ms: nowMs,
      };
      await trx.insertInto('cards').values(row).execute();
      const view = cardView(row, sku.titles);
      await appendEvent(trx, {
        type: 'card.created',
        aggregateId: row.id,
        sessionId,
        payload: { card: view },
      });
      return view;
    });
  }

  async cards(sessionId: string): Promise<CardView[]> {
    const rows = await this.#cardRows(this.#store.db, sessionId).orderBy('cards.created_at_ms').execute();
    return rows.map((r) => cardView(r, r.titles));
  }

  async card(cardId: string): Promise<CardView | undefined> {
    const row = await this.#store.db
      .selectFrom('cards')
      .innerJoin('skus', 'skus.id', 'cards.sku_id')
      .selectAll('cards')
      .select('skus.titles')
      .where('cards.id', '=', cardId)
      .executeTakeFirst();
    return row ? cardView(row, row.titles) : undefined;
  }

  pin(actor: Actor, sessionId: string, cardId: string, nowMs = Date.now()): Promise<CardView> {
    return this.#cardChange(actor, sessionId, cardId, 'pin', async (trx, card, session) => {
      if (session.state !== 'live')
        throw new VitaliveError('SESSION_STATE_INVALID', { state: session.state, action: 'pin cards' });
      if (card.state !== 'draft' && card.state !== 'unpinned')
        throw new VitaliveError('CARD_STATE_INVALID', { state: card.state, action: 'pin' });
      // Pins of one session take turns (SQLite has one writer anyway), so two racing for the last
      // place cannot both count it free.
      if (this.#store.dialect === 'postgres')
        await trx.selectFrom('live_sessions').select('id').where('id', '=', sessionId).forUpdate().execute();
      const pinned = await trx
        .selectFrom('cards')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('session_id', '=', sessionId)
        .where('state', '=', 'pinned')
        .executeTakeFirstOrThrow();
      if (Number(pinned.n) >= this.#maxPinned)
        throw new VitaliveError('CARD_PIN_LIMIT', { limit: this.#maxPinned });
      return { state: 'pinned', pinned_at_ms: nowMs, event: 'card.pinned' };
    });
  }

  unpin(actor: Actor, sessionId: string, cardId: string): Promise<CardView> {
    return this.#cardChange(actor, sessionId, cardId, 'unpin', async (_trx, card) => {
      if (card.state !== 'pinned')
        throw new VitaliveError('CARD_STATE_INVALID', { state: card.state, action: 'unpin' });
      return { state: 'unpinned', pinned_at_ms: card.pinned_at_ms, event: 'card.unpinned' };
    });
  }

  /** Sets the window in which the card can be bought; viewers see the countdown. */
  async countdown(
    actor: Actor,
    sessionId: string,
    cardId: string,
    startsAtMs: number,
    endsAtMs: number,
  ): Promise<CardView> {
    if (endsAtMs <= startsAtMs)
      throw new VitaliveError('VALIDATION_FAILED', { reason: 'endsAtMs must be after startsAtMs' });
    return this.#cardChange(actor, sessionId, cardId, 'start a countdown', async (_trx, card) => {
      if (card.state === 'sold_out' || card.state === 'expired')
        throw new VitaliveError('CARD_STATE_INVALID', { state: card.state, action: 'start a countdown' });
      return {
        state: card.state,
        pinned_at_ms: card.pinned_at_ms,
        starts_at_ms: startsAtMs,
        ends_at_ms: endsAtMs,
        event: 'card.updated',
      };
    });
  }

  /** Cards whose countdown window closed become `expired` (one event each); safe on several processes. */
  async expireDueCards(nowMs = Date.now()): Promise<number> {
    const due = await this.#store.db
      .selectFrom('cards')
      .select(['id', 'session_id'])
      .where('ends_at_ms', '<=', nowMs)
      .where('state', 'in', ['draft', 'pinned', 'unpinned'])
      .limit(500)
      .execute();
    let expired = 0;
    for (const c of due) {
      await this.#write(async (trx) => {
        const res = await trx
          .updateTable('cards')
          .set({ state: 'expired', updated_at_ms: nowMs })
          .where('id', '=', c.id)
          .where('state', 'in', ['draft', 'pinned', 'unpinned'])
          .executeTakeFirst();
        // Another process got there first: no second event.
        if (Number(res.numUpdatedRows) !== 1) return;
        await returnUnsoldUnits(trx, [c.id], nowMs);
        expired++;
        await appendEvent(trx, {
          type: 'card.expired',
          aggregateId: c.id,
          sessionId: c.session_id,
          payload: { cardId: c.id, state: 'expired', card: await this.#cardView(trx, c.session_id, c.id) },
        });
      });
    }
    return expired;
  }

  /** What a viewer sees on joining: the session and its pinned cards with live stock. */
  async snapshot(sessionId: string): Promise<SessionSnapshot | undefined> {
    const row = await this.#sessionRow(this.#store.db, sessionId);
    if (!row) return undefined;
    const cards = await this.#cardRows(this.#store.db, sessionId)
      .where('cards.state', 'in', [...VISIBLE])
      .orderBy('cards.pinned_at_ms')
      .execute();
    return { session: sessionView(row), cards: cards.map((c) => cardView(c, c.titles)) };
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────────

  async #write<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    const result = await this.#store.transaction(fn);
    this.#onCommit?.();
    return result;
  }

  async #cardView(db: Kysely<Database>, sessionId: string, cardId: string): Promise<CardView> {
    const row = await this.#cardRows(db, sessionId).where('cards.id', '=', cardId).executeTakeFirstOrThrow();
    return cardView(row, row.titles);
  }

  #sessionRow(db: Kysely<Database>, sessionId: string) {
    return db.selectFrom('live_sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
  }

  #cardRows(db: Kysely<Database>, sessionId: string) {
    return db
      .selectFrom('cards')
      .innerJoin('skus', 'skus.id', 'cards.sku_id')
      .selectAll('cards')
      .select('skus.titles')
      .where('cards.session_id', '=', sessionId);
  }

  async #authorised(trx: Kysely<Database>, actor: Actor, sessionId: string) {
    const row = await this.#sessionRow(trx, sessionId);
    if (!row) throw new VitaliveError('NOT_FOUND', { what: `Live session ${sessionId}` });
    if (!isStaff(actor) && row.host_person_id !== actor.personId)
      throw new VitaliveError('FORBIDDEN', { reason: 'only the host of this session or staff' });
    return row;
  }

  async #cardChange(
    actor: Actor,
    sessionId: string,
    cardId: string,
    action: string,
    decide: (
      trx: Kysely<Database>,
      card: Selectable<CardsTable>,
      session: Selectable<LiveSessionsTable>,
    ) => Promise<{
      state: CardsTable['state'];
      pinned_at_ms: number | null;
      starts_at_ms?: number;
      ends_at_ms?: number;
      event: 'card.pinned' | 'card.unpinned' | 'card.updated';
    }>,
  ): Promise<CardView> {
    const nowMs = Date.now();
    return this.#write(async (trx) => {
      const session = await this.#authorised(trx, actor, sessionId);
      const card = await this.#cardRows(trx, sessionId).where('cards.id', '=', cardId).executeTakeFirst();
      if (!card) throw new VitaliveError('NOT_FOUND', { what: `Card ${cardId}` });
      const change = await decide(trx, card, session);
      const { event, ...set } = change;
      // Conditional on the state we decided from, so two hosts racing cannot both win.
      const res = await trx
        .updateTable('cards')
        .set({ ...set, updated_at_ms: nowMs })
        .where('id', '=', cardId)
        .where('state', '=', card.state)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1)
        throw new VitaliveError('CARD_STATE_INVALID', { state: 'changing', action });
      const view = cardView({ ...card, ...set, updated_at_ms: nowMs }, card.titles);
      await appendEvent(trx, { type: event, aggregateId: cardId, sessionId, payload: { card: view } });
      return view;
    });
  }
}
