// The one place where units left on a card go back to the warehouse (the SKU's stock on hand): when the
// card's session ends and when the card expires. A card that can no longer sell must not keep units
// that another session could sell. Runs inside the caller's transaction.
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
    .execute();
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
    await trx
      .updateTable('skus')
      .set({ stock_on_hand: sql`stock_on_hand + ${units}` })
      .where('id', '=', c.sku_id)
      .execute();
    moved.set(c.id, units);
  }
  return moved;
}
