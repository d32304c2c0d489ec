import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { chunks } from '../../commerce/statement-chunks.ts';

describe('statement chunks', () => {
  const sqlite = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  // The pool opens no connection until a query runs; only the dialect matters here.
  const postgres = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ max: 1 }) }) });
  afterAll(async () => {
    await sqlite.destroy();
    await postgres.destroy();
  });

  it('on SQLite: power-of-two sizes, largest first, in order, none above the limit', () => {
    const items = Array.from({ length: 300 }, (_, i) => i);
    const parts = chunks(sqlite, items, 256);
    expect(parts.map((p) => p.length)).toEqual([256, 32, 8, 4]);
    expect(parts.flat()).toEqual(items);
    expect(chunks(sqlite, items, 500).map((p) => p.length)).toEqual([256, 32, 8, 4]);
    expect(chunks(sqlite, Array.from({ length: 1100 }), 512).map((p) => p.length)).toEqual([
      512, 512, 64, 8, 4,
    ]);
    expect(chunks(sqlite, [], 512)).toEqual([]);
    expect(chunks(sqlite, [1, 2, 3], 1)).toEqual([[1], [2], [3]]);
  });

  it('on SQLite: the number of distinct statement shapes stays logarithmic over every batch size', () => {
    const shapes = new Set<number>();
    for (let n = 1; n <= 2000; n++)
      for (const p of chunks(sqlite, Array.from({ length: n }), 512)) shapes.add(p.length);
    expect([...shapes].sort((a, b) => a - b)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512]);
  });

  it('on PostgreSQL: the fewest statements, plain slices of the limit', () => {
    const items = Array.from({ length: 1100 }, (_, i) => i);
    const parts = chunks(postgres, items, 500);
    expect(parts.map((p) => p.length)).toEqual([500, 500, 100]);
    expect(parts.flat()).toEqual(items);
  });
});
