// When a session's cards were pinned and unpinned, read back from its outbox events (the record of every
// change), for the replay's timeline. An expired card counts as unpinned.
import type { SalesContext } from './sales-context.ts';

export interface CardMoment {
  cardId: string;
  type: 'pinned' | 'unpinned';
  atMs: number;
}

const MOMENT_TYPES = ['card.pinned', 'card.unpinned', 'card.expired'];

export async function cardMoments(ctx: SalesContext, sessionId: string): Promise<CardMoment[]> {
  const rows = await ctx.store.db
    .selectFrom('outbox')
    .select(['type', 'aggregate_id', 'created_at_ms'])
    .where('session_id', '=', sessionId)
    .where('type', 'in', MOMENT_TYPES)
    .orderBy('created_at_ms')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    cardId: r.aggregate_id,
    type: r.type === 'card.pinned' ? 'pinned' : 'unpinned',
    atMs: Number(r.created_at_ms),
  }));
}
