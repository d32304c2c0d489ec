// The edge and the core agree on every reading field: for values at and just past each bound of
// READING_FIELDS, the core's ingest route (its JSON schema, then commerce's check, then the database)
// accepts exactly the readings the edge's checkReadingFields accepts. On SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeTokens } from '../../commerce/internals.ts';
import { checkReadingFields, type ReadingRecord } from '../../protocols/index.ts';
import { type ApiPlatform, startApiPlatform } from '../helpers/api-platform.ts';
import { call } from '../helpers/http-call.ts';
import { STORE_BACKENDS } from '../helpers/people.ts';

const base = (seq: number): ReadingRecord & { receivedAtMs: number } => ({
  deviceId: 'scale-1',
  bootId: 1,
  seq,
  metric: 'WEIGHT_KG',
  value: 80,
  measuredAtMs: 1_700_000_000_000,
  memberCode: null,
  eventId: null,
  receivedAtMs: 1_700_000_000_000,
});

const cases: [string, Partial<ReadingRecord & { receivedAtMs: number }>][] = [
  ['member code of 32 characters', { memberCode: 'M'.repeat(32) }],
  ['member code of 32 emoji (64 UTF-16 units)', { memberCode: '😀'.repeat(32) }],
  ['member code in Chinese', { memberCode: '我的會員碼' }],
  ['member code of 33 characters', { memberCode: 'M'.repeat(33) }],
  ['member code with NUL', { memberCode: 'A\u0000B' }],
  ['member code with a line feed', { memberCode: 'A\nB' }],
  ['member code with an unpaired surrogate', { memberCode: 'A\ud800B' }],
  ['empty member code', { memberCode: '' }],
  ['event id of 64 characters', { eventId: 'é'.repeat(64) }],
  ['event id of 65 characters', { eventId: 'e'.repeat(65) }],
  ['device id with a space', { deviceId: 'scale 1' }],
  ['device id of 65 characters', { deviceId: 'd'.repeat(65) }],
  ['boot id 2^32 - 1', { bootId: 4_294_967_295 }],
  ['boot id 2^32', { bootId: 4_294_967_296 }],
  ['measured at -1', { measuredAtMs: -1 }],
  ['value out of range', { value: 501 }],
];

describe.each(STORE_BACKENDS)('$name', ({ name }) => {
  let t: ApiPlatform;
  let token: string;
  beforeAll(async () => {
    t = await startApiPlatform(name);
    token = (await new EdgeTokens(t.store).issue('venue', 'admin-1')).token;
  });
  afterAll(() => t?.close());

  it('accepts exactly what the edge accepts', async () => {
    const seqs = [Number.MAX_SAFE_INTEGER, 2 ** 53];
    const all = [
      ...cases.map(([what, over], i) => [what, { ...base(i + 1), ...over }] as const),
      ...seqs.map((seq) => [`seq ${seq}`, base(seq)] as const),
    ];
    const accepted = all.filter(([, r]) => checkReadingFields(r) === undefined).map(([what]) => what);
    expect(accepted).toEqual([
      'member code of 32 characters',
      'member code of 32 emoji (64 UTF-16 units)',
      'member code in Chinese',
      'event id of 64 characters',
      'boot id 2^32 - 1',
      `seq ${Number.MAX_SAFE_INTEGER}`,
    ]);
    for (const [what, reading] of all) {
      const edgeAccepts = checkReadingFields(reading) === undefined;
      const r = await call(t.url, 'POST', '/api/ingest/readings', { token, body: { readings: [reading] } });
      expect([what, r.status]).toEqual([what, edgeAccepts ? 200 : r.status]);
      if (edgeAccepts) expect(r.body).toEqual({ stored: 1, duplicates: 0 });
      else {
        expect([what, r.status]).toEqual([what, expect.toSatisfy((s: number) => s === 400 || s === 422)]);
        expect(['VALIDATION_FAILED', 'READING_INVALID']).toContain(r.body.code);
      }
    }
  });
});
