// Registration: a new member, or a prospect becoming one (same record, same member code). Attribution
// from the link is applied here: the referral code sets referred_by (first wins, never self) and the
// channel code sets channel_id (first wins). Also the bootstrap of staff accounts from the command line.
import type { Kysely } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { appendEvent } from '../outbox.ts';
import type { Role } from '../roles.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { assignChannelIfUnset } from './channel-assignment.ts';
import { activeChannelByInviteCode } from './channels.ts';
import { type CodeSource, normaliseCode, ONE_TIME_PASSWORD_LENGTH, REFERRAL_CODE_LENGTH } from './codes.ts';
import { type Contacts, normaliseContacts } from './contact.ts';
import { hashPassword } from './password.ts';
import { findByContacts, getPersonOrThrow, type Person, type PersonRow } from './person-model.ts';
import { insertPerson } from './person-records.ts';
import { addRoles } from './person-roles.ts';
import { withCodeRetry } from './unique-violation.ts';

export interface RegistrationInput {
  displayName: string;
  email?: string | undefined;
  phone?: string | undefined;
  password: string;
  /** `ref` from a share link. Unknown codes are ignored: a stale link must not block sign-up. */
  referralCode?: string | undefined;
  /** `ch` from a channel link; unknown or archived channels are ignored. */
  channelCode?: string | undefined;
}

export interface RegistrationOptions {
  defaultTier: string;
  defaultPhoneCountryCode: string | undefined;
  scryptLog2N: number;
  codes: CodeSource;
}

function takenField(row: PersonRow, contacts: Contacts): 'email' | 'phone' {
  return contacts.email !== null && row.email === contacts.email ? 'email' : 'phone';
}

async function referrerId(db: Kysely<Database>, referralCode: string | undefined): Promise<string | null> {
  const code = referralCode ? normaliseCode(referralCode, REFERRAL_CODE_LENGTH) : undefined;
  if (!code) return null;
  const row = await db.selectFrom('people').select('id').where('referral_code', '=', code).executeTakeFirst();
  return row?.id ?? null;
}

export async function register(
  store: Store,
  input: RegistrationInput,
  opts: RegistrationOptions,
  nowMs: number,
): Promise<Person> {
  const contacts = normaliseContacts(input, opts.defaultPhoneCountryCode);
  // Hashing takes tens of milliseconds; do it before the transaction holds any lock.
  const passwordHash = await hashPassword(input.password, opts.scryptLog2N);
  return withCodeRetry(() =>
    store.transaction(async (trx) => {
      const matches = await findByContacts(trx, contacts);
      const member = matches.find((m) => m.kind === 'member');
      if (member) throw new VitaliveError('PERSON_CONTACT_TAKEN', { field: takenField(member, contacts) });
      // The e-mail names one prospect and the phone another: which record is theirs is not ours to guess.
      if (matches.length > 1) throw new VitaliveError('PERSON_CONTACT_TAKEN', { field: 'phone' });
      const prospect = matches[0];
      let referredBy = await referrerId(trx, input.referralCode);
      if (prospect && referredBy === prospect.id) referredBy = null; // never self
      const channelId = input.channelCode
        ? await activeChannelByInviteCode(trx, input.channelCode)
        : undefined;

      let personId: string;
      let memberCode: string;
      if (prospect) {
        personId = prospect.id;
        memberCode = prospect.member_code;
        const claimed = await trx
          .updateTable('people')
          .set({
            kind: 'member',
            display_name: input.displayName,
            email: contacts.email ?? prospect.email,
            phone: contacts.phone ?? prospect.phone,
            password_hash: passwordHash,
            // first wins: a referrer already on the record stays
            referred_by: prospect.referred_by ?? referredBy,
            registered_at_ms: nowMs,
            updated_at_ms: nowMs,
          })
          .where('id', '=', prospect.id)
          .where('kind', '=', 'prospect')
          .executeTakeFirst();
        // Another registration claimed this prospect a moment ago.
        if (Number(claimed.numUpdatedRows) === 0) {
          throw new VitaliveError('PERSON_CONTACT_TAKEN', { field: takenField(prospect, contacts) });
        }
        if (channelId) await assignChannelIfUnset(trx, personId, channelId, 'registration', personId, nowMs);
      } else {
        const row = await insertPerson(
          trx,
          {
            kind: 'member',
            displayName: input.displayName,
            email: contacts.email,
            phone: contacts.phone,
            tier: opts.defaultTier,
            channelId: channelId ?? null,
            referredBy,
            passwordHash,
            mustChangePassword: false,
          },
          opts.codes,
          nowMs,
        );
        personId = row.id;
        memberCode = row.member_code;
      }
      await addRoles(trx, personId, ['member'], null, nowMs);
      const person = await getPersonOrThrow(trx, personId);
      await appendEvent(
        trx,
        {
          type: 'person.registered',
          aggregateId: personId,
          payload: {
            personId,
            memberCode,
            wasProspect: prospect !== undefined,
            referredBy: person.referredBy,
            channelId: person.channelId,
          },
        },
        nowMs,
      );
      return person;
    }),
  );
}

