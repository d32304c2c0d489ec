// Who may see and change which follow-up: staff and admins every record; a channel manager the records
// of people now in their channels, and records they were made owner of; members and hosts nothing.
// A record outside a manager's reach is NOT_FOUND, so ids cannot be probed for existence.
import type { Kysely, Selectable } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { isChannelManager, isStaff, managedChannelIds } from '../people/access-scope.ts';
import type { Actor } from '../people/person-model.ts';
import { STAFF_ROLES } from '../roles.ts';
import type { Database } from '../schema.ts';
import type { FollowUpsTable } from './tables.ts';

export interface Viewer {
  actor: Actor;
  staff: boolean;
  /** undefined for staff: every channel. */
  channelIds: string[] | undefined;
}

export async function viewerOf(db: Kysely<Database>, actor: Actor): Promise<Viewer> {
  if (isStaff(actor)) return { actor, staff: true, channelIds: undefined };
  if (!isChannelManager(actor))
    throw new VitaliveError('FORBIDDEN', { reason: 'follow-ups are for staff and channel managers' });
  return { actor, staff: false, channelIds: await managedChannelIds(db, actor) };
}

/** The record, when the viewer may see it; NOT_FOUND otherwise. */
export async function accessibleFollowUp(
  db: Kysely<Database>,
  viewer: Viewer,
  followUpId: string,
): Promise<Selectable<FollowUpsTable> & { person_channel_id: string | null }> {
  const row = await db
    .selectFrom('follow_ups as f')
    .innerJoin('people as p', 'p.id', 'f.person_id')
    .selectAll('f')
    .select('p.channel_id as person_channel_id')
    .where('f.id', '=', followUpId)
    .executeTakeFirst();
  if (!row || !canSee(viewer, row)) throw new VitaliveError('NOT_FOUND', { what: 'follow-up' });
  return row;
}

export function canSee(
  viewer: Viewer,
  row: { channel_id: string; owner_id: string | null; person_channel_id: string | null },
): boolean {
  if (viewer.staff) return true;
  // A person who moved to another channel is no longer the old channel's (nor its owner's) to work.
  if (row.person_channel_id !== row.channel_id) return false;
  return viewer.channelIds!.includes(row.channel_id) || row.owner_id === viewer.actor.personId;
}

/** An owner or assignee must be someone who works follow-ups: staff, admin or a channel manager. */
export async function assertWorker(db: Kysely<Database>, personId: string): Promise<void> {
  const roles = await db
    .selectFrom('person_roles')
    .select('role')
    .where('person_id', '=', personId)
    .where('role', 'in', [...STAFF_ROLES, 'channel_manager'])
    .executeTakeFirst();
  if (!roles) throw new VitaliveError('FOLLOW_UP_OWNER_INVALID', { personId: personId.slice(0, 64) });
}
