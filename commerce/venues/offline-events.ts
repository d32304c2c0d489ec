// Offline events: staff create one (date, venue, channels); each listed channel's manager registers
// invitees (through the channel invitation, so strangers become prospects with member codes); at the door
// staff type or scan a member code to check someone in. Check-in is idempotent: the (event, person)
// key decides, and only the first one writes `offline_event.checked_in`. A device reading carrying the
// event id also counts as attendance (the rollup consumer records it with the same key).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { appendEvent, type NewDomainEvent } from '../outbox.ts';
import { isStaff, managedChannelIds } from '../people/access-scope.ts';
import type { InvitationInput, InvitationOutcome } from '../people/invitations.ts';
import { personIdByMemberCode } from '../people/lookups.ts';
import type { People } from '../people/people.ts';
import type { Actor } from '../people/person-model.ts';
import { isPending, reveal, withhold } from '../people/withheld.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';

export interface OfflineEvent {
  id: string;
  title: string;
  venue: string;
  startsAtMs: number;
  channelIds: string[];
  createdAtMs: number;
}

export interface NewOfflineEvent {
  title: string;
  venue: string;
  startsAtMs: number;
  channelIds: string[];
}

export interface EventInvitee {
  personId: string;
  displayName: string;
  memberCode: string;
  channelId: string;
  invitedAtMs: number;
  attended: boolean;
}

export interface CheckIn {
  eventId: string;
  personId: string;
  displayName: string;
  /** False when the person had already been checked in (by staff or by a device reading). */
  firstTime: boolean;
  via: 'check_in' | 'reading';
  atMs: number;
}

/**
 * What registering an invitee answers: the outcome for staff; for a channel manager only that the
 * invitation was sent (the invitee's member code reaches them in the invitation message).
 */
export type EventInviteAnswer =
  | { outcome: InvitationOutcome; registered: boolean; personId: string; memberCode: string }
  | { invitationId: string; status: 'sent' };

export class OfflineEvents {
  readonly #store: Store;
  readonly #people: People;
  readonly #now: () => number;

  constructor(store: Store, people: People, now: () => number = Date.now) {
    this.#store = store;
    this.#people = people;
    this.#now = now;
  }

