// Role assignment by admins. A person may hold several roles; every registered person holds `member`,
// which cannot be removed, and the last admin cannot be removed either (nobody could assign roles again).
import type { Kysely } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { appendEvent } from '../outbox.ts';
import type { Role } from '../roles.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { requireRole } from './access-scope.ts';
import { type Actor, findPersonRow, getPersonOrThrow, type Person, rolesOf } from './person-model.ts';

/** Inserts roles the person does not hold yet; returns the ones actually added. */
export async function addRoles(
  trx: Kysely<Database>,
  personId: string,
  roles: readonly Role[],
  grantedBy: string | null,
  nowMs: number,
): Promise<Role[]> {
  const held = new Set((await rolesOf(trx, [personId])).get(personId));
  const added = [...new Set(roles)].filter((r) => !held.has(r));
  if (added.length === 0) return [];
  await trx
    .insertInto('person_roles')
    .values(added.map((role) => ({ person_id: personId, role, granted_by: grantedBy, granted_at_ms: nowMs })))
    .execute();
  return added;
}

async function rolesChanged(
  trx: Kysely<Database>,
  personId: string,
  change: { granted?: Role[]; revoked?: Role[] },
  by: string | null,
  nowMs: number,
): Promise<void> {
  const roles = (await rolesOf(trx, [personId])).get(personId) ?? [];
  await appendEvent(
    trx,
    { type: 'person.roles_changed', aggregateId: personId, payload: { personId, roles, ...change, by } },
    nowMs,
  );
}

export async function grantRole(
  store: Store,
  actor: Actor,
  personId: string,
  role: Role,
  nowMs: number,
): Promise<Person> {
  requireRole(actor, 'admin');
  return store.transaction(async (trx) => {
    const row = await findPersonRow(trx, personId);
    if (!row) throw new VitaliveError('NOT_FOUND', { what: 'person' });
    if (row.kind !== 'member') {
      throw new VitaliveError('CONFLICT', { reason: 'roles are for registered members; this is a prospect' });
    }
    const added = await addRoles(trx, personId, [role], actor.personId, nowMs);
    if (added.length > 0) await rolesChanged(trx, personId, { granted: added }, actor.personId, nowMs);
    return getPersonOrThrow(trx, personId);
  });
}

export async function revokeRole(
  store: Store,
  actor: Actor,
  personId: string,
  role: Role,
  nowMs: number,
): Promise<Person> {
  requireRole(actor, 'admin');
  if (role === 'member') {
    throw new VitaliveError('CONFLICT', { reason: 'every registered person keeps the member role' });
  }
  return store.transaction(async (trx) => {
    const row = await findPersonRow(trx, personId);
    if (!row) throw new VitaliveError('NOT_FOUND', { what: 'person' });
    if (role === 'admin') {
      // Lock the admin rows so two admins removing each other at once cannot both succeed (PostgreSQL;
      // SQLite runs one write transaction at a time anyway).
      let admins = trx.selectFrom('person_roles').select('person_id').where('role', '=', 'admin');
      if (store.dialect === 'postgres') admins = admins.forUpdate();
      const rows = await admins.execute();
      if (rows.length === 1 && rows[0]!.person_id === personId) {
        throw new VitaliveError('CONFLICT', { reason: 'the last admin cannot be removed' });
      }
    }
    const result = await trx
      .deleteFrom('person_roles')
      .where('person_id', '=', personId)
      .where('role', '=', role)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) > 0) {
      await rolesChanged(trx, personId, { revoked: [role] }, actor.personId, nowMs);
    }
    return getPersonOrThrow(trx, personId);
  });
}
