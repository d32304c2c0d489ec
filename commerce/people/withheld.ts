// Invitations a channel manager cannot read back. When a manager's invitation makes a prospect theirs
// (a new one, or one joining the channel now), the person stays out of the manager's lists and figures
// until they act — prove a contact or register, check in at an event, take a device test — because a
// prospect that appeared at once would tell a fresh contact (listed) from a taken one (never listed).
// The invitation's outbox events wait here meanwhile, so no consumer (follow-ups, rollups, the live
// staff stream) counts or shows the person early; the act releases them, in order, ahead of its own.
import type { Kysely } from 'kysely';
import { appendEvents, type DomainEventType, type NewDomainEvent } from '../outbox.ts';
import type { Database } from '../schema.ts';

/** Marks the person hidden from channel managers and keeps their events back, in the caller's transaction. */
export async function withhold(
  trx: Kysely<Database>,
  personId: string,
  events: readonly NewDomainEvent[],
  nowMs: number,
): Promise<void> {
  await trx.updateTable('people').set({ channel_pending: 1 }).where('id', '=', personId).execute();
  if (events.length === 0) return;
  await trx
    .insertInto('withheld_events')
    .values(
      events.map((e) => ({
        person_id: personId,
        type: e.type,
        aggregate_id: e.aggregateId,
        payload: JSON.stringify(e.payload),
        created_at_ms: nowMs,
      })),
    )
    .execute();
}

/** True while the person's invitation is hidden from channel managers. */
export async function isPending(trx: Kysely<Database>, personId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('people')
    .select('channel_pending')
    .where('id', '=', personId)
    .executeTakeFirst();
  return Number(row?.channel_pending ?? 0) === 1;
}

/**
 * The people acted: their held events go to the outbox (before whatever the caller appends next) and
 * they show in their channel's lists from now on. Cheap when nobody is pending: one indexed read.
 */
export async function reveal(
  trx: Kysely<Database>,
  personIds: readonly string[],
  nowMs: number,
): Promise<void> {
  const ids = [...new Set(personIds)];
  if (ids.length === 0) return;
  const pending = await trx
    .selectFrom('people')
    .select('id')
    .where('id', 'in', ids)
    .where('channel_pending', '=', 1)
    .execute();
  if (pending.length === 0) return;
  const who = pending.map((p) => p.id);
  const held = await trx
    .selectFrom('withheld_events')
    .selectAll()
    .where('person_id', 'in', who)
    .orderBy('id')
    .execute();
  await trx
    .updateTable('people')
    .set({ channel_pending: 0, updated_at_ms: nowMs })
    .where('id', 'in', who)
    .execute();
  if (held.length === 0) return;
  await trx.deleteFrom('withheld_events').where('person_id', 'in', who).execute();
  await appendEvents(
    trx,
    held.map((h) => ({
      type: h.type as DomainEventType,
      aggregateId: h.aggregate_id,
      payload: JSON.parse(h.payload) as Record<string, unknown>,
    })),
    nowMs,
  );
}
