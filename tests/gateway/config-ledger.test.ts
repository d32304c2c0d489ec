// Configuration of the ledger: documented defaults, overrides, and CONFIG_INVALID for bad values.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../gateway/config.ts';

describe('loadConfig for the ledger', () => {
  it('has documented defaults', () => {
    expect(loadConfig({}).ledger).toEqual({
      referralRatesBps: { basic: 300, silver: 500, gold: 800 },
      refundWindowMs: 604_800_000,
      redeemMaxShareBps: 5000,
      sweepPeriodMs: 60_000,
      payCreditInCash: false,
    });
  });

  it('takes overrides; default rates keep only tiers that exist', () => {
    const c = loadConfig({
      PERSON_TIERS: 'basic,vip',
      LEDGER_REFERRAL_RATES_BPS: 'vip: 1000, basic:0',
      LEDGER_REFUND_WINDOW_MS: '0',
      LEDGER_REDEEM_MAX_SHARE_BPS: '0',
      LEDGER_SWEEP_PERIOD_MS: '1000',
      LEDGER_PAY_CREDIT_IN_CASH: 'true',
    });
    expect(c.ledger).toEqual({
      referralRatesBps: { vip: 1000, basic: 0 },
      refundWindowMs: 0,
      redeemMaxShareBps: 0,
      sweepPeriodMs: 1000,
      payCreditInCash: true,
    });
    expect(loadConfig({ PERSON_TIERS: 'basic,vip' }).ledger.referralRatesBps).toEqual({ basic: 300 });
  });

  it.each([
    ['LEDGER_REFERRAL_RATES_BPS', 'basic=300'],
    ['LEDGER_REFERRAL_RATES_BPS', 'basic:10001'],
    ['LEDGER_REFERRAL_RATES_BPS', 'basic:1,basic:2'],
    ['LEDGER_REFERRAL_RATES_BPS', 'platinum:100'],
    ['LEDGER_REFERRAL_RATES_BPS', 'basic:-1'],
    ['LEDGER_REFUND_WINDOW_MS', '-1'],
    ['LEDGER_REDEEM_MAX_SHARE_BPS', '10000'],
    ['LEDGER_SWEEP_PERIOD_MS', '0'],
    ['LEDGER_PAY_CREDIT_IN_CASH', 'yes'],
  ])('rejects %s=%s with CONFIG_INVALID naming the variable', (key, value) => {
    expect(() => loadConfig({ [key]: value })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', params: expect.objectContaining({ key }) }),
    );
  });
});
