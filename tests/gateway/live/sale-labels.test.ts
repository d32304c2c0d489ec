// The host's order frames are labelled with the buyer's name and the product through a cache: one read
// per buyer and card within a minute, read again after it, and never more entries than its bound.
import { describe, expect, it } from 'vitest';
import { cachedSaleLabels } from '../../../gateway/sockets/host/sale-labels.ts';

const titles = { en: 'Bar', 'zh-Hans': '棒', 'zh-Hant': '棒' };

describe('sale labels for the host feed', () => {
  it('reads a buyer and card once a minute, and a failed read labels nothing', async () => {
    let now = 0;
    const reads: string[] = [];
    const labels = cachedSaleLabels(
      async (personId, cardId) => {
        reads.push(`${personId}/${cardId}`);
        if (personId === 'broken') throw new Error('store down');
        return { buyerName: `Name of ${personId}`, titles };
      },
      () => now,
    );
    expect(await labels('p1', 'c1')).toEqual({ buyerName: 'Name of p1', titles });
    await labels('p1', 'c1');
    await labels('p1', 'c2');
    expect(reads).toEqual(['p1/c1', 'p1/c2']);
    now = 60_001;
    await labels('p1', 'c1');
    expect(reads).toEqual(['p1/c1', 'p1/c2', 'p1/c1']);
    expect(await labels('broken', 'c1')).toBeUndefined();
  });

  it('keeps at most 5,000 entries, dropping the oldest', async () => {
    const reads = new Map<string, number>();
    const labels = cachedSaleLabels(async (personId) => {
      reads.set(personId, (reads.get(personId) ?? 0) + 1);
      return { buyerName: personId, titles };
    });
    for (let i = 0; i <= 5_000; i++) await labels(`p${i}`, 'c');
    // p0 was the oldest of 5,001: dropped, so it is read again; p5000 is still kept.
    await labels('p0', 'c');
    await labels('p5000', 'c');
    expect(reads.get('p0')).toBe(2);
    expect(reads.get('p5000')).toBe(1);
  });
});
