// The ledger's one rounding rule and its defaults: a share is floored to the minor unit, exact with
// products past 2^53, and only integer amounts ≥ 0 and rates within 0..10000 bp are accepted.
import { describe, expect, it } from 'vitest';
import { DEFAULT_LEDGER_RULES, shareOf } from '../../commerce/internals.ts';

describe('ledger rules', () => {
  it('floors a share to the minor unit, exactly, over the whole rate range', () => {
    expect(shareOf(0, 5000)).toBe(0);
    expect(shareOf(10_000, 0)).toBe(0);
    expect(shareOf(10_000, 1)).toBe(1);
    expect(shareOf(9_999, 1)).toBe(0);
    expect(shareOf(19_999, 10_000)).toBe(19_999);
    expect(shareOf(3, 5000)).toBe(1);
    // 9_007_199_254_740_991 × 9999 is far past 2^53: only integer arithmetic gets the floor right.
    expect(shareOf(Number.MAX_SAFE_INTEGER, 9_999)).toBe(9_006_298_534_815_516);
    expect(shareOf(Number.MAX_SAFE_INTEGER, 5000)).toBe(4_503_599_627_370_495);
  });

  it('refuses amounts and rates outside their range', () => {
    for (const [base, bps] of [
      [-1, 10],
      [1.5, 10],
      [Number.NaN, 10],
      [100, -1],
      [100, 10_001],
      [100, 2.5],
      [100, Number.POSITIVE_INFINITY],
    ] as const)
      expect(() => shareOf(base, bps), `${base} × ${bps}`).toThrow(TypeError);
    expect(() => shareOf(-1, 10)).toThrow('baseMinor must be an integer ≥ 0');
    expect(() => shareOf(1, 10_001)).toThrow('bps must be in 0..10000');
  });

  it('defaults: 3 / 5 / 8 % by tier, a 7-day refund window, credit pays at most half an order and is not paid in cash', () => {
    expect(DEFAULT_LEDGER_RULES).toEqual({
      referralRatesBps: { basic: 300, silver: 500, gold: 800 },
      refundWindowMs: 604_800_000,
      redeemMaxShareBps: 5000,
      payCreditInCash: false,
    });
  });
});
