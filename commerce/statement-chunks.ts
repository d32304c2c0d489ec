// Multi-row statements in a bounded set of shapes on SQLite. A batch of n rows is written there as
// chunks whose sizes are powers of two (largest first, none above `max`), so a table sees at most
// log2(max) + 1 distinct statements however its batches vary: each shape is prepared once and stays in
// the statement cache. With arbitrary sizes every batch prepared its own large statement, and a 10,000
// viewer join storm held ≈ 100 of them (≈ 20 MB of native memory). PostgreSQL prepares nothing across
// executions, so there the fewest statements (plain slices of `max`) cost the fewest round trips.
import type { Kysely } from 'kysely';
import { isPostgres } from './migrations/dialect.ts';

/** Splits `items` into chunks of at most `max` items, in order: power-of-two sizes on SQLite. */
export function chunks<T>(db: Pick<Kysely<unknown>, 'getExecutor'>, items: readonly T[], max = 512): T[][] {
  const out: T[][] = [];
  if (isPostgres(db as Kysely<unknown>)) {
    for (let i = 0; i < items.length; i += max) out.push(items.slice(i, i + max));
    return out;
  }
  let size = 1;
  while (size * 2 <= max) size *= 2;
  let i = 0;
  while (i < items.length) {
    while (size > items.length - i) size /= 2;
    out.push(items.slice(i, i + size));
    i += size;
  }
  return out;
}
