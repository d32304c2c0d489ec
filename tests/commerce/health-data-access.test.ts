// Health data on a real store: a person's own readings newest first; staff read someone's raw readings
// only with that person's consent (unknown person NOT_FOUND, no consent HEALTH_CONSENT_REQUIRED, neither
// logged), each read audited with who and when; assigning unlinked readings needs a known person, moves
// only readings nobody owns, is audited and announced without the values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IngestReading, Readings, readEvents } from '../../commerce/internals.ts';
import { isVitaliveError } from '../../protocols/index.ts';
import { openTestStore, type Seeded, seedMember, type TestStore, testTokens } from '../helpers/people.ts';

const M0 = 1_700_000_000_000;
const r = (seq: number, memberCode: string | null, measuredAtMs = M0 + seq): IngestReading => ({
  deviceId: 'cuff-1',
  bootId: 1,
  seq,
  metric: 'SYSTOLIC_MMHG',
  value: 110 + seq,
  measuredAtMs,
  memberCode,
  eventId: seq === 1 ? 'screening-day' : null,
  receivedAtMs: M0 + 500 + seq,
});

const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'allowed';
  } catch (e) {
    if (!isVitaliveError(e)) throw e;
    return e.code;
  }
};

describe('health data access', () => {
  let t: TestStore;
  let readings: Readings;
  let consenting: Seeded;
  let refusing: Seeded;
  let other: Seeded;

  beforeAll(async () => {
    t = await openTestStore('sqlite');
    readings = new Readings(t.store);
    const tokens = testTokens();
    consenting = await seedMember(t.store, tokens, { healthDataConsent: true });
    refusing = await seedMember(t.store, tokens, { healthDataConsent: false });
    other = await seedMember(t.store, tokens, { healthDataConsent: true });
    const c = consenting.person.memberCode;
    await readings.ingest([
      r(1, c, M0 + 50), // measured last
      r(2, c, M0 + 10),
      r(3, c, M0 + 10), // same time as 2: the later id first
      r(4, refusing.person.memberCode),
      r(5, other.person.memberCode),
      r(6, null),
      r(7, 'NOSUCH'),
    ]);
  });
  afterAll(() => t?.cleanup());

  it("a person's own readings, newest measurement first, then newest id, up to the limit", async () => {
    const own = await readings.ofPerson(consenting.person.id);
    expect(own.map((x) => x.seq)).toEqual([1, 3, 2]);
    expect(own[0]).toEqual({
      id: expect.any(Number),
      deviceId: 'cuff-1',
      bootId: 1,
      seq: 1,
      metric: 'SYSTOLIC_MMHG',
      value: 111,
      measuredAtMs: M0 + 50,
      memberCode: consenting.person.memberCode,
      eventId: 'screening-day',
      personId: consenting.person.id,
      receivedAtMs: M0 + 501,
    });
    expect((await readings.ofPerson(consenting.person.id, 2)).map((x) => x.seq)).toEqual([1, 3]);
    expect(await readings.ofPerson('nobody')).toEqual([]);
  });

  it('staff read raw readings only with consent, and every such read is logged with who and when', async () => {
    expect(await code(readings.ofPersonForStaff('staff-1', refusing.person.id))).toBe(
      'HEALTH_CONSENT_REQUIRED',
    );
    expect(await code(readings.ofPersonForStaff('staff-1', 'nobody'))).toBe('NOT_FOUND');
    const missing = await readings.ofPersonForStaff('staff-1', 'nobody').catch((e: unknown) => e);
    expect(isVitaliveError(missing) && missing.params).toEqual({ what: 'Person' });
    expect(await readings.accessLog(refusing.person.id)).toEqual([]);
    expect(await readings.accessLog('nobody')).toEqual([]);

    const before = Date.now();
    const seen = await readings.ofPersonForStaff('staff-1', consenting.person.id, 2);
    expect(seen.map((x) => x.seq)).toEqual([1, 3]);
    expect((await readings.ofPersonForStaff('staff-2', consenting.person.id)).map((x) => x.seq)).toEqual([
      1, 3, 2,
    ]);
    const log = await readings.accessLog(consenting.person.id);
    expect(log.map(({ actorId, action }) => ({ actorId, action }))).toEqual([
      { actorId: 'staff-2', action: 'read_raw' },
      { actorId: 'staff-1', action: 'read_raw' },
    ]);
    for (const entry of log) {
      expect(entry.atMs).toBeGreaterThanOrEqual(before);
      expect(entry.atMs).toBeLessThanOrEqual(Date.now());
    }
    // Someone else's log is theirs.
    expect(await readings.accessLog(other.person.id)).toEqual([]);
  });

  it('assigns only unlinked readings, to a known person, audited, announced without values', async () => {
    const unlinked = await readings.unlinked();
    expect(unlinked.map((x) => x.seq)).toEqual([6, 7]);
    expect((await readings.unlinked(1)).map((x) => x.seq)).toEqual([6]);
    const owned = (await readings.ofPerson(other.person.id))[0]!;

    expect(await code(readings.assign('staff-1', [unlinked[0]!.id], 'nobody'))).toBe('NOT_FOUND');
    const missing = await readings.assign('staff-1', [], 'nobody').catch((e: unknown) => e);
    expect(isVitaliveError(missing) && missing.params).toEqual({ what: 'Person' });
    expect(await readings.assign('staff-1', [], refusing.person.id)).toBe(0);
    expect(await readings.accessLog(refusing.person.id)).toEqual([]);

    const [last] = await readEvents(t.store.db, 0, 1_000_000).then((e) => e.slice(-1));
    // A reading that already belongs to someone is not taken from them.
    const n = await readings.assign('staff-1', [unlinked[0]!.id, owned.id], refusing.person.id);
    expect(n).toBe(1);
    expect((await readings.ofPerson(other.person.id)).map((x) => x.id)).toEqual([owned.id]);
    expect((await readings.ofPerson(refusing.person.id)).map((x) => x.seq).sort()).toEqual([4, 6]);
    expect((await readings.unlinked()).map((x) => x.seq)).toEqual([7]);
    expect((await readings.accessLog(refusing.person.id)).map((a) => [a.actorId, a.action])).toEqual([
      ['staff-1', 'assign'],
    ]);
    const events = (await readEvents(t.store.db, last?.id ?? 0, 100)).filter(
      (e) => e.type === 'reading.assigned',
    );
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toEqual({
      readingId: unlinked[0]!.id,
      personId: refusing.person.id,
      eventId: null,
      deviceId: 'cuff-1',
      measuredAtMs: M0 + 6,
    });
    expect(await readings.count()).toEqual({ total: 7, linked: 6 });
  });
});
