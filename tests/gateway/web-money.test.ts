// Staff type prices in currency units; the API takes integer minor units. The conversion must be exact
// (no 0.1 + 0.2 drift), follow the currency's own decimals and refuse what it cannot represent.
import { describe, expect, it } from 'vitest';
import { currencyDigits, minorToUnits, parseMoney } from '../../gateway/web/src/common/money.ts';

describe('money typed in currency units', () => {
  it('knows each currency its decimals', () => {
    expect(currencyDigits('CNY')).toBe(2);
    expect(currencyDigits('jpy')).toBe(0);
    expect(currencyDigits('KWD')).toBe(3);
    expect(currencyDigits('XXZ')).toBe(2);
  });

  it('reads amounts exactly into minor units', () => {
    expect(parseMoney('199.00', 'CNY')).toEqual({ ok: true, minor: 19900 });
    expect(parseMoney('199', 'CNY')).toEqual({ ok: true, minor: 19900 });
    expect(parseMoney('199.9', 'CNY')).toEqual({ ok: true, minor: 19990 });
    expect(parseMoney('0.29', 'CNY')).toEqual({ ok: true, minor: 29 });
    expect(parseMoney('1,299.50', 'CNY')).toEqual({ ok: true, minor: 129950 });
    expect(parseMoney(' １９９。５ ', 'CNY')).toEqual({ ok: true, minor: 19950 });
    expect(parseMoney('1500', 'JPY')).toEqual({ ok: true, minor: 1500 });
    expect(parseMoney('1.234', 'KWD')).toEqual({ ok: true, minor: 1234 });
    expect(parseMoney('12.50', 'JPY')).toEqual({ ok: false, reason: 'precision' });
  });

  it('refuses what is not an amount', () => {
    expect(parseMoney('', 'CNY')).toEqual({ ok: false, reason: 'format' });
    expect(parseMoney('-5', 'CNY')).toEqual({ ok: false, reason: 'format' });
    expect(parseMoney('1e3', 'CNY')).toEqual({ ok: false, reason: 'format' });
    expect(parseMoney('19.999', 'CNY')).toEqual({ ok: false, reason: 'precision' });
    expect(parseMoney('99999999999999999', 'CNY')).toEqual({ ok: false, reason: 'range' });
  });

  it('writes minor units back as typed amounts', () => {
    expect(minorToUnits(19900, 'CNY')).toBe('199.00');
    expect(minorToUnits(5, 'CNY')).toBe('0.05');
    expect(minorToUnits(1500, 'JPY')).toBe('1500');
    for (const text of ['0.01', '10.10', '123456.78']) {
      const parsed = parseMoney(text, 'CNY');
      expect(parsed.ok && minorToUnits(parsed.minor, 'CNY')).toBe(text);
    }
  });
});
