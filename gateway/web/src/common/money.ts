// Money on the wire is integer minor units with an ISO 4217 currency; people type and read currency units
// ("199.00"). The number of fraction digits comes from the currency (CNY 2, JPY 0, KWD 3).

const fractionDigits = new Map<string, number>();

/** Minor-unit digits of a currency; 2 for a code Intl does not know. */
export function currencyDigits(currency: string): number {
  const code = currency.trim().toUpperCase();
  let digits = fractionDigits.get(code);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
          .maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    fractionDigits.set(code, digits);
  }
  return digits;
}

export type ParsedMoney =
  | { ok: true; minor: number }
  | { ok: false; reason: 'format' | 'precision' | 'range' };

/**
 * Reads an amount typed in currency units ("199", "199.9", "199.00", "1,299.50", "１９９") into minor units without
 * floating-point rounding. More fraction digits than the currency has is an error, not a silent rounding.
 */
export function parseMoney(text: string, currency: string): ParsedMoney {
  const digits = currencyDigits(currency);
  // Full-width digits and the ideographic full stop come from Chinese input methods.
  const normal = text
    .trim()
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[．。]/g, '.')
    .replace(/[,，\s]/g, '');
  const match = /^(\d+)(?:\.(\d*))?$/.exec(normal);
  if (!match) return { ok: false, reason: 'format' };
  const whole = match[1] ?? '';
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) return { ok: false, reason: 'precision' };
  const minor = Number(whole + fraction.padEnd(digits, '0'));
  if (!Number.isSafeInteger(minor)) return { ok: false, reason: 'range' };
  return { ok: true, minor };
}

/** Minor units as the plain amount a person would type back ("199.00"), for editable fields. */
export function minorToUnits(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  if (digits === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const abs = String(Math.abs(minor)).padStart(digits + 1, '0');
  return `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}
