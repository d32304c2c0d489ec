// Who may see and act on whom: staff and admins on everyone, a channel manager only on the people of
// the channels they manage, everyone else only on themselves. Checked here as well as on the routes, so
// no caller of the domain can skip it.
import type { Kysely } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { type Role, STAFF_ROLES } from '../roles.ts';
import type { Database } from '../schema.ts';
import type { Actor } from './person-model.ts';

export function isStaff(actor: Actor): boolean {
  return actor.roles.some((r) => STAFF_ROLES.includes(r));
}

export function isAdmin(actor: Actor): boolean {
  return actor.roles.includes('admin');
}

export function isChannelManager(actor: Actor): boolean {
  return actor.roles.includes('channel_manager');
}

export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!actor.roles.some((r) => roles.includes(r))) {
    throw new VitaliveError('FORBIDDEN', { reason: `requires role ${roles.join(' or ')}` });
  }
}

/** Ids of the channels the actor manages, archived ones included. */
export async function managedChannelIds(db: Kysely<Database>, actor: Actor): Promise<string[]> {
  if (!isChannelManager(actor)) return [];
  const rows = await db
    .selectFrom('channels')
    .select('id')
    .where('manager_id', '=', actor.personId)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Throws unless the actor may see the person. A channel manager asking about someone outside their
 * channels gets NOT_FOUND, so ids cannot be probed for existence; a member gets FORBIDDEN.
 */
export async function assertCanSeePerson(
  db: Kysely<Database>,
  actor: Actor,
  person: { id: string; channelId: string | null },
): Promise<void> {
  if (actor.personId === person.id || isStaff(actor)) return;
  if (isChannelManager(actor)) {
    const own = await managedChannelIds(db, actor);
    if (person.channelId !== null && own.includes(person.channelId)) return;
    throw new VitaliveError('NOT_FOUND', { what: 'person' });
  }
  throw new VitaliveError('FORBIDDEN', { reason: 'members see only their own record' });
}

/** Throws unless the actor is staff or manages the channel (NOT_FOUND for other managers' channels). */
export async function assertCanActOnChannel(
  db: Kysely<Database>,
  actor: Actor,
  channelId: string,
): Promise<void> {
  if (isStaff(actor)) return;
  if (isChannelManager(actor) && (await managedChannelIds(db, actor)).includes(channelId)) return;
  if (isChannelManager(actor)) throw new VitaliveError('NOT_FOUND', { what: 'channel' });
  throw new VitaliveError('FORBIDDEN', { reason: 'requires role admin, staff or channel_manager' });
}
