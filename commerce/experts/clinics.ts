// Clinics as records: a name and address in the three languages, weekly opening hours in the clinic's
// local time, and the staff assigned there (who hear of alerts for the clinic's experts' people). Staff
// and admins create and change them; anyone may list the open ones (pickup and booking forms).
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { appendEvent } from '../outbox.ts';
import { requireRole } from '../people/access-scope.ts';
import type { Actor } from '../people/person-model.ts';
import { STAFF_ROLES } from '../roles.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { checkHours, type LocalisedText, type WeeklyHours } from './hours.ts';
import type { ClinicsTable } from './tables.ts';

export interface Clinic {
  clinicId: string;
  name: LocalisedText;
  address: LocalisedText;
  openingHours: WeeklyHours[];
  utcOffsetMin: number;
  archived: boolean;
  /** Only in staff views. */
  staffIds?: string[];
}

export interface ClinicInput {
  name: LocalisedText;
  address: LocalisedText;
  openingHours: WeeklyHours[];
  utcOffsetMin?: number | undefined;
  archived?: boolean | undefined;
  staffIds?: string[] | undefined;
}

/** China Standard Time: the brand's clinics' default. */
export const DEFAULT_UTC_OFFSET_MIN = 480;

function toClinic(r: Selectable<ClinicsTable>): Clinic {
  return {
    clinicId: r.id,
    name: JSON.parse(r.name) as LocalisedText,
    address: JSON.parse(r.address) as LocalisedText,
    openingHours: JSON.parse(r.opening_hours) as WeeklyHours[],
    utcOffsetMin: Number(r.utc_offset_min),
    archived: Number(r.archived) === 1,
  };
}

/** Staff ids must be people holding staff or admin: a member cannot be made a clinic's staff. */
async function checkStaff(trx: Kysely<Database>, ids: readonly string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const rows = await trx
    .selectFrom('person_roles')
    .select('person_id')
    .distinct()
    .where('person_id', 'in', unique)
    .where('role', 'in', [...STAFF_ROLES])
    .execute();
  const ok = new Set(rows.map((r) => r.person_id));
  const bad = unique.find((id) => !ok.has(id));
  if (bad) throw new VitaliveError('VALIDATION_FAILED', { reason: `person ${bad} is not staff` });
  return unique;
}

async function replaceStaff(trx: Kysely<Database>, clinicId: string, ids: readonly string[]) {
  await trx.deleteFrom('clinic_staff').where('clinic_id', '=', clinicId).execute();
  if (ids.length > 0)
    await trx
      .insertInto('clinic_staff')
      .values(ids.map((person_id) => ({ clinic_id: clinicId, person_id })))
      .execute();
}

export async function clinicExists(db: Kysely<Database>, clinicId: string): Promise<boolean> {
  const row = await db
    .selectFrom('clinics')
    .select('id')
    .where('id', '=', clinicId)
    .where('archived', '=', 0)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * A pickup at an open clinic: its id and its name as free text (Chinese first, as counter staff read it),
 * so readers of the older `clinic` field keep working. NOT_FOUND for an unknown or archived clinic.
 */
export async function pickupAtClinic(
  db: Kysely<Database>,
  clinicId: string,
): Promise<{ method: 'pickup'; clinic: string; clinicId: string }> {
  const row = await db
    .selectFrom('clinics')
    .select('name')
    .where('id', '=', clinicId)
    .where('archived', '=', 0)
    .executeTakeFirst();
  if (!row) throw new VitaliveError('NOT_FOUND', { what: 'clinic' });
  const name = JSON.parse(row.name) as LocalisedText;
  return {
    method: 'pickup',
    clinic: (name['zh-Hans'] || name.en || name['zh-Hant']).slice(0, 120),
    clinicId,
  };
}

export class Clinics {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Open clinics, for anyone (forms that pick a clinic). */
  async list(): Promise<Clinic[]> {
    const rows = await this.#store.db
      .selectFrom('clinics')
      .selectAll()
      .where('archived', '=', 0)
      .orderBy('created_at_ms')
      .orderBy('id')
      .execute();
    return rows.map(toClinic);
  }

  /** Every clinic, archived ones included, with its staff. */
  async listForStaff(actor: Actor): Promise<Clinic[]> {
    requireRole(actor, 'admin', 'staff');
    const rows = await this.#store.db
      .selectFrom('clinics')
      .selectAll()
      .orderBy('created_at_ms')
      .orderBy('id')
      .execute();
    const staff = await this.#store.db.selectFrom('clinic_staff').selectAll().execute();
    return rows.map((r) => ({
      ...toClinic(r),
      staffIds: staff.filter((s) => s.clinic_id === r.id).map((s) => s.person_id),
    }));
  }

  async create(actor: Actor, input: ClinicInput, nowMs = Date.now()): Promise<Clinic> {
    requireRole(actor, 'admin', 'staff');
    checkHours(input.openingHours, { online: false });
    const id = randomUUID();
    return this.#store.transaction(async (trx) => {
      const staffIds = await checkStaff(trx, input.staffIds ?? []);
      await trx
        .insertInto('clinics')
        .values({
          id,
          name: JSON.stringify(input.name),
          address: JSON.stringify(input.address),
          opening_hours: JSON.stringify(input.openingHours),
          utc_offset_min: input.utcOffsetMin ?? DEFAULT_UTC_OFFSET_MIN,
          archived: input.archived ? 1 : 0,
          created_at_ms: nowMs,
          updated_at_ms: nowMs,
        })
        .execute();
      await replaceStaff(trx, id, staffIds);
      await appendEvent(trx, { type: 'clinic.created', aggregateId: id, payload: { clinicId: id } }, nowMs);
      const row = await trx.selectFrom('clinics').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return { ...toClinic(row), staffIds };
    });
  }

  async update(
    actor: Actor,
    clinicId: string,
    patch: Partial<ClinicInput>,
    nowMs = Date.now(),
  ): Promise<Clinic> {
    requireRole(actor, 'admin', 'staff');
    if (patch.openingHours) checkHours(patch.openingHours, { online: false });
    return this.#store.transaction(async (trx) => {
      const row = await trx.selectFrom('clinics').selectAll().where('id', '=', clinicId).executeTakeFirst();
      if (!row) throw new VitaliveError('NOT_FOUND', { what: 'clinic' });
      await trx
        .updateTable('clinics')
        .set({
          ...(patch.name ? { name: JSON.stringify(patch.name) } : {}),
          ...(patch.address ? { address: JSON.stringify(patch.address) } : {}),
          ...(patch.openingHours ? { opening_hours: JSON.stringify(patch.openingHours) } : {}),
          ...(patch.utcOffsetMin !== undefined ? { utc_offset_min: patch.utcOffsetMin } : {}),
          ...(patch.archived !== undefined ? { archived: patch.archived ? 1 : 0 } : {}),
          updated_at_ms: nowMs,
        })
        .where('id', '=', clinicId)
        .execute();
      if (patch.staffIds) await replaceStaff(trx, clinicId, await checkStaff(trx, patch.staffIds));
      await appendEvent(trx, { type: 'clinic.updated', aggregateId: clinicId, payload: { clinicId } }, nowMs);
      const after = await trx
        .selectFrom('clinics')
        .selectAll()
        .where('id', '=', clinicId)
        .executeTakeFirstOrThrow();
      const staff = await trx
        .selectFrom('clinic_staff')
        .select('person_id')
        .where('clinic_id', '=', clinicId)
        .execute();
      return { ...toClinic(after), staffIds: staff.map((s) => s.person_id) };
    });
  }
}
