// Channel invitations: a channel manager (for their own channel) or staff invites someone by phone or
// e-mail. A stranger becomes a prospect of the channel; a known person joins the channel only if they
// have none yet (first wins); an account is asked and decides. Every invitation is recorded for the
// channel's funnel. What the inviter is told never depends on who holds the contact: the outcome stays
// in commerce (the funnel, staff), the inviter's answer and list say only "sent".
import { randomUUID } from 'node:crypto';
import { VitaliveError } from '../../protocols/index.ts';
import {
  chooseLocale,
  type MessageLocale,
  messageLocaleOf,
  type OutgoingMessage,
  WORDING,
} from '../messaging/index.ts';
import { appendEvent, appendEvents, type NewDomainEvent } from '../outbox.ts';
import type { Store } from '../store.ts';
import { assertCanActOnChannel, isStaff } from './access-scope.ts';
import { assignChannelIfUnset } from './channel-assignment.ts';
import type { CodeSource } from './codes.ts';
import { normaliseContacts } from './contact.ts';
import { type Actor, findByContacts, getPersonOrThrow, type Person } from './person-model.ts';
import { insertPerson } from './person-records.ts';
import { withCodeRetry } from './unique-violation.ts';
import { isPending, withhold } from './withheld.ts';

/**
 * created: a new prospect; joined: an existing prospect without a channel now belongs to this one;
 * already_in_channel: nothing to do; other_channel: the person belongs to another channel and stays there;
 * invited: the contact belongs to an account, which was sent the invitation to accept or decline (the
 * inviter learns nothing more about it, and nothing is bound until the person accepts); accepted and
 * declined: the person's answer to such an invitation.
 */
export type InvitationOutcome =
  | 'created'
  | 'joined'
  | 'already_in_channel'
  | 'other_channel'
  | 'invited'
  | 'accepted'
  | 'declined';

export interface InvitationResult {
  invitationId: string;
  outcome: InvitationOutcome;
  /** Absent for other_channel and invited: the inviter may not see people outside their channels. */
  person?: Person;
  /** Messages to send once the invitation is committed (to an account's contact). */
  messages?: OutgoingMessage[];
}

/** To a prospect (new or known) invited into a channel: their member code, for events and tests. */
function prospectInvitationMessage(
  to: { field: 'email' | 'phone'; value: string },
  channelName: string,
  memberCode: string,
  locale: MessageLocale,
): OutgoingMessage {
  return {
    to,
    kind: 'channel_invitation',
    locale,
    ...WORDING[locale].prospectInvitation(channelName, memberCode),
  };
}

/** To an account: an invitation to accept or decline. */
function invitationMessage(
  to: { field: 'email' | 'phone'; value: string },
  channelName: string,
  locale: MessageLocale,
): OutgoingMessage {
  return { to, kind: 'channel_invitation', locale, ...WORDING[locale].accountInvitation(channelName) };
}

export interface InvitationInput {
  displayName: string;
  email?: string | undefined;
  phone?: string | undefined;
  /**
   * The inviter's language (a tag or an Accept-Language value): the invitee's message is written in
   * their own language when known, else in this one; a new prospect keeps it.
   */
  locale?: string | undefined;
}

