// The one place where units left on a card go back to the warehouse (the SKU's stock on hand): when the
// card's session ends and when the card expires. A card that can no longer sell must not keep units
// that another session could sell. Runs inside the caller's transaction.
//
// Lock order: every card row first (by id), then every SKU row (by id). A writer that holds one card and
// then wants its SKU (the expiry sweeper) therefore never waits for a SKU this transaction already holds
// while this one waits for its card: on PostgreSQL that cycle was a deadlock, and one side failed.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';

/** Moves every unit left on these cards back to stock; resolves with the units moved per card. */
export async function returnUnsoldUnits(
  trx: Kysely<Database>,
  cardIds: readonly string[],
  nowMs: number,
): Promise<Map<string, number>> {
  const moved = new Map<string, number>();
  if (cardIds.length === 0) return moved;
  const cards = await trx
    .selectFrom('cards')
    .select(['id', 'sku_id', 'remaining'])
    .where('id', 'in', [...cardIds])
    .where('remaining', '>', 0)
    .orderBy('id')
    .execute();
  const toStock = new Map<string, number>();
  for (const c of cards) {
    const units = Number(c.remaining);
    // Conditional on the units read above: a placement committing in between is never undone.
    const res = await trx
      .updateTable('cards')
      .set({ remaining: sql`remaining - ${units}`, updated_at_ms: nowMs })
      .where('id', '=', c.id)
      .where('remaining', '>=', units)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) continue;
    moved.set(c.id, units);
    toStock.set(c.sku_id, (toStock.get(c.sku_id) ?? 0) + units);
  }
  for (const skuId of [...toStock.keys()].sort()) {
    await trx
      .updateTable('skus')
      .set({ stock_on_hand: sql`stock_on_hand + ${toStock.get(skuId)!}` })
      .where('id', '=', skuId)
      .execute();
  }
  return moved;
}
