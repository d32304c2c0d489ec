// The readings history on SQLite and PostgreSQL: idempotent ingest by identity, linking by member code,
// unknown/missing codes kept unlinked and assignable, consent-gated audited staff reads, edge tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeTokens, type IngestReading, Readings } from '../../commerce/internals.ts';
import { isVitaliveError } from '../../protocols/index.ts';
import { openTestStore, STORE_BACKENDS, seedMember, type TestStore, testTokens } from '../helpers/people.ts';

const r = (seq: number, memberCode: string | null, deviceId = 'scale-1'): IngestReading => ({
  deviceId,
  bootId: 1,
  seq,
  metric: 'WEIGHT_KG',
  value: 70 + seq / 10,
  measuredAtMs: 1_700_000_000_000 + seq,
  memberCode,
  eventId: null,
  receivedAtMs: 1_700_000_000_500 + seq,
});

describe.each(STORE_BACKENDS)('readings on $name', ({ name }) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(name);
  });
  afterAll(() => t.cleanup());

  it('ingests once by identity, links by member code, keeps unknown codes unlinked and assignable', async () => {
    const tokens = testTokens();
    const consenting = await seedMember(t.store, tokens, { healthDataConsent: true });
    const refusing = await seedMember(t.store, tokens, { healthDataConsent: false });
    const readings = new Readings(t.store);
    const batch = [
      r(1, consenting.person.memberCode),
      r(2, refusing.person.memberCode),
      r(3, 'ZZZZZZ'),
      r(4, null),
    ];
    expect(await readings.ingest(batch)).toEqual({ stored: 4, duplicates: 0 });
    expect(await readings.ingest([...batch, r(5, null)])).toEqual({ stored: 1, duplicates: 4 });
    const own = await readings.ofPerson(consenting.person.id);
    expect(own.map((x) => x.seq)).toEqual([1]);
    expect(own[0]).toMatchObject({ deviceId: 'scale-1', bootId: 1, metric: 'WEIGHT_KG', value: 70.1 });

    const unlinked = await readings.unlinked();
    expect(unlinked.map((x) => x.seq)).toEqual([3, 4, 5]);
    expect(await readings.assign('staff-1', [unlinked[0]!.id, unlinked[1]!.id], consenting.person.id)).toBe(
      2,
    );
    expect((await readings.unlinked()).map((x) => x.seq)).toEqual([5]);

    const staffView = await readings.ofPersonForStaff('staff-1', consenting.person.id);
    expect(staffView.map((x) => x.seq).sort()).toEqual([1, 3, 4]);
    expect((await readings.accessLog(consenting.person.id)).map((a) => a.action)).toEqual([
      'read_raw',
      'assign',
    ]);
    const denied = await readings.ofPersonForStaff('staff-1', refusing.person.id).catch((e) => e);
    expect(isVitaliveError(denied) && denied.code).toBe('HEALTH_CONSENT_REQUIRED');
    expect(await readings.accessLog(refusing.person.id)).toEqual([]);
    expect(await readings.count()).toEqual({ total: 5, linked: 4 });
  });

  it('ingests large batches in chunks of every size, each identity once', async () => {
    const readings = new Readings(t.store);
    const before = (await readings.count()).total;
    const range = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => r(from + i, null, 'scale-bulk'));
    expect(await readings.ingest(range(1, 1300))).toEqual({ stored: 1300, duplicates: 0 });
    expect(await readings.ingest(range(1001, 1777))).toEqual({ stored: 477, duplicates: 300 });
    expect((await readings.count()).total - before).toBe(1777);
  });

  it('issues edge tokens shown once, verifies by hash and revokes', async () => {
    const edgeTokens = new EdgeTokens(t.store);
    const { id, token } = await edgeTokens.issue('venue A', 'admin-1');
    expect(await edgeTokens.verify(token)).toBe(id);
    expect(await edgeTokens.verify(`${token}x`)).toBeUndefined();
    expect(await edgeTokens.revoke(id)).toBe(true);
    expect(await edgeTokens.verify(token)).toBeUndefined();
    expect((await edgeTokens.list())[0]).toMatchObject({
      id,
      name: 'venue A',
      revokedAtMs: expect.any(Number),
    });
  });
});
