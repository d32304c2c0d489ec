// The XLSX writer's pieces: column names past Z, text that XML 1.0 cannot carry, Excel's cell limit, and
// a workbook of many rows and columns that `unzip` reads back intact.
import { describe, expect, it } from 'vitest';
import { CELL_MAX_CHARS, columnName, xlsx, xmlText } from '../../gateway/exports/index.ts';
import { readXlsx } from '../helpers/spreadsheets.ts';

describe('xlsx writer', () => {
  it('names columns A…Z, AA…AZ, …, ZZ, AAA', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(columnName)).toEqual([
      'A',
      'B',
      'Z',
      'AA',
      'AB',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
    ]);
  });

  it('escapes markup and drops characters XML 1.0 does not allow', () => {
    expect(xmlText('a<b>&"c"')).toBe('a&lt;b&gt;&amp;&quot;c&quot;');
    expect(xmlText('x\u0000\u0007\u001Fy\tz\n\uFFFE')).toBe('xy\tz\n');
    // A lone surrogate goes; a pair (an emoji) stays.
    expect(xmlText('\uD83D|\uDE00|😀')).toBe('||😀');
  });

  it('writes 30 columns × 2,000 rows that read back as written, long text cut to the cell limit', () => {
    const columns = Array.from({ length: 30 }, (_, i) => `col${i}`);
    const rows = Array.from({ length: 2000 }, (_, r) =>
      Object.fromEntries(
        columns.map((c, i) => [c, i % 3 === 0 ? r * 1000 + i : i % 3 === 1 ? `r${r}c${i}` : null]),
      ),
    );
    rows[0]!.col1 = 'x'.repeat(CELL_MAX_CHARS + 10);
    const sheet = readXlsx(xlsx('Data', columns, rows));
    expect(sheet.rows).toHaveLength(2001);
    expect(sheet.rows[0]).toEqual(columns);
    expect(sheet.rows[1]![1]).toHaveLength(CELL_MAX_CHARS);
    expect(sheet.rows[2000]).toHaveLength(29); // the last column is empty: no cell
    expect(sheet.rows[2000]![27]).toBe(String(1999 * 1000 + 27));
    expect(sheet.rows[2000]![28]).toBe('r1999c28');
  });

  it('refuses a sheet name Excel would refuse', () => {
    expect(() => xlsx('a/b', ['x'], [])).toThrow(TypeError);
    expect(() => xlsx('x'.repeat(32), ['x'], [])).toThrow(TypeError);
  });
});