export async function invite(
  store: Store,
  actor: Actor,
  channelId: string,
  input: InvitationInput,
  opts: {
    defaultTier: string;
    defaultPhoneCountryCode: string | undefined;
    codes: CodeSource;
    nowMs: number;
  },
): Promise<InvitationResult> {
  await assertCanActOnChannel(store.db, actor, channelId);
  const contacts = normaliseContacts(input, opts.defaultPhoneCountryCode);
  const { nowMs } = opts;
  return withCodeRetry(() =>
    store.transaction(async (trx) => {
      const channel = await trx
        .selectFrom('channels')
        .select(['id', 'name', 'archived_at_ms'])
        .where('id', '=', channelId)
        .executeTakeFirst();
      if (!channel) throw new VitaliveError('NOT_FOUND', { what: 'channel' });
      if (channel.archived_at_ms !== null) {
        throw new VitaliveError('CONFLICT', { reason: 'the channel is archived' });
      }
      // A registration someone started for these contacts before the invitation cannot finish now: it
      // would hand the invited person's new record to whoever chose that registration's password.
      await trx
        .updateTable('contact_codes')
        .set({ used_at_ms: nowMs })
        .where(
          'contact',
          'in',
          [contacts.email, contacts.phone].filter((c): c is string => c !== null),
        )
        .where('person_id', 'is', null)
        .where('used_at_ms', 'is', null)
        .execute();
      const matches = await findByContacts(trx, contacts);
      if (matches.length > 1) {
        // The e-mail is one person's and the phone another's: refuse rather than guess.
        throw new VitaliveError('PERSON_CONTACT_TAKEN', { field: 'phone' });
      }
      const existing = matches[0];
      // A channel manager's invitation that makes the person theirs is held back until the person acts
      // (withheld.ts): its events wait, and the person stays out of the manager's lists meanwhile.
      const holdBack = !isStaff(actor);
      const events: NewDomainEvent[] = [];
      let personId: string;
      let outcome: InvitationOutcome;
      if (!existing) {
        const row = await insertPerson(
          trx,
          {
            kind: 'prospect',
            displayName: input.displayName,
            email: contacts.email,
            phone: contacts.phone,
            tier: opts.defaultTier,
            channelId,
            referredBy: null,
            passwordHash: null,
            mustChangePassword: false,
          },
          opts.codes,
          nowMs,
        );
        personId = row.id;
        outcome = 'created';
        const locale = messageLocaleOf(input.locale);
        if (locale) await trx.updateTable('people').set({ locale }).where('id', '=', personId).execute();
        events.push({
          type: 'person.created',
          aggregateId: personId,
          payload: {
            personId,
            kind: 'prospect',
            memberCode: row.member_code,
            channelId,
            by: actor.personId,
          },
        });
      } else if (existing.kind === 'member') {
        // An account: the person decides. Its channel, record and very existence stay theirs.
        personId = existing.id;
        outcome = 'invited';
      } else {
        personId = existing.id;
        if (existing.channel_id === channelId) outcome = 'already_in_channel';
        else if (existing.channel_id !== null) outcome = 'other_channel';
        else {
          const won = await assignChannelIfUnset(
            trx,
            personId,
            channelId,
            'invitation',
            actor.personId,
            nowMs,
            holdBack ? events : undefined,
          );
          outcome = won ? 'joined' : 'other_channel';
        }
      }
      const invitationId = randomUUID();
      await trx
        .insertInto('channel_invitations')
        .values({
          id: invitationId,
          channel_id: channelId,
          person_id: personId,
          invited_by: actor.personId,
          outcome,
          created_at_ms: nowMs,
        })
        .execute();
      events.push({
        type: 'person.invited',
        aggregateId: personId,
        payload: { invitationId, personId, channelId, outcome, by: actor.personId },
      });
      const held =
        (holdBack && (outcome === 'created' || outcome === 'joined')) ||
        (outcome === 'already_in_channel' && (await isPending(trx, personId)));
      if (held) await withhold(trx, personId, events, nowMs);
      else await appendEvents(trx, events, nowMs);
      // Someone another channel invited first is not told about this one: nothing changes for them.
      if (outcome === 'other_channel') return { invitationId, outcome };
      const to = contacts.email
        ? { field: 'email' as const, value: contacts.email }
        : { field: 'phone' as const, value: contacts.phone! };
      const locale = chooseLocale(existing?.locale, input.locale);
      if (outcome === 'invited') {
        return { invitationId, outcome, messages: [invitationMessage(to, channel.name, locale)] };
      }
      const person = await getPersonOrThrow(trx, personId);
      return {
        invitationId,
        outcome,
        person,
        messages: [prospectInvitationMessage(to, channel.name, person.memberCode, locale)],
      };
    }),
  );
}

/**
 * What a channel manager sees of an invitation: `sent` until the invited account accepted it. The other
 * outcomes (a new prospect, a known one, someone of another channel, an account asked or declining)
 * would tell the manager whether the contact belonged to someone.
 */
