// A person's channel: the first channel invite or channel link wins; afterwards only an admin changes it,
// and every such change is written to person_channel_changes with who, when and why.
import type { Kysely } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { appendEvent, type NewDomainEvent } from '../outbox.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { requireRole } from './access-scope.ts';
import { type Actor, findPersonRow, getPersonOrThrow, type Person } from './person-model.ts';

export type ChannelVia = 'invitation' | 'registration' | 'admin';

/**
 * Sets the channel only while the person has none (first wins), in the caller's transaction. The
 * condition is in the UPDATE itself, so two concurrent invitations cannot both win.
 */
export async function assignChannelIfUnset(
  trx: Kysely<Database>,
  personId: string,
  channelId: string,
  via: ChannelVia,
  byPersonId: string | null,
  nowMs: number,
  /** Where the change's event goes instead of the outbox (an invitation that holds its events back). */
  collect?: NewDomainEvent[],
): Promise<boolean> {
  const result = await trx
    .updateTable('people')
    .set({ channel_id: channelId, updated_at_ms: nowMs })
    .where('id', '=', personId)
    .where('channel_id', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  const event: NewDomainEvent = {
    type: 'person.channel_changed',
    aggregateId: personId,
    payload: { personId, from: null, to: channelId, via, by: byPersonId },
  };
  if (collect) collect.push(event);
  else await appendEvent(trx, event, nowMs);
  return true;
}

/** The admin-only change (or removal, with null), audited with a reason. */
export async function changeChannelByAdmin(
  store: Store,
  actor: Actor,
  personId: string,
  channelId: string | null,
  reason: string,
  nowMs: number,
): Promise<Person> {
  requireRole(actor, 'admin');
  return store.transaction(async (trx) => {
    const row = await findPersonRow(trx, personId);
    if (!row) throw new VitaliveError('NOT_FOUND', { what: 'person' });
    if (channelId !== null) {
      const channel = await trx
        .selectFrom('channels')
        .select(['id', 'archived_at_ms'])
        .where('id', '=', channelId)
        .executeTakeFirst();
      if (!channel) throw new VitaliveError('NOT_FOUND', { what: 'channel' });
      if (channel.archived_at_ms !== null) {
        throw new VitaliveError('CONFLICT', { reason: 'the channel is archived' });
      }
    }
    if (row.channel_id === channelId) return getPersonOrThrow(trx, personId);
    await trx
      .updateTable('people')
      .set({ channel_id: channelId, updated_at_ms: nowMs })
      .where('id', '=', personId)
      .execute();
    await trx
      .insertInto('person_channel_changes')
      .values({
        person_id: personId,
        from_channel_id: row.channel_id,
        to_channel_id: channelId,
        changed_by: actor.personId,
        reason,
        changed_at_ms: nowMs,
      })
      .execute();
    // The free-text reason stays in the audit table: it may name people, and events are broadcast.
    await appendEvent(
      trx,
      {
        type: 'person.channel_changed',
        aggregateId: personId,
        payload: { personId, from: row.channel_id, to: channelId, via: 'admin', by: actor.personId },
      },
      nowMs,
    );
    return getPersonOrThrow(trx, personId);
  });
}

export interface ChannelChange {
  id: number;
  personId: string;
  fromChannelId: string | null;
  toChannelId: string | null;
  changedBy: string;
  reason: string;
  changedAtMs: number;
}

/** The audit trail of a person's channel changes, oldest first. */
export async function channelChangesOf(
  store: Store,
  actor: Actor,
  personId: string,
): Promise<ChannelChange[]> {
  requireRole(actor, 'admin', 'staff');
  const rows = await store.db
    .selectFrom('person_channel_changes')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    personId: r.person_id,
    fromChannelId: r.from_channel_id,
    toChannelId: r.to_channel_id,
    changedBy: r.changed_by,
    reason: r.reason,
    changedAtMs: Number(r.changed_at_ms),
  }));
}