export interface StaffAccountInput {
  displayName: string;
  email?: string | undefined;
  phone?: string | undefined;
  roles: readonly Role[];
}

/**
 * A registered account with the given roles and a random single-use password: logging in with it only
 * allows setting a new password (AUTH_PASSWORD_CHANGE_REQUIRED). Used by the bootstrap command.
 */
export async function createStaffAccount(
  store: Store,
  input: StaffAccountInput,
  opts: RegistrationOptions,
  nowMs: number,
): Promise<{ person: Person; oneTimePassword: string }> {
  const contacts = normaliseContacts(input, opts.defaultPhoneCountryCode);
  const oneTimePassword = opts.codes(ONE_TIME_PASSWORD_LENGTH);
  const passwordHash = await hashPassword(oneTimePassword, opts.scryptLog2N);
  const person = await withCodeRetry(() =>
    store.transaction(async (trx) => {
      const matches = await findByContacts(trx, contacts);
      if (matches[0])
        throw new VitaliveError('PERSON_CONTACT_TAKEN', { field: takenField(matches[0], contacts) });
      const row = await insertPerson(
        trx,
        {
          kind: 'member',
          displayName: input.displayName,
          email: contacts.email,
          phone: contacts.phone,
          tier: opts.defaultTier,
          channelId: null,
          referredBy: null,
          passwordHash,
          mustChangePassword: true,
        },
        opts.codes,
        nowMs,
      );
      const granted = await addRoles(trx, row.id, ['member', ...input.roles], null, nowMs);
      await appendEvent(
        trx,
        {
          type: 'person.registered',
          aggregateId: row.id,
          payload: { personId: row.id, memberCode: row.member_code, wasProspect: false, via: 'bootstrap' },
        },
        nowMs,
      );
      await appendEvent(
        trx,
        {
          type: 'person.roles_changed',
          aggregateId: row.id,
          payload: { personId: row.id, roles: [...granted].sort(), granted, by: null },
        },
        nowMs,
      );
      return getPersonOrThrow(trx, row.id);
    }),
  );
  return { person, oneTimePassword };
}

/** Everyone holding a role beyond member, for the bootstrap command's listing. */
export async function listStaffAccounts(store: Store): Promise<Person[]> {
  const ids = await store.db
    .selectFrom('person_roles')
    .select('person_id')
    .distinct()
    .where('role', '!=', 'member')
    .execute();
  const people: Person[] = [];
  for (const { person_id } of ids) people.push(await getPersonOrThrow(store.db, person_id));
  return people.sort((a, b) => a.createdAtMs - b.createdAtMs || a.id.localeCompare(b.id));
}
