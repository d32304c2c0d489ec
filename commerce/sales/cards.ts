// Product cards of a live session: allotted from SKU stock, pinned (at most N at once) and unpinned by the
// host or staff, countdown windows, and expiry when a window closes.
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { appendEvent } from '../outbox.ts';
import type { Actor } from '../people/person-model.ts';
import type { Database } from '../schema.ts';
import { authorisedSession, cardRows, cardViewIn, type SalesContext } from './sales-context.ts';
import type { CardsTable, LiveSessionsTable } from './tables.ts';
import { returnUnsoldUnits } from './unsold-units.ts';
import { type CardView, cardView } from './views.ts';

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

export async function createCard(
  ctx: SalesContext,
  actor: Actor,
  sessionId: string,
  input: NewCard,
  nowMs = Date.now(),
): Promise<CardView> {
  if (input.startsAtMs !== undefined && input.endsAtMs !== undefined && input.endsAtMs <= input.startsAtMs)
    throw new VitaliveError('VALIDATION_FAILED', { reason: 'endsAtMs must be after startsAtMs' });
  return ctx.write(async (trx) => {
    const session = await authorisedSession(trx, actor, sessionId);
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

export async function cardsOf(ctx: SalesContext, sessionId: string): Promise<CardView[]> {
  const rows = await cardRows(ctx.store.db, sessionId).orderBy('cards.created_at_ms').execute();
  return rows.map((r) => cardView(r, r.titles));
}

export async function cardById(ctx: SalesContext, cardId: string): Promise<CardView | undefined> {
  const row = await ctx.store.db
    .selectFrom('cards')
    .innerJoin('skus', 'skus.id', 'cards.sku_id')
    .selectAll('cards')
    .select('skus.titles')
    .where('cards.id', '=', cardId)
    .executeTakeFirst();
  return row ? cardView(row, row.titles) : undefined;
}

export function pinCard(
  ctx: SalesContext,
  actor: Actor,
  sessionId: string,
  cardId: string,
  nowMs = Date.now(),
): Promise<CardView> {
  return changeCard(ctx, actor, sessionId, cardId, 'pin', async (trx, card, session) => {
    if (session.state !== 'live')
      throw new VitaliveError('SESSION_STATE_INVALID', { state: session.state, action: 'pin cards' });
    if (card.state !== 'draft' && card.state !== 'unpinned')
      throw new VitaliveError('CARD_STATE_INVALID', { state: card.state, action: 'pin' });
    // Pins of one session take turns (SQLite has one writer anyway), so two racing for the last
    // place cannot both count it free.
    if (ctx.store.dialect === 'postgres')
      await trx.selectFrom('live_sessions').select('id').where('id', '=', sessionId).forUpdate().execute();
    const pinned = await trx
      .selectFrom('cards')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('session_id', '=', sessionId)
      .where('state', '=', 'pinned')
      .executeTakeFirstOrThrow();
    if (Number(pinned.n) >= ctx.maxPinned)
      throw new VitaliveError('CARD_PIN_LIMIT', { limit: ctx.maxPinned });
    return { state: 'pinned', pinned_at_ms: nowMs, event: 'card.pinned' };
  });
}

export function unpinCard(
  ctx: SalesContext,
  actor: Actor,
  sessionId: string,
  cardId: string,
): Promise<CardView> {
  return changeCard(ctx, actor, sessionId, cardId, 'unpin', async (_trx, card) => {
    if (card.state !== 'pinned')
      throw new VitaliveError('CARD_STATE_INVALID', { state: card.state, action: 'unpin' });
    return { state: 'unpinned', pinned_at_ms: card.pinned_at_ms, event: 'card.unpinned' };
  });
}

export async function countdown(
  ctx: SalesContext,
  actor: Actor,
  sessionId: string,
  cardId: string,
  startsAtMs: number,
  endsAtMs: number,
): Promise<CardView> {
  if (endsAtMs <= startsAtMs)
    throw new VitaliveError('VALIDATION_FAILED', { reason: 'endsAtMs must be after startsAtMs' });
  return changeCard(ctx, actor, sessionId, cardId, 'start a countdown', async (_trx, card) => {
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

export async function expireDueCards(ctx: SalesContext, nowMs = Date.now()): Promise<number> {
  const due = await ctx.store.db
    .selectFrom('cards')
    .select(['id', 'session_id'])
    .where('ends_at_ms', '<=', nowMs)
    .where('state', 'in', ['draft', 'pinned', 'unpinned'])
    .limit(500)
    .execute();
  let expired = 0;
  for (const c of due) {
    await ctx.write(async (trx) => {
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
        payload: { cardId: c.id, state: 'expired', card: await cardViewIn(trx, c.session_id, c.id) },
      });
    });
  }
  return expired;
}

export async function changeCard(
  ctx: SalesContext,
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
  return ctx.write(async (trx) => {
    const session = await authorisedSession(trx, actor, sessionId);
    const card = await cardRows(trx, sessionId).where('cards.id', '=', cardId).executeTakeFirst();
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
