// Multi-row statements in a bounded set of shapes. A batch of n rows is written as chunks whose sizes
// are powers of two (largest first, none above `max`), so a table sees at most log2(max) + 1 distinct
// statements however its batches vary. On SQLite each shape is prepared once and stays in the
// statement cache; with arbitrary sizes every batch prepared its own large statement, and a 10,000
// viewer join storm held ≈ 100 of them (tens of MB of native memory) until they were collected.

/** Splits `items` into power-of-two-sized chunks of at most `max` items each, in order. */
export function chunks<T>(items: readonly T[], max = 512): T[][] {
  let size = 1;
  while (size * 2 <= max) size *= 2;
  const out: T[][] = [];
  let i = 0;
  while (i < items.length) {
    while (size > items.length - i) size /= 2;
    out.push(items.slice(i, i + size));
    i += size;
  }
  return out;
}
