// The readings history: ingest from the edge (idempotent by (device_id, boot_id, seq)), linking to a
// person by member code (unknown or missing code → kept unlinked, assignable later by staff), and the
// "Health data and access" rules: the person sees their own; staff/admin see raw readings only of people
// who consented, and every such read is audit-logged.

import type { Kysely } from 'kysely';
import { type ReadingRecord, VitaliveError } from '../../protocols/index.ts';
import { appendEvent } from '../outbox.ts';
import { healthDataConsent, personIdByMemberCode } from '../people/lookups.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';

/** A validated reading (the edge's wire record) as it reaches the history. */
export interface IngestReading extends ReadingRecord {
  receivedAtMs: number;
}

export interface StoredReading extends IngestReading {
  id: number;
  personId: string | null;
}

type Row = {
  id: number | string;
  device_id: string;
  boot_id: number | string;
  seq: number | string;
  metric: string;
  value: number | string;
  measured_at_ms: number | string;
  member_code: string | null;
  event_id: string | null;
  person_id: string | null;
  received_at_ms: number | string;
};

function toReading(r: Row): StoredReading {
  return {
    id: Number(r.id),
    deviceId: r.device_id,
    bootId: Number(r.boot_id),
    seq: Number(r.seq),
    metric: r.metric,
    value: Number(r.value),
    measuredAtMs: Number(r.measured_at_ms),
    memberCode: r.member_code,
    eventId: r.event_id,
    personId: r.person_id,
    receivedAtMs: Number(r.received_at_ms),
  };
}

/** The outbox event of a reading now linked to a person: identity and place only, never the value. */
function recordedEvent(
  trx: Kysely<Database>,
  type: 'reading.recorded' | 'reading.assigned',
  r: {
    id: number | string;
    person_id: string | null;
    event_id: string | null;
    device_id: string;
    measured_at_ms: number | string;
  },
  nowMs: number,
) {
  return appendEvent(
    trx,
    {
      type,
      aggregateId: String(r.id),
      payload: {
        readingId: Number(r.id),
        personId: r.person_id,
        eventId: r.event_id,
        deviceId: r.device_id,
        measuredAtMs: Number(r.measured_at_ms),
      },
    },
    nowMs,
  );
}

export class Readings {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Stores readings once each; returns how many were new. Safe to call again with the same batch. */
  async ingest(readings: readonly IngestReading[]): Promise<{ stored: number; duplicates: number }> {
    if (readings.length === 0) return { stored: 0, duplicates: 0 };
    const people = new Map<string, string | undefined>();
    for (const r of readings)
      if (r.memberCode && !people.has(r.memberCode))
        people.set(r.memberCode, await personIdByMemberCode(this.#store, r.memberCode));
    const now = Date.now();
    const rows = readings.map((r) => ({
      device_id: r.deviceId,
      boot_id: r.bootId,
      seq: r.seq,
      metric: r.metric,
      value: r.value,
      measured_at_ms: r.measuredAtMs,
      member_code: r.memberCode,
      event_id: r.eventId,
      person_id: (r.memberCode && people.get(r.memberCode)) || null,
      received_at_ms: r.receivedAtMs,
      ingested_at_ms: now,
    }));
    let stored = 0;
    await this.#store.transaction(async (trx) => {
      for (let i = 0; i < rows.length; i += 200) {
        const inserted = await trx
          .insertInto('readings')
          .values(rows.slice(i, i + 200))
          .onConflict((oc) => oc.columns(['device_id', 'boot_id', 'seq']).doNothing())
          .returning(['id', 'person_id', 'event_id', 'device_id', 'measured_at_ms'])
          .execute();
        stored += inserted.length;
        // A test by a known person feeds attendance, attribution and rollups; values stay out of events.
        for (const r of inserted) if (r.person_id) await recordedEvent(trx, 'reading.recorded', r, now);
      }
    });
    return { stored, duplicates: readings.length - stored };
  }

  /** A person's own readings, newest first. */
  async ofPerson(personId: string, limit = 100): Promise<StoredReading[]> {
    const rows = await this.#store.db
      .selectFrom('readings')
      .selectAll()
      .where('person_id', '=', personId)
      .orderBy('measured_at_ms', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toReading);
  }

  /** Staff read of another person's raw readings: only with health-data consent, audit-logged. */
  async ofPersonForStaff(actorId: string, personId: string, limit = 100): Promise<StoredReading[]> {
    const consent = await healthDataConsent(this.#store, personId);
    if (!consent) throw new VitaliveError('NOT_FOUND', { what: 'Person' });
    if (!consent.granted)
      throw new VitaliveError('FORBIDDEN', { reason: 'the person has not consented to health data use' });
    await this.#store.db
      .insertInto('readings_access_log')
      .values({ actor_id: actorId, person_id: personId, action: 'read_raw', at_ms: Date.now() })
      .execute();
    return this.ofPerson(personId, limit);
  }

  /** Readings with no person yet (unknown or missing member code), oldest first. */
  async unlinked(limit = 100): Promise<StoredReading[]> {
    const rows = await this.#store.db
      .selectFrom('readings')
      .selectAll()
      .where('person_id', 'is', null)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toReading);
  }

  /** Staff assign unlinked readings to a person (e.g. a walk-in who registered afterwards). Audited. */
  async assign(actorId: string, readingIds: readonly number[], personId: string): Promise<number> {
    if (!(await healthDataConsent(this.#store, personId)))
      throw new VitaliveError('NOT_FOUND', { what: 'Person' });
    if (readingIds.length === 0) return 0;
    return this.#store.transaction(async (trx) => {
      const assigned = await trx
        .updateTable('readings')
        .set({ person_id: personId })
        .where('id', 'in', [...readingIds])
        .where('person_id', 'is', null)
        .returning(['id', 'person_id', 'event_id', 'device_id', 'measured_at_ms'])
        .execute();
      const now = Date.now();
      await trx
        .insertInto('readings_access_log')
        .values({ actor_id: actorId, person_id: personId, action: 'assign', at_ms: now })
        .execute();
      for (const r of assigned) await recordedEvent(trx, 'reading.assigned', r, now);
      return assigned.length;
    });
  }

  /** The audit trail of staff access to a person's readings, newest first. */
  async accessLog(personId: string): Promise<{ actorId: string; action: string; atMs: number }[]> {
    const rows = await this.#store.db
      .selectFrom('readings_access_log')
      .select(['actor_id', 'action', 'at_ms'])
      .where('person_id', '=', personId)
      .orderBy('id', 'desc')
      .execute();
    return rows.map((r) => ({ actorId: r.actor_id, action: r.action, atMs: Number(r.at_ms) }));
  }

  /** Counts only (no values): for channel managers and hosts. */
  async count(): Promise<{ total: number; linked: number }> {
    const r = await this.#store.db
      .selectFrom('readings')
      .select((eb) => [eb.fn.countAll<number>().as('total'), eb.fn.count<number>('person_id').as('linked')])
      .executeTakeFirstOrThrow();
    return { total: Number(r.total), linked: Number(r.linked) };
  }
}
