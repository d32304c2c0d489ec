// The follow-up list as XLSX: the same rows and columns as the CSV of the same query, cell for cell, read
// back through `unzip` (which also checks each entry's CRC-32). Names that a spreadsheet would take for a
// formula or a number stay text; a channel manager's workbook holds only their channels' people.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOLLOW_UP_EXPORT_COLUMNS } from '../../protocols/index.ts';
import { call } from '../helpers/http-call.ts';
import { seedChannel } from '../helpers/ledger.ts';
import {
  openTestStore,
  type Seeded,
  STORE_BACKENDS,
  seedPerson,
  seedStaff,
  startTestApi,
  type TestApi,
  type TestStore,
  testTokens,
} from '../helpers/people.ts';
import { parseCsv, readXlsx } from '../helpers/spreadsheets.ts';

const tokens = testTokens();

const NAMES = [
  'Plain Name',
  'Comma, "Quoted" Name',
  '=HYPERLINK("http://evil.test","x")',
  '007',
  '王小明 <b>&amp;</b>',
  'Line\nbreak',
];

describe.each(STORE_BACKENDS)('follow-up XLSX export on $name', ({ name }) => {
  let t: TestStore;
  let api: TestApi;
  let staff: Seeded;
  let m1: Seeded;
  let m2: Seeded;
  let c1: string;

  beforeAll(async () => {
    t = await openTestStore(name);
    api = await startTestApi(t.store);
    staff = await seedStaff(t.store, tokens);
    m1 = await seedPerson(t.store, tokens, { roles: ['channel_manager'], displayName: 'Manager One' });
    m2 = await seedPerson(t.store, tokens, { roles: ['channel_manager'] });
    c1 = await seedChannel(t.store, { commissionBps: 1000, managerId: m1.person.id, name: 'C1, "north"' });
    await seedChannel(t.store, { commissionBps: 1000, managerId: m2.person.id });
    const now = Date.now();
    for (const [i, displayName] of NAMES.entries()) {
      const p = await seedPerson(t.store, tokens, {
        displayName,
        channelId: c1,
        healthDataConsent: i % 2 === 0,
      });
      const id = randomUUID();
      await t.store.db
        .insertInto('follow_ups')
        .values({
          id,
          person_id: p.person.id,
          channel_id: c1,
          owner_id: i % 3 === 0 ? m1.person.id : null,
          stage: i === 5 ? 'lost' : 'contacted',
          lost_reason: i === 5 ? 'moved away; "too far"' : null,
          next_due_at_ms: i % 2 === 0 ? now + i * 60_000 : null,
          created_at_ms: now - i,
          updated_at_ms: now - i,
        })
        .execute();
      const note = await call(api.url, 'POST', `/api/follow-ups/${id}/notes`, {
        token: m1.token,
        body: { body: `Trial note ${i}: <ok> & "fine"\nsecond line` },
      });
      expect(note.status).toBe(201);
    }
  }, 30_000);
  afterAll(async () => {
    await api?.close();
    await t?.cleanup();
  });

  const fetchExport = (token: string, query: string, format: 'csv' | 'xlsx') =>
    fetch(`${api.url}/api/follow-ups?${query}&format=${format}`, {
      headers: { authorization: `Bearer ${token}` },
    });

  it('holds the CSV of the same query, cell for cell, with text kept as text', async () => {
    const query = `channelId=${c1}&sort=name&order=asc&includeNotes=true`;
    const csv = await fetchExport(m1.token, query, 'csv');
    const book = await fetchExport(m1.token, query, 'xlsx');
    expect(book.status).toBe(200);
    expect(book.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(book.headers.get('content-disposition')).toContain('follow-ups.xlsx');
    const sheet = readXlsx(Buffer.from(await book.arrayBuffer()));
    expect(sheet.entries.sort()).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'xl/_rels/workbook.xml.rels',
      'xl/styles.xml',
      'xl/workbook.xml',
      'xl/worksheets/sheet1.xml',
    ]);
    const fromCsv = parseCsv(await csv.text());
    expect(fromCsv).toHaveLength(NAMES.length + 1);
    expect(fromCsv[0]).toEqual([...FOLLOW_UP_EXPORT_COLUMNS]);
    const width = FOLLOW_UP_EXPORT_COLUMNS.length;
    const padded = sheet.rows.map((r) => [...r, ...Array<string>(width - r.length).fill('')]);
    expect(padded).toEqual(fromCsv);
    // Notes for consenting people only, as in the CSV; with their line break and markup intact.
    const notes = FOLLOW_UP_EXPORT_COLUMNS.indexOf('notes');
    expect(padded.filter((r) => r[notes]!.includes('Trial note')).length).toBe(3);
    expect(padded.some((r) => r[notes]!.includes('<ok> & "fine"\nsecond line'))).toBe(true);

    const col = (c: (typeof FOLLOW_UP_EXPORT_COLUMNS)[number]) => FOLLOW_UP_EXPORT_COLUMNS.indexOf(c);
    const byName = (n: string) => sheet.types[padded.findIndex((r) => r[col('displayName')] === n)]!;
    // A name that looks like a formula or a number is a text cell; times are number cells.
    expect(byName('=HYPERLINK("http://evil.test","x")')[col('displayName')]).toBe('inlineStr');
    expect(byName('007')[col('displayName')]).toBe('inlineStr');
    expect(byName('Plain Name')[col('updatedAtMs')]).toBe('n');
    expect(sheet.xml).not.toContain('<f>');
  });

  it("gives a channel manager only their channels' people, and staff all of them", async () => {
    const other = readXlsx(
      Buffer.from(await (await fetchExport(m2.token, 'sort=name', 'xlsx')).arrayBuffer()),
    );
    expect(other.rows).toEqual([[...FOLLOW_UP_EXPORT_COLUMNS]]);
    const all = readXlsx(
      Buffer.from(await (await fetchExport(staff.token, 'sort=name', 'xlsx')).arrayBuffer()),
    );
    expect(all.rows).toHaveLength(NAMES.length + 1);
    const refused = await fetchExport(m2.token, `channelId=${c1}`, 'xlsx');
    expect(refused.status).toBe(403);
  });
});
