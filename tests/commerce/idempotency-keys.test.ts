// Idempotency keys on a real store: the request hash ignores object key order at every level but not
// array order or values; a stored answer comes back exactly (status and body) for the same member, key
// and body; the same key with another body is IDEMPOTENCY_KEY_REUSED; keys belong to one member; old
// keys are pruned by age, newer ones kept.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneKeys, remember, replay, requestHash, storedReply } from '../../commerce/orders/idempotency.ts';
import { isVitaliveError } from '../../protocols/index.ts';
import { openTestStore, STORE_BACKENDS, type TestStore } from '../helpers/people.ts';

const T0 = 1_760_000_000_000;

describe('request hash', () => {
  it('is the SHA-256 hex of the canonical JSON', () => {
    const h = requestHash({ b: 1, a: 'x' });
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(requestHash({ a: 'x', b: 1 })).toBe(h);
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(h).toBe(sha('{"a":"x","b":1}'));
    expect(requestHash([1, 'x', null, { d: [true], c: 0 }])).toBe(sha('[1,"x",null,{"c":0,"d":[true]}]'));
    expect(requestHash('x')).toBe(sha('"x"'));
  });

  it('ignores key order at every level, inside arrays too', () => {
    const one = { cardId: 'c', quantity: 2, fulfilment: { kind: 'ship', address: { city: 'X', line: 'Y' } } };
    const two = { fulfilment: { address: { line: 'Y', city: 'X' }, kind: 'ship' }, quantity: 2, cardId: 'c' };
    expect(requestHash(one)).toBe(requestHash(two));
    expect(requestHash([{ b: 1, a: 2 }])).toBe(requestHash([{ a: 2, b: 1 }]));
  });

  it('tells apart values, nested values, array order and types', () => {
    const base = { cardId: 'c', quantity: 2, fulfilment: { kind: 'pickup', at: { site: 'A' } } };
    const hashes = [
      base,
      { ...base, quantity: 3 },
      { ...base, fulfilment: { kind: 'pickup', at: { site: 'B' } } },
      { ...base, quantity: '2' },
      { ...base, extra: null },
      [1, 2],
      [2, 1],
      [[1], 2],
      null,
      'x',
    ].map(requestHash);
    expect(new Set(hashes).size).toBe(hashes.length);
  });
});

describe.each(STORE_BACKENDS)('stored replies ($name)', ({ name }) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(name);
  });
  afterAll(() => t?.cleanup());

  const refused = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      return isVitaliveError(e) ? e.code : e;
    }
    return 'answered';
  };

  it('gives back the first answer exactly, for the same member, key and body only', async () => {
    const body = { cardId: 'card-1', quantity: 2 };
    const hash = requestHash(body);
    const answer = { status: 201, body: { orderId: 'o-1', totalMinor: 2400, lines: [{ q: 2 }], note: null } };
    expect(await replay(t.store.db, 'p-1', 'k-1', hash)).toBeUndefined();
    await remember(t.store.db, 'p-1', 'k-1', hash, answer, T0);
    expect(await replay(t.store.db, 'p-1', 'k-1', hash)).toEqual(answer);
    // The hash may be given lazily; it is worked out only when a row is found.
    let asked = 0;
    const lazy = () => {
      asked++;
      return hash;
    };
    expect(await replay(t.store.db, 'p-1', 'k-1', lazy)).toEqual(answer);
    expect(asked).toBe(1);
    expect(await replay(t.store.db, 'p-1', 'unknown-key', lazy)).toBeUndefined();
    expect(asked).toBe(1);
    // Another member's key of the same name is theirs.
    expect(await replay(t.store.db, 'p-2', 'k-1', hash)).toBeUndefined();
    // The same key with another body is refused, eagerly or lazily hashed.
    const other = requestHash({ ...body, quantity: 3 });
    expect(await refused(replay(t.store.db, 'p-1', 'k-1', other))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await refused(replay(t.store.db, 'p-1', 'k-1', () => other))).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('stores refusals as they were answered', async () => {
    const hash = requestHash({ cardId: 'card-2', quantity: 9 });
    const refusal = { status: 409, body: { code: 'ORDER_LIMIT_EXCEEDED', params: { limit: 2 } } };
    await remember(t.store.db, 'p-1', 'k-2', hash, refusal, T0);
    const back = await replay(t.store.db, 'p-1', 'k-2', hash);
    expect(back).toEqual(refusal);
    expect(typeof back?.status).toBe('number');
  });

  it('a stored row is read as a number status and parsed body; no row is no reply', () => {
    expect(storedReply(undefined, 'h')).toBeUndefined();
    expect(storedReply(null, 'h')).toBeUndefined();
    const row = { request_hash: 'h', status_code: '201', body: '{"a":[1,{"b":null}]}' };
    expect(storedReply(row, 'h')).toEqual({ status: 201, body: { a: [1, { b: null }] } });
    expect(() => storedReply(row, 'other')).toThrow(
      expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' }),
    );
  });

  it('prunes keys older than the kept age and keeps the rest', async () => {
    const hash = requestHash({});
    const ok = { status: 201, body: {} };
    await remember(t.store.db, 'p-9', 'old', hash, ok, T0 - 10_001);
    await remember(t.store.db, 'p-9', 'edge', hash, ok, T0 - 10_000);
    await remember(t.store.db, 'p-9', 'new', hash, ok, T0 - 1);
    const before = await t.store.db.selectFrom('idempotency_keys').select('key').execute();
    const pruned = await pruneKeys(t.store.db, 10_000, T0);
    const left = (await t.store.db.selectFrom('idempotency_keys').select('key').execute()).map((r) => r.key);
    // T0 - 10_001 is the only one (with the earlier tests' T0 rows kept: they are 0 ms old).
    expect(pruned).toBe(1);
    expect(left.length).toBe(before.length - 1);
    expect(left).not.toContain('old');
    expect(left).toEqual(expect.arrayContaining(['edge', 'new', 'k-1', 'k-2']));
    // With no time given, "now" is the clock: everything stored at T0 (in the past) goes.
    expect(await pruneKeys(t.store.db, 1000)).toBe(left.length);
  });
});