  async create(actor: Actor, input: NewOfflineEvent): Promise<OfflineEvent> {
    if (!isStaff(actor)) throw new VitaliveError('FORBIDDEN', { reason: 'requires role admin or staff' });
    const channelIds = [...new Set(input.channelIds)].sort();
    const id = randomUUID();
    const nowMs = this.#now();
    await this.#store.transaction(async (trx) => {
      if (channelIds.length > 0) {
        const found = await trx.selectFrom('channels').select('id').where('id', 'in', channelIds).execute();
        const missing = channelIds.find((c) => !found.some((f) => f.id === c));
        if (missing) throw new VitaliveError('NOT_FOUND', { what: `channel ${missing}` });
      }
      await trx
        .insertInto('offline_events')
        .values({
          id,
          title: input.title,
          venue: input.venue,
          starts_at_ms: input.startsAtMs,
          created_by: actor.personId,
          created_at_ms: nowMs,
        })
        .execute();
      if (channelIds.length > 0)
        await trx
          .insertInto('offline_event_channels')
          .values(channelIds.map((channel_id) => ({ event_id: id, channel_id })))
          .execute();
      await appendEvent(
        trx,
        {
          type: 'offline_event.created',
          aggregateId: id,
          payload: { eventId: id, startsAtMs: input.startsAtMs, channelIds, by: actor.personId },
        },
        nowMs,
      );
    });
    return this.get(actor, id);
  }

  /** One event; a channel manager only one their channels take part in (FORBIDDEN otherwise). */
  async get(actor: Actor, eventId: string): Promise<OfflineEvent> {
    const event = await loadEvent(this.#store.db, eventId);
    await assertCanSeeEvent(this.#store.db, actor, event);
    return event;
  }

  /** Events newest first; a channel manager's only those of their channels. */
  async list(actor: Actor, page: { limit: number; offset: number }): Promise<OfflineEvent[]> {
    let q = this.#store.db.selectFrom('offline_events').select('id');
    if (!isStaff(actor)) {
      const own = await managedChannelIds(this.#store.db, actor);
      if (own.length === 0) return [];
      q = q.where('id', 'in', (eb) =>
        eb.selectFrom('offline_event_channels').select('event_id').where('channel_id', 'in', own),
      );
    }
    const rows = await q
      .orderBy('starts_at_ms', 'desc')
      .orderBy('id')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    const out: OfflineEvent[] = [];
    for (const r of rows) out.push(await loadEvent(this.#store.db, r.id));
    return out;
  }

  /**
   * Registers someone for the event on behalf of one of its channels: the channel invitation runs first
   * (a stranger becomes the channel's prospect with a member code, sent to them), then the event
   * invitation is recorded once. Someone who belongs to another channel, or holds an account, is not
   * registered (their channel registers them; an account is asked to join the channel).
   *
   * Staff are told what happened (refused with EVENT_INVITEE_OTHER_CHANNEL when not registered). A
   * channel manager is told only that the invitation was sent, whoever holds the contact: the answer must
   * not tell them whether a contact is new or already another channel's or an account's.
   */
  async invite(
    actor: Actor,
    eventId: string,
    channelId: string,
    input: InvitationInput,
  ): Promise<EventInviteAnswer> {
    const event = await loadEvent(this.#store.db, eventId);
    await assertCanActForChannel(this.#store.db, actor, channelId);
    if (!event.channelIds.includes(channelId))
      throw new VitaliveError('EVENT_CHANNEL_NOT_LISTED', { channelId, eventId });
    const result = await this.#people.invite(actor, channelId, input);
    const sent = { invitationId: result.invitationId, status: 'sent' as const };
    if (!result.person) {
      if (isStaff(actor)) throw new VitaliveError('EVENT_INVITEE_OTHER_CHANNEL');
      return sent;
    }
    const person = result.person;
    const nowMs = this.#now();
    const registered = await this.#store.transaction(async (trx) => {
      const res = await trx
        .insertInto('event_invitees')
        .values({
          event_id: eventId,
          person_id: person.id,
          channel_id: channelId,
          invited_by: actor.personId,
          invited_at_ms: nowMs,
        })
        .onConflict((oc) => oc.columns(['event_id', 'person_id']).doNothing())
        .executeTakeFirst();
      if (Number(res.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
      const added: NewDomainEvent = {
        type: 'offline_event.invitee_added',
        aggregateId: eventId,
        payload: { eventId, personId: person.id, channelId, by: actor.personId },
      };
      // A prospect the manager's invitation is holding back stays held back with this too: the copy
      // the follow-ups and figures count waits for the person to act; the one marked `heldBack` goes
      // out now, for the invitee's own messages only (invitation, day-before reminder).
      if (await isPending(trx, person.id)) {
        await withhold(trx, person.id, [added], nowMs);
        await appendEvent(trx, { ...added, payload: { ...added.payload, heldBack: true } }, nowMs);
      } else await appendEvent(trx, added, nowMs);
      return true;
    });
    if (!isStaff(actor)) return sent;
    return { outcome: result.outcome, registered, personId: person.id, memberCode: person.memberCode };
  }

  /** Invitees with their attendance; a channel manager sees only their own channels' invitees. */
  async invitees(actor: Actor, eventId: string): Promise<EventInvitee[]> {
    const event = await this.get(actor, eventId);
    let q = this.#store.db
      .selectFrom('event_invitees as i')
      .innerJoin('people as p', 'p.id', 'i.person_id')
      .leftJoin('event_attendance as a', (j) =>
        j.onRef('a.event_id', '=', 'i.event_id').onRef('a.person_id', '=', 'i.person_id'),
      )
      .select([
        'i.person_id',
        'p.display_name',
        'p.member_code',
        'i.channel_id',
        'i.invited_at_ms',
        'a.at_ms as attended_at_ms',
      ])
      .where('i.event_id', '=', event.id);
    if (!isStaff(actor))
      q = q
        .where('i.channel_id', 'in', await managedChannelIds(this.#store.db, actor))
        .where('p.channel_pending', '=', 0);
    const rows = await q.orderBy('i.invited_at_ms').orderBy('i.person_id').execute();
    return rows.map((r) => ({
      personId: r.person_id,
      displayName: r.display_name,
      memberCode: r.member_code,
      channelId: r.channel_id,
      invitedAtMs: Number(r.invited_at_ms),
      attended: r.attended_at_ms !== null,
    }));
  }

  /** Staff check someone in by member code; calling it again answers the first check-in. */
  async checkIn(actor: Actor, eventId: string, memberCode: string): Promise<CheckIn> {
    if (!isStaff(actor)) throw new VitaliveError('FORBIDDEN', { reason: 'requires role admin or staff' });
    await loadEvent(this.#store.db, eventId);
    const personId = await personIdByMemberCode(this.#store, memberCode);
    if (!personId) throw new VitaliveError('MEMBER_CODE_UNKNOWN', { code: memberCode.slice(0, 16) });
    const nowMs = this.#now();
    return this.#store.transaction(async (trx) => {
      const res = await trx
        .insertInto('event_attendance')
        .values({
          event_id: eventId,
          person_id: personId,
          via: 'check_in',
          recorded_by: actor.personId,
          at_ms: nowMs,
        })
        .onConflict((oc) => oc.columns(['event_id', 'person_id']).doNothing())
        .executeTakeFirst();
      const firstTime = Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
      // Coming to the door is the person acting: a held-back invitation now shows to its channel.
      await reveal(trx, [personId], nowMs);
      if (firstTime)
        await appendEvent(
          trx,
          {
            type: 'offline_event.checked_in',
            aggregateId: eventId,
            payload: { eventId, personId, via: 'check_in', by: actor.personId },
          },
          nowMs,
        );
      const row = await trx
        .selectFrom('event_attendance as a')
        .innerJoin('people as p', 'p.id', 'a.person_id')
        .select(['a.via', 'a.at_ms', 'p.display_name'])
        .where('a.event_id', '=', eventId)
        .where('a.person_id', '=', personId)
        .executeTakeFirstOrThrow();
      return {
        eventId,
        personId,
        displayName: row.display_name,
        firstTime,
        via: row.via,
        atMs: Number(row.at_ms),
      };
    });
  }
}

export async function loadEvent(db: Kysely<Database>, eventId: string): Promise<OfflineEvent> {
  const row = await db.selectFrom('offline_events').selectAll().where('id', '=', eventId).executeTakeFirst();
  if (!row) throw new VitaliveError('NOT_FOUND', { what: 'event' });
  const channels = await db
    .selectFrom('offline_event_channels')
    .select('channel_id')
    .where('event_id', '=', eventId)
    .orderBy('channel_id')
    .execute();
  return {
    id: row.id,
    title: row.title,
    venue: row.venue,
    startsAtMs: Number(row.starts_at_ms),
    channelIds: channels.map((c) => c.channel_id),
    createdAtMs: Number(row.created_at_ms),
  };
}

/** Staff see every event; a channel manager one that lists one of their channels; others nothing. */
export async function assertCanSeeEvent(
  db: Kysely<Database>,
  actor: Actor,
  event: { id: string; channelIds: readonly string[] },
): Promise<void> {
  if (isStaff(actor)) return;
  const own = await managedChannelIds(db, actor);
  if (event.channelIds.some((c) => own.includes(c))) return;
  throw new VitaliveError('FORBIDDEN', { reason: `event ${event.id} is not one of your channels' events` });
}

/** Staff act for any channel; a channel manager only for their own (FORBIDDEN otherwise). */
export async function assertCanActForChannel(
  db: Kysely<Database>,
  actor: Actor,
  channelId: string,
): Promise<void> {
  if (isStaff(actor)) return;
  if ((await managedChannelIds(db, actor)).includes(channelId)) return;
  throw new VitaliveError('FORBIDDEN', { reason: `channel ${channelId} is not yours` });
}
