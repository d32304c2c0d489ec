// The readings history: ingest from the edge (idempotent by (device_id, boot_id, seq)), linking to a
// person by member code (unknown or missing code → kept unlinked, assignable later by staff), and the
// "Health data and access" rules: the person sees their own; staff/admin see raw readings only of people
// who consented, and every such read is audit-logged.
import { CompiledQuery, type Kysely } from 'kysely';
import { checkReadingFields, type ReadingRecord, VitaliveError } from '../../protocols/index.ts';
import { appendEvents } from '../outbox.ts';
import { healthDataConsent, personIdByMemberCode } from '../people/lookups.ts';
import { reveal } from '../people/withheld.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import type { ReadingsTable } from './tables.ts';

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

const INGEST_COLUMNS = [
  'device_id',
  'boot_id',
  'seq',
  'metric',
  'value',
  'measured_at_ms',
  'member_code',
  'event_id',
  'person_id',
  'received_at_ms',
  'ingested_at_ms',
] as const satisfies readonly (keyof ReadingsTable)[];

/** Rows per INSERT: 512 × 11 parameters stays below SQLite's and PostgreSQL's bounds on parameters. */
const MAX_ROWS_PER_INSERT = 512;

/**
 * Splits a batch into full chunks and a binary decomposition of the rest (e.g. 1,300 → 512, 512, 256,
 * 16, 4), so only a handful of distinct statements exist and the prepared-statement cache keeps them.
 */
function chunkSizes(total: number): number[] {
  const sizes: number[] = [];
  let left = total;
  while (left >= MAX_ROWS_PER_INSERT) {
    sizes.push(MAX_ROWS_PER_INSERT);
    left -= MAX_ROWS_PER_INSERT;
  }
  for (let bit = MAX_ROWS_PER_INSERT >> 1; bit >= 1; bit >>= 1) if (left & bit) sizes.push(bit);
  return sizes;
}

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

/** What an ingest INSERT returns for each row it stored (duplicates return nothing). */
type InsertedRow = Pick<Row, 'id' | 'person_id' | 'event_id' | 'device_id' | 'measured_at_ms'>;

/** The outbox events of readings now linked to a person: identity and place only, never the value.
 * One append for the whole batch: one outbox lock, not one per reading. A test is the person acting:
 * held-back invitations of the people tested are released first (people/withheld.ts). */
async function recordedEvents(
  trx: Kysely<Database>,
  type: 'reading.recorded' | 'reading.assigned',
  rows: ReadonlyArray<{
    id: number | string;
    person_id: string | null;
    event_id: string | null;
    device_id: string;
    measured_at_ms: number | string;
  }>,
  nowMs: number,
) {
  await reveal(
    trx,
    rows.flatMap((r) => (r.person_id ? [r.person_id] : [])),
    nowMs,
  );
  return appendEvents(
    trx,
    rows.map((r) => ({
      type,
      aggregateId: String(r.id),
      payload: {
        readingId: Number(r.id),
        personId: r.person_id,
        eventId: r.event_id,
        deviceId: r.device_id,
        measuredAtMs: Number(r.measured_at_ms),
      },
    })),
    nowMs,
  );
}

export class Readings {
  readonly #store: Store;
  readonly #insertSqls = new Map<number, string>();

  constructor(store: Store) {
    this.#store = store;
  }

  /** Stores readings once each; returns how many were new. Safe to call again with the same batch. */
  async ingest(readings: readonly IngestReading[]): Promise<{ stored: number; duplicates: number }> {
    if (readings.length === 0) return { stored: 0, duplicates: 0 };
    // The same checks the edge applies on decode: a reading refused here is refused by name (the edge
    // then isolates and quarantines it) rather than by a database error retried forever.
    for (let i = 0; i < readings.length; i++) {
      const problem = checkReadingFields(readings[i]!);
      if (problem) throw new VitaliveError('READING_INVALID', { reason: `readings[${i}].${problem}` });
    }
    const people = new Map<string, string | undefined>();
    for (const r of readings)
      if (r.memberCode && !people.has(r.memberCode))
        people.set(r.memberCode, await personIdByMemberCode(this.#store, r.memberCode));
    const now = Date.now();
    const params: unknown[] = new Array(readings.length * INGEST_COLUMNS.length);
    let p = 0;
    for (const r of readings) {
      params[p++] = r.deviceId;
      params[p++] = r.bootId;
      params[p++] = r.seq;
      params[p++] = r.metric;
      params[p++] = r.value;
      params[p++] = r.measuredAtMs;
      params[p++] = r.memberCode;
      params[p++] = r.eventId;
      params[p++] = (r.memberCode && people.get(r.memberCode)) || null;
      params[p++] = r.receivedAtMs;
      params[p++] = now;
    }
    let stored = 0;
    await this.#store.transaction(async (trx) => {
      let row = 0;
      for (const rows of chunkSizes(readings.length)) {
        const res = await trx.executeQuery<InsertedRow>(
          CompiledQuery.raw(
            this.#insertSql(rows),
            params.slice(row * INGEST_COLUMNS.length, (row + rows) * INGEST_COLUMNS.length),
          ),
        );
        stored += res.rows.length;
        row += rows;
        // A test by a known person feeds attendance, attribution and rollups; values stay out of events.
        await recordedEvents(
          trx,
          'reading.recorded',
          res.rows.filter((r) => r.person_id),
          now,
        );
      }
    });
    return { stored, duplicates: readings.length - stored };
  }

  /**
   * One multi-row INSERT … ON CONFLICT DO NOTHING per chunk, its text built once per chunk size (the
   * query builder would rebuild it, value by value, for every batch the edge forwards).
   */
  #insertSql(rows: number): string {
    let text = this.#insertSqls.get(rows);
    if (!text) {
      const n = INGEST_COLUMNS.length;
      const values = Array.from({ length: rows }, (_, r) => {
        const row = Array.from({ length: n }, (_, c) =>
          this.#store.dialect === 'postgres' ? `$${r * n + c + 1}` : '?',
        );
        return `(${row.join(', ')})`;
      });
      text = `INSERT INTO readings (${INGEST_COLUMNS.join(', ')}) VALUES ${values.join(', ')}
        ON CONFLICT (device_id, boot_id, seq) DO NOTHING
        RETURNING id, person_id, event_id, device_id, measured_at_ms`;
      this.#insertSqls.set(rows, text);
    }
    return text;
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
    if (!consent.granted) throw new VitaliveError('HEALTH_CONSENT_REQUIRED');
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
      await recordedEvents(trx, 'reading.assigned', assigned, now);
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
