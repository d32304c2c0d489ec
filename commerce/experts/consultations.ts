// Consultations: a person books one of an expert's slots (themselves, or staff or their follow-up owner
// on their behalf), moves or cancels it until the cut-off, and the expert or staff record the outcome.
// One live booking per (expert, start) is the store's UNIQUE constraint, so concurrent attempts on any
// number of nodes end with one booking and CONSULTATION_SLOT_TAKEN for the rest.
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import type { Actor } from '../people/person-model.ts';
import { uniqueViolation } from '../people/unique-violation.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { followsPerson, loadConsultation, type Relation } from './access.ts';
import { holdsRole, loadProfile } from './experts.ts';
import { slotAt } from './hours.ts';
import type { ConsultationChange, ConsultationNotifier } from './notifier.ts';
import type { ConsultationsTable } from './tables.ts';

export const CONSULTATION_STATUSES = ['booked', 'consulted', 'no_show', 'cancelled'] as const;
export type ConsultationStatus = (typeof CONSULTATION_STATUSES)[number];

export interface Consultation {
  consultationId: string;
  expertId: string;
  personId: string;
  clinicId: string | null;
  startsAtMs: number;
  endsAtMs: number;
  status: ConsultationStatus;
  bookedBy: string;
  createdAtMs: number;
  updatedAtMs: number;
}

export interface ConsultationOptions {
  /** People other than staff and the expert change or cancel until this long before the start; 0: never closes. */
  cutoffMs: number;
  /** How far ahead a booking may be. */
  horizonMs: number;
  notifier: ConsultationNotifier;
}

export function toConsultation(r: Selectable<ConsultationsTable>): Consultation {
  return {
    consultationId: r.id,
    expertId: r.expert_id,
    personId: r.person_id,
    clinicId: r.clinic_id,
    startsAtMs: Number(r.starts_at_ms),
    endsAtMs: Number(r.ends_at_ms),
    status: r.status as ConsultationStatus,
    bookedBy: r.booked_by,
    createdAtMs: Number(r.created_at_ms),
    updatedAtMs: Number(r.updated_at_ms),
  };
}

const unavailable = (startsAtMs: number, reason: string) =>
  new VitaliveError('CONSULTATION_SLOT_UNAVAILABLE', { startsAtMs, reason });

/** A unique violation on the slot becomes CONSULTATION_SLOT_TAKEN; anything else is rethrown. */
async function slotTakenOr<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (uniqueViolation(err)) throw new VitaliveError('CONSULTATION_SLOT_TAKEN', {}, { cause: err });
    throw err;
  }
}

export class Consultations {
  readonly #store: Store;
  readonly #o: ConsultationOptions;

  constructor(store: Store, options: ConsultationOptions) {
    this.#store = store;
    this.#o = options;
  }

  /** The slot must be one the expert offers, in the future and within the horizon. */
  async #checkSlot(db: Kysely<Database>, expertId: string, startsAtMs: number, nowMs: number) {
    if (!(await holdsRole(db, expertId, 'expert'))) throw new VitaliveError('NOT_FOUND', { what: 'expert' });
    const profile = await loadProfile(db, expertId);
    if (startsAtMs <= nowMs) throw unavailable(startsAtMs, 'it has started');
    if (startsAtMs > nowMs + this.#o.horizonMs)
      throw unavailable(startsAtMs, 'it is beyond the booking horizon');
    const slot = slotAt(profile, startsAtMs);
    if (!slot) throw unavailable(startsAtMs, 'not one of the expert’s slots');
    return slot;
  }

  async book(
    actor: Actor,
    input: { expertId: string; personId?: string | undefined; startsAtMs: number },
    nowMs = Date.now(),
  ): Promise<Consultation> {
    const db = this.#store.db;
    const personId = input.personId ?? actor.personId;
    if (personId !== actor.personId && !(await this.#mayBookFor(actor, personId)))
      throw actor.roles.includes('channel_manager')
        ? new VitaliveError('NOT_FOUND', { what: 'person' })
        : new VitaliveError('FORBIDDEN', { reason: 'members book only for themselves' });
    const person = await db
      .selectFrom('people')
      .select(['id', 'channel_id'])
      .where('id', '=', personId)
      .executeTakeFirst();
    if (!person) throw new VitaliveError('NOT_FOUND', { what: 'person' });
    if (personId === input.expertId) throw unavailable(input.startsAtMs, 'an expert cannot book themselves');
    const slot = await this.#checkSlot(db, input.expertId, input.startsAtMs, nowMs);
    const row = {
      id: randomUUID(),
      expert_id: input.expertId,
      person_id: personId,
      clinic_id: slot.clinicId,
      starts_at_ms: slot.startsAtMs,
      ends_at_ms: slot.endsAtMs,
      status: 'booked',
      holds_slot: 1,
      channel_id: person.channel_id,
      booked_by: actor.personId,
      created_at_ms: nowMs,
      updated_at_ms: nowMs,
    };
    return slotTakenOr(() =>
      this.#store.transaction(async (trx) => {
        await trx.insertInto('consultations').values(row).execute();
        await this.#notify(trx, 'booked', row, actor, nowMs);
        return toConsultation(row);
      }),
    );
  }