export type InvitationStatus = InvitationOutcome | 'sent';

export interface Invitation {
  id: string;
  channelId: string;
  /** Null for a channel manager until the person accepted. */
  personId: string | null;
  invitedBy: string;
  /** The outcome for staff; `sent` or `accepted` for a channel manager. */
  outcome: InvitationStatus;
  createdAtMs: number;
}

/** A channel's invitations, newest first. */
export async function listInvitations(
  store: Store,
  actor: Actor,
  channelId: string,
  page: { limit: number; offset: number },
): Promise<{ items: Invitation[]; total: number }> {
  await assertCanActOnChannel(store.db, actor, channelId);
  const exists = await store.db
    .selectFrom('channels')
    .select('id')
    .where('id', '=', channelId)
    .executeTakeFirst();
  if (!exists) throw new VitaliveError('NOT_FOUND', { what: 'channel' });
  const base = store.db.selectFrom('channel_invitations').where('channel_id', '=', channelId);
  const [rows, count] = await Promise.all([
    base
      .selectAll()
      .orderBy('created_at_ms', 'desc')
      .orderBy('id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => {
      const shown = isStaff(actor) || r.outcome === 'accepted';
      return {
        id: r.id,
        channelId: r.channel_id,
        personId: shown ? r.person_id : null,
        invitedBy: r.invited_by,
        outcome: shown ? (r.outcome as InvitationOutcome) : 'sent',
        createdAtMs: Number(r.created_at_ms),
      };
    }),
    total: Number(count.n),
  };
}

export interface OpenInvitation {
  id: string;
  channelId: string;
  channelName: string;
  createdAtMs: number;
}

/** The invitations waiting for the signed-in person's answer, newest first. */
export async function myInvitations(store: Store, personId: string): Promise<OpenInvitation[]> {
  const rows = await store.db
    .selectFrom('channel_invitations as i')
    .innerJoin('channels as c', 'c.id', 'i.channel_id')
    .select(['i.id', 'i.channel_id', 'c.name', 'i.created_at_ms'])
    .where('i.person_id', '=', personId)
    .where('i.outcome', '=', 'invited')
    .orderBy('i.created_at_ms', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    channelId: r.channel_id,
    channelName: r.name,
    createdAtMs: Number(r.created_at_ms),
  }));
}

/**
 * The person's answer to an invitation sent to their account. Accepting binds the channel only if they
 * have none yet (first wins, as always); either way the invitation is closed.
 */
export async function answerInvitation(
  store: Store,
  personId: string,
  invitationId: string,
  accept: boolean,
  nowMs: number,
): Promise<{ outcome: 'accepted' | 'declined'; channelId: string | null }> {
  return store.transaction(async (trx) => {
    const inv = await trx
      .selectFrom('channel_invitations')
      .selectAll()
      .where('id', '=', invitationId)
      .where('person_id', '=', personId)
      .where('outcome', '=', 'invited')
      .executeTakeFirst();
    if (!inv) throw new VitaliveError('INVITATION_NOT_FOUND', { invitationId });
    const outcome = accept ? 'accepted' : 'declined';
    const closed = await trx
      .updateTable('channel_invitations')
      .set({ outcome })
      .where('id', '=', inv.id)
      .where('outcome', '=', 'invited')
      .executeTakeFirst();
    if (Number(closed.numUpdatedRows) === 0)
      throw new VitaliveError('INVITATION_NOT_FOUND', { invitationId });
    if (accept)
      await assignChannelIfUnset(trx, personId, inv.channel_id, 'invitation', inv.invited_by, nowMs);
    await appendEvent(
      trx,
      {
        type: 'person.invitation_answered',
        aggregateId: personId,
        payload: { invitationId, personId, channelId: inv.channel_id, outcome },
      },
      nowMs,
    );
    const row = await trx
      .selectFrom('people')
      .select('channel_id')
      .where('id', '=', personId)
      .executeTakeFirst();
    return { outcome, channelId: row?.channel_id ?? null };
  });
}
