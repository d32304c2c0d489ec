// The conversion consumer's working state for one batch of outbox events, inside the transaction that
// moves its position: people, milestones and order facts are read once per batch (one query per kind),
// changed in memory as events apply in order, and written back with counter sums in a few multi-row
// upserts at the end. Safe because that consumer is the only writer of milestones, facts and counters
// it reads back, and its batches are serialised by the lock on its position.
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from '../schema.ts';
import { CounterSums, chunks } from './counters.ts';
import type { OrderFactsTable, PersonMilestonesTable } from './tables.ts';

export interface PersonInfo {
  /** '' for none */
  channelId: string;
  referredBy: string | null;
}

/** A person's milestones row as read and written back. */
export type MilestoneRow = Selectable<PersonMilestonesTable>;

/** An order's facts row as read and written back. */
export type FactRow = Selectable<OrderFactsTable>;

const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function milestoneOf(r: Record<string, unknown>): MilestoneRow {
  return {
    person_id: String(r.person_id),
    first_invited_at_ms: n(r.first_invited_at_ms),
    first_attended_at_ms: n(r.first_attended_at_ms),
    first_tested_at_ms: n(r.first_tested_at_ms),
    activated_at_ms: n(r.activated_at_ms),
    first_paid_at_ms: n(r.first_paid_at_ms),
    first_paid_channel_id: (r.first_paid_channel_id as string | null) ?? null,
    retained30: Number(r.retained30 ?? 0),
    retained90: Number(r.retained90 ?? 0),
    last_test_at_ms: n(r.last_test_at_ms),
    last_test_reading_id: n(r.last_test_reading_id),
    last_test_event_id: (r.last_test_event_id as string | null) ?? null,
    last_paid_at_ms: n(r.last_paid_at_ms),
  };
}

function factOf(r: Record<string, unknown>): FactRow {
  return {
    order_id: String(r.order_id),
    person_id: String(r.person_id),
    channel_id: String(r.channel_id),
    session_id: (r.session_id as string | null) ?? null,
    referrer_id: (r.referrer_id as string | null) ?? null,
    event_id: (r.event_id as string | null) ?? null,
    reading_id: n(r.reading_id),
    tested_at_ms: n(r.tested_at_ms),
    total_minor: Number(r.total_minor),
    currency: (r.currency as string | null) ?? null,
    commission_bps: Number(r.commission_bps),
    commission_minor: Number(r.commission_minor),
    paid_at_ms: Number(r.paid_at_ms),
    refunded_at_ms: n(r.refunded_at_ms),
  };
}

/** Rows per upsert statement: 14 columns × 1,000 stays far below both stores' parameter limits. */
const ROWS_PER_UPSERT = 1000;

export class RollupBatch {
  readonly trx: Kysely<Database>;
  readonly counters = new CounterSums();
  readonly #people = new Map<string, PersonInfo>();
  readonly #milestones = new Map<string, MilestoneRow | null>();
  readonly #dirtyMilestones = new Set<string>();
  readonly #facts = new Map<string, FactRow | null>();
  readonly #dirtyFacts = new Set<string>();
  readonly #memo = new Map<string, Promise<unknown>>();

  constructor(trx: Kysely<Database>) {
    this.trx = trx;
  }

  /** Reads the people, milestones and order facts the batch will touch, one query per kind and chunk. */
  async preload(personIds: Iterable<string>, orderIds: Iterable<string>): Promise<void> {
    const people = [...new Set(personIds)].filter((id) => !this.#people.has(id));
    for (const ids of chunks(people)) {
      const rows = await this.trx
        .selectFrom('people')
        .select(['id', 'channel_id', 'referred_by'])
        .where('id', 'in', ids)
        .execute();
      for (const r of rows)
        this.#people.set(r.id, { channelId: r.channel_id ?? '', referredBy: r.referred_by });
      for (const id of ids)
        if (!this.#people.has(id)) this.#people.set(id, { channelId: '', referredBy: null });
      const ms = await this.trx
        .selectFrom('person_milestones')
        .selectAll()
        .where('person_id', 'in', ids)
        .execute();
      for (const id of ids) this.#milestones.set(id, null);
      for (const m of ms)
        this.#milestones.set(m.person_id, milestoneOf(m as unknown as Record<string, unknown>));
    }
    const orders = [...new Set(orderIds)].filter((id) => !this.#facts.has(id));
    for (const ids of chunks(orders)) {
      const rows = await this.trx
        .selectFrom('order_facts')
        .selectAll()
        .where('order_id', 'in', ids)
        .execute();
      for (const id of ids) this.#facts.set(id, null);
      for (const f of rows) this.#facts.set(f.order_id, factOf(f as unknown as Record<string, unknown>));
    }
  }

  /** The person's channel ('' for none) and referrer, as the people record says now. */
  async person(personId: string): Promise<PersonInfo> {
    if (!this.#people.has(personId)) await this.preload([personId], []);
    return this.#people.get(personId)!;
  }

  /** The person's milestones row, created (all unset) when they have none yet. */
  async milestones(personId: string): Promise<MilestoneRow> {
    if (!this.#milestones.has(personId)) await this.preload([personId], []);
    let m = this.#milestones.get(personId);
    if (!m) {
      m = milestoneOf({ person_id: personId });
      this.#milestones.set(personId, m);
      this.#dirtyMilestones.add(personId);
    }
    return m;
  }

  /** Marks a milestones row as changed, to be written at flush. */
  changed(m: MilestoneRow): void {
    this.#dirtyMilestones.add(m.person_id);
  }

  async fact(orderId: string): Promise<FactRow | null> {
    if (!this.#facts.has(orderId)) await this.preload([], [orderId]);
    return this.#facts.get(orderId) ?? null;
  }

  putFact(f: FactRow): void {
    this.#facts.set(f.order_id, f);
    this.#dirtyFacts.add(f.order_id);
  }

  /** A lookup made once per batch (channel rates, event ids, the channel an invitee came through). */
  memo<T>(key: string, load: () => Promise<T>): Promise<T> {
    let hit = this.#memo.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = load();
      this.#memo.set(key, hit);
    }
    return hit;
  }

  /** Writes changed milestones and facts, then the summed counters. */
  async flush(): Promise<void> {
    const db = this.trx as unknown as Kysely<Record<string, Record<string, unknown>>>;
    const upsert = async (table: string, key: string, rows: Array<MilestoneRow | FactRow>) => {
      if (rows.length === 0) return;
      const set = Object.fromEntries(
        Object.keys(rows[0]!)
          .filter((c) => c !== key)
          .map((c) => [c, sql.ref(`excluded.${c}`)]),
      );
      for (const part of chunks(rows, ROWS_PER_UPSERT))
        await db
          .insertInto(table)
          .values(part as unknown as Array<Record<string, unknown>>)
          .onConflict((oc) => oc.column(key).doUpdateSet(set))
          .execute();
    };
    const byKey = <T>(ids: Set<string>, map: Map<string, T | null>) =>
      [...ids].sort().map((id) => map.get(id)!) as T[];
    await upsert('person_milestones', 'person_id', byKey(this.#dirtyMilestones, this.#milestones));
    await upsert('order_facts', 'order_id', byKey(this.#dirtyFacts, this.#facts));
    this.#dirtyMilestones.clear();
    this.#dirtyFacts.clear();
    await this.counters.flush(this.trx);
  }
}