  /** Staff, or a channel manager following the person. */
  async #mayBookFor(actor: Actor, personId: string): Promise<boolean> {
    if (actor.roles.includes('admin') || actor.roles.includes('staff')) return true;
    return followsPerson(this.#store.db, actor, personId);
  }

  /** People other than staff and the expert act only while the cut-off has not passed. */
  #checkCutoff(relation: Relation, row: Selectable<ConsultationsTable>, nowMs: number) {
    if (relation === 'staff' || relation === 'expert' || this.#o.cutoffMs === 0) return;
    if (nowMs > Number(row.starts_at_ms) - this.#o.cutoffMs)
      throw new VitaliveError('CONSULTATION_CUTOFF_PASSED', {
        cutoffMinutes: Math.round(this.#o.cutoffMs / 60_000),
      });
  }

  async reschedule(
    actor: Actor,
    consultationId: string,
    startsAtMs: number,
    nowMs = Date.now(),
  ): Promise<Consultation> {
    const { row, relation } = await loadConsultation(this.#store.db, actor, consultationId);
    if (row.status !== 'booked')
      throw new VitaliveError('CONSULTATION_STATE_INVALID', { status: row.status, action: 'move it' });
    this.#checkCutoff(relation, row, nowMs);
    const slot = await this.#checkSlot(this.#store.db, row.expert_id, startsAtMs, nowMs);
    return slotTakenOr(() =>
      this.#store.transaction(async (trx) => {
        const moved = await trx
          .updateTable('consultations')
          .set({
            starts_at_ms: slot.startsAtMs,
            ends_at_ms: slot.endsAtMs,
            clinic_id: slot.clinicId,
            updated_at_ms: nowMs,
          })
          .where('id', '=', row.id)
          .where('status', '=', 'booked')
          .returningAll()
          .executeTakeFirst();
        if (!moved)
          throw new VitaliveError('CONSULTATION_STATE_INVALID', { status: 'changed', action: 'move it' });
        await this.#notify(trx, 'changed', moved, actor, nowMs, Number(row.starts_at_ms));
        return toConsultation(moved);
      }),
    );
  }

  async cancel(actor: Actor, consultationId: string, nowMs = Date.now()): Promise<Consultation> {
    const { row, relation } = await loadConsultation(this.#store.db, actor, consultationId);
    if (row.status !== 'booked')
      throw new VitaliveError('CONSULTATION_STATE_INVALID', { status: row.status, action: 'cancel it' });
    this.#checkCutoff(relation, row, nowMs);
    return this.#transition(actor, row, 'cancelled', nowMs);
  }

  /** The expert or staff record that it took place, or that the person did not come. */
  async recordOutcome(
    actor: Actor,
    consultationId: string,
    outcome: 'consulted' | 'no_show',
    nowMs = Date.now(),
  ): Promise<Consultation> {
    const { row, relation } = await loadConsultation(this.#store.db, actor, consultationId);
    if (relation !== 'staff' && relation !== 'expert')
      throw new VitaliveError('FORBIDDEN', { reason: 'the expert or staff record the outcome' });
    if (row.status !== 'booked')
      throw new VitaliveError('CONSULTATION_STATE_INVALID', {
        status: row.status,
        action: `mark it ${outcome}`,
      });
    if (nowMs < Number(row.starts_at_ms))
      throw new VitaliveError('CONSULTATION_STATE_INVALID', {
        status: 'not started',
        action: `mark it ${outcome}`,
      });
    return this.#transition(actor, row, outcome, nowMs);
  }

  async #transition(
    actor: Actor,
    row: Selectable<ConsultationsTable>,
    to: 'cancelled' | 'consulted' | 'no_show',
    nowMs: number,
  ): Promise<Consultation> {
    return this.#store.transaction(async (trx) => {
      const after = await trx
        .updateTable('consultations')
        .set({ status: to, updated_at_ms: nowMs, ...(to === 'cancelled' ? { holds_slot: null } : {}) })
        .where('id', '=', row.id)
        .where('status', '=', 'booked')
        .returningAll()
        .executeTakeFirst();
      // Someone else's change won the race: report what it is now.
      if (!after) throw new VitaliveError('CONSULTATION_STATE_INVALID', { status: 'changed', action: to });
      await this.#notify(trx, to, after, actor, nowMs);
      return toConsultation(after);
    });
  }

  #notify(
    trx: Kysely<Database>,
    change: ConsultationChange,
    r: Selectable<ConsultationsTable>,
    actor: Actor,
    nowMs: number,
    previousStartsAtMs?: number,
  ) {
    return this.#o.notifier.record(
      trx,
      {
        change,
        consultationId: r.id,
        personId: r.person_id,
        expertId: r.expert_id,
        clinicId: r.clinic_id,
        startsAtMs: Number(r.starts_at_ms),
        endsAtMs: Number(r.ends_at_ms),
        channelId: r.channel_id,
        by: actor.personId,
        ...(previousStartsAtMs !== undefined ? { previousStartsAtMs } : {}),
      },
      nowMs,
    );
  }
}
