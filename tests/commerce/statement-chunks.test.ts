import { describe, expect, it } from 'vitest';
import { chunks } from '../../commerce/statement-chunks.ts';

describe('statement chunks', () => {
  it('splits into power-of-two sizes, largest first, in order, none above the limit', () => {
    const items = Array.from({ length: 300 }, (_, i) => i);
    const parts = chunks(items, 256);
    expect(parts.map((p) => p.length)).toEqual([256, 32, 8, 4]);
    expect(parts.flat()).toEqual(items);
    expect(chunks(items, 500).map((p) => p.length)).toEqual([256, 32, 8, 4]);
    expect(chunks(Array.from({ length: 1100 }), 512).map((p) => p.length)).toEqual([512, 512, 64, 8, 4]);
    expect(chunks([], 512)).toEqual([]);
    expect(chunks([1, 2, 3], 1)).toEqual([[1], [2], [3]]);
  });

  it('keeps the number of distinct statement shapes logarithmic over every batch size', () => {
    const shapes = new Set<number>();
    for (let n = 1; n <= 2000; n++)
      for (const p of chunks(Array.from({ length: n }), 512)) shapes.add(p.length);
    expect([...shapes].sort((a, b) => a - b)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512]);
  });
});
