// Who may act on a consultation and who may read what of it. A person acts on their own; staff and
// admins on every one; the person's follow-up owner (a channel manager) books and changes on their
// behalf and sees that it took place and what was recommended, never the notes; an expert acts on the
// consultations booked with them and reads only the people who booked them. Anything outside a
// caller's reach is NOT_FOUND, so ids cannot be probed.
import type { Kysely, Selectable } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { isChannelManager, isStaff, managedChannelIds } from '../people/access-scope.ts';
import type { Actor } from '../people/person-model.ts';
import type { Database } from '../schema.ts';
import { holdsRole } from './experts.ts';
import type { ConsultationsTable } from './tables.ts';

/** How the actor relates to one consultation, most privileged first. */
export type Relation = 'staff' | 'expert' | 'person' | 'owner';

/** True when the actor owns a follow-up of the person or manages the person's channel. */
export async function followsPerson(db: Kysely<Database>, actor: Actor, personId: string): Promise<boolean> {
  if (!isChannelManager(actor)) return false;
  const owned = await db
    .selectFrom('follow_ups')
    .select('id')
    .where('person_id', '=', personId)
    .where('owner_id', '=', actor.personId)
    .executeTakeFirst();
  if (owned) return true;
  const person = await db
    .selectFrom('people')
    .select('channel_id')
    .where('id', '=', personId)
    .executeTakeFirst();
  if (!person?.channel_id) return false;
  return (await managedChannelIds(db, actor)).includes(person.channel_id);
}

export async function relationTo(
  db: Kysely<Database>,
  actor: Actor,
  c: Pick<Selectable<ConsultationsTable>, 'person_id' | 'expert_id'>,
): Promise<Relation | undefined> {
  if (isStaff(actor)) return 'staff';
  // The role is read again from the store: a demoted expert's token must not outlive their access to
  // health data.
  if (
    actor.personId === c.expert_id &&
    actor.roles.includes('expert') &&
    (await isExpertNow(db, actor.personId))
  )
    return 'expert';
  if (actor.personId === c.person_id) return 'person';
  if (await followsPerson(db, actor, c.person_id)) return 'owner';
  return undefined;
}

export async function loadConsultation(
  db: Kysely<Database>,
  actor: Actor,
  consultationId: string,
): Promise<{ row: Selectable<ConsultationsTable>; relation: Relation }> {
  const row = await db
    .selectFrom('consultations')
    .selectAll()
    .where('id', '=', consultationId)
    .executeTakeFirst();
  const relation = row && (await relationTo(db, actor, row));
  if (!row || !relation) throw new VitaliveError('NOT_FOUND', { what: 'consultation' });
  return { row, relation };
}

/** Whether the person holds the expert role in the store now (not only in their token). */
export function isExpertNow(db: Kysely<Database>, personId: string): Promise<boolean> {
  return holdsRole(db, personId, 'expert');
}

/** Whether the person has a consultation (not cancelled) with the expert: the expert's reach. */
export async function bookedWith(db: Kysely<Database>, expertId: string, personId: string): Promise<boolean> {
  const row = await db
    .selectFrom('consultations')
    .select('id')
    .where('expert_id', '=', expertId)
    .where('person_id', '=', personId)
    .where('status', '!=', 'cancelled')
    .executeTakeFirst();
  return row !== undefined;
}

/** Audit of a staff or expert read of a person's health data (raw readings, consultation notes). */
export async function auditRead(
  db: Kysely<Database>,
  actorId: string,
  personId: string,
  action: 'read_raw' | 'read_notes',
  nowMs = Date.now(),
): Promise<void> {
  await db
    .insertInto('readings_access_log')
    .values({ actor_id: actorId, person_id: personId, action, at_ms: nowMs })
    .execute();
}
