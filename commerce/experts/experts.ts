// Experts: the profile members choose by (name, specialities as health-goal tags, languages, home
// clinic) and the availability that gives their slots (weekly hours per clinic or online, days off, slot
// length). Staff and admins edit any expert's; an expert edits their own. Slots are listed for anyone.
import type { Kysely, Selectable } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { appendEvent } from '../outbox.ts';
import { isStaff } from '../people/access-scope.ts';
import type { Actor } from '../people/person-model.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { clinicExists, DEFAULT_UTC_OFFSET_MIN } from './clinics.ts';
import { type Availability, checkHours, type Slot, slotsBetween, type WeeklyHours } from './hours.ts';
import type { ExpertProfilesTable } from './tables.ts';

export interface ExpertProfile extends Availability {
  expertId: string;
  name: string;
  specialities: string[];
  languages: string[];
  clinicId: string | null;
  weeklyHours: Array<WeeklyHours & { clinicId: string | null }>;
  daysOff: string[];
}

export interface ExpertProfileInput {
  name: string;
  specialities: string[];
  languages: string[];
  clinicId?: string | null | undefined;
  slotMinutes: number;
  utcOffsetMin?: number | undefined;
  weeklyHours: WeeklyHours[];
  daysOff: string[];
}

export interface SlotView extends Slot {
  free: boolean;
}

export const DEFAULT_SLOT_MINUTES = 30;
/** A week of 15-minute slots at most per query: bounds the work of one slot list. */
export const MAX_SLOT_RANGE_MS = 31 * 86_400_000;

export function toProfile(r: Selectable<ExpertProfilesTable>): ExpertProfile {
  return {
    expertId: r.person_id,
    name: r.name,
    specialities: JSON.parse(r.specialities) as string[],
    languages: JSON.parse(r.languages) as string[],
    clinicId: r.clinic_id,
    slotMinutes: Number(r.slot_minutes),
    utcOffsetMin: Number(r.utc_offset_min),
    weeklyHours: JSON.parse(r.weekly_hours) as ExpertProfile['weeklyHours'],
    daysOff: JSON.parse(r.days_off) as string[],
  };
}

export async function loadProfile(db: Kysely<Database>, expertId: string): Promise<ExpertProfile> {
  const row = await db
    .selectFrom('expert_profiles')
    .selectAll()
    .where('person_id', '=', expertId)
    .executeTakeFirst();
  if (!row) throw new VitaliveError('NOT_FOUND', { what: 'expert' });
  return toProfile(row);
}

export async function holdsRole(db: Kysely<Database>, personId: string, role: string): Promise<boolean> {
  const row = await db
    .selectFrom('person_roles')
    .select('person_id')
    .where('person_id', '=', personId)
    .where('role', '=', role)
    .executeTakeFirst();
  return row !== undefined;
}

export class Experts {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Experts who still hold the role and have a profile. */
  async list(): Promise<ExpertProfile[]> {
    const rows = await this.#store.db
      .selectFrom('expert_profiles')
      .innerJoin('person_roles', 'person_roles.person_id', 'expert_profiles.person_id')
      .selectAll('expert_profiles')
      .where('person_roles.role', '=', 'expert')
      .orderBy('expert_profiles.name')
      .execute();
    return rows.map(toProfile);
  }

  async get(expertId: string): Promise<ExpertProfile> {
    return loadProfile(this.#store.db, expertId);
  }

  /** Creates or replaces the profile of a person holding `expert`. */
  async save(
    actor: Actor,
    expertId: string,
    input: ExpertProfileInput,
    nowMs = Date.now(),
  ): Promise<ExpertProfile> {
    if (!isStaff(actor) && actor.personId !== expertId)
      throw new VitaliveError('FORBIDDEN', { reason: 'experts edit only their own profile' });
    checkHours(input.weeklyHours, { online: true });
    return this.#store.transaction(async (trx) => {
      if (!(await holdsRole(trx, expertId, 'expert')))
        throw new VitaliveError('NOT_FOUND', { what: 'expert' });
      const clinics = new Set([input.clinicId, ...input.weeklyHours.map((h) => h.clinicId)]);
      for (const c of clinics)
        if (c && !(await clinicExists(trx, c))) throw new VitaliveError('NOT_FOUND', { what: 'clinic' });
      const row = {
        person_id: expertId,
        name: input.name.trim(),
        specialities: JSON.stringify([...new Set(input.specialities)]),
        languages: JSON.stringify([...new Set(input.languages)]),
        clinic_id: input.clinicId ?? null,
        slot_minutes: input.slotMinutes,
        utc_offset_min: input.utcOffsetMin ?? DEFAULT_UTC_OFFSET_MIN,
        weekly_hours: JSON.stringify(input.weeklyHours.map((h) => ({ ...h, clinicId: h.clinicId ?? null }))),
        days_off: JSON.stringify([...new Set(input.daysOff)].sort()),
        updated_at_ms: nowMs,
      };
      const { person_id: _, ...changes } = row;
      await trx
        .insertInto('expert_profiles')
        .values(row)
        .onConflict((oc) => oc.column('person_id').doUpdateSet(changes))
        .execute();
      await appendEvent(
        trx,
        { type: 'expert.updated', aggregateId: expertId, payload: { expertId, by: actor.personId } },
        nowMs,
      );
      return loadProfile(trx, expertId);
    });
  }

  /** The expert's slots starting in [fromMs, toMs), each with whether it is still free. */
  async slots(expertId: string, fromMs: number, toMs: number): Promise<SlotView[]> {
    if (!(toMs > fromMs) || toMs - fromMs > MAX_SLOT_RANGE_MS)
      throw new VitaliveError('VALIDATION_FAILED', { reason: 'range is 1 ms to 31 days, from before to' });
    const profile = await loadProfile(this.#store.db, expertId);
    const taken = await this.#store.db
      .selectFrom('consultations')
      .select('starts_at_ms')
      .where('expert_id', '=', expertId)
      .where('holds_slot', '=', 1)
      .where('starts_at_ms', '>=', fromMs)
      .where('starts_at_ms', '<', toMs)
      .execute();
    const busy = new Set(taken.map((t) => Number(t.starts_at_ms)));
    return slotsBetween(profile, fromMs, toMs).map((s) => ({ ...s, free: !busy.has(s.startsAtMs) }));
  }
}
