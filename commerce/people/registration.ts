// Registration: a new member, or a prospect becoming one (same record, same member code), once a code
// sent to the contact came back (contact-proof.ts). Attribution from the link is applied then: the referral code sets referred_by (first wins, never self) and the
// channel code sets channel_id (first wins). Also the bootstrap of staff accounts from the command line.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { chooseLocale, type Messenger, messageLocaleOf, type OutgoingMessage } from '../messaging/index.ts';
import { appendEvent } from '../outbox.ts';
import type { Role } from '../roles.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { isAdmin, requireRole } from './access-scope.ts';
import { assignChannelIfUnset } from './channel-assignment.ts';
import { activeChannelByInviteCode } from './channels.ts';
import { type CodeSource, normaliseCode, ONE_TIME_PASSWORD_LENGTH, REFERRAL_CODE_LENGTH } from './codes.ts';
import { type ContactField, type Contacts, normaliseContacts, parseLogin } from './contact.ts';
import {
  type ContactProofLimits,
  chargeSend,
  checkContactCode,
  codeMessage,
  contactList,
  deliver,
  issueContactCode,
  type PendingRegistration,
  type ProvedCode,
  provenField,
  takenMessage,
  useContactCode,
} from './contact-proof.ts';
import { hashPassword } from './password.ts';
import {
  type Actor,
  findByContacts,
  findPersonRow,
  getPersonOrThrow,
  type Person,
  type PersonRow,
  rolesOf,
} from './person-model.ts';
import { insertPerson } from './person-records.ts';
import { addRoles } from './person-roles.ts';
import { withCodeRetry } from './unique-violation.ts';
import { reveal } from './withheld.ts';

export interface RegistrationInput {
  displayName: string;
  email?: string | undefined;
  phone?: string | undefined;
  password: string;
  /** `ref` from a share link. Unknown codes are ignored: a stale link must not block sign-up. */
  referralCode?: string | undefined;
  /** `ch` from a channel link; unknown or archived channels are ignored. */
  channelCode?: string | undefined;
  /** The request's language (a tag or an Accept-Language value): codes are sent, and the account set, in it. */
  locale?: string | undefined;
}

export interface RegistrationOptions {
  defaultTier: string;
  defaultPhoneCountryCode: string | undefined;
  scryptLog2N: number;
  codes: CodeSource;
}

export interface ProofOptions extends RegistrationOptions {
  limits: ContactProofLimits;
  messenger: Messenger;
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

/**
 * Step one of registering: budgets (per IP and per contact) are charged before the password is hashed;
 * each given contact then gets a code, or, when an account already holds it, a notice instead. The
 * answer is the same either way, so registration tells no one whether a contact has an account.
 */
export async function requestRegistration(
  store: Store,
  input: RegistrationInput,
  ip: string,
  opts: ProofOptions,
  nowMs: number,
): Promise<void> {
  const contacts = normaliseContacts(input, opts.defaultPhoneCountryCode);
  const list = contactList(contacts);
  await chargeSend(
    store.db,
    list.map((c) => c.value),
    ip,
    opts.limits,
    nowMs,
  );
  // Hashing takes tens of milliseconds; do it before the transaction holds any lock.
  const passwordHash = await hashPassword(input.password, opts.scryptLog2N);
  const registration: PendingRegistration = {
    displayName: input.displayName,
    email: contacts.email,
    phone: contacts.phone,
    passwordHash,
    referralCode: input.referralCode,
    channelCode: input.channelCode,
    locale: messageLocaleOf(input.locale),
  };
  const messages = await store.transaction(async (trx) => {
    const registrationId = randomUUID();
    const out: OutgoingMessage[] = [];
    for (const to of list) {
      const holder = await trx
        .selectFrom('people')
        .select(['id', 'locale'])
        .where(to.field, '=', to.value)
        .where('kind', '=', 'member')
        .executeTakeFirst();
      // The notice goes to the account holder, in their language when known.
      if (holder) out.push(takenMessage(to, chooseLocale(holder.locale, input.locale)));
      else {
        const code = await issueContactCode(
          trx,
          to,
          { registrationId, registration },
          opts.limits.codeTtlMs,
          nowMs,
        );
        out.push(codeMessage(to, code, opts.limits.codeTtlMs, chooseLocale(input.locale)));
      }
    }
    return out;
  });
  await deliver(opts.messenger, messages);
}

/**
 * Asks for a new code for a contact: a registration still waiting for it, or an account's unproven
 * contact. Anything else (unknown, or already proven) sends nothing; the answer is the same.
 */
export async function requestContactCode(
  store: Store,
  input: { contact: string; ip: string; locale?: string | undefined },
  opts: ProofOptions,
  nowMs: number,
): Promise<void> {
  const to = parseLogin(input.contact, opts.defaultPhoneCountryCode);
  await chargeSend(store.db, [to.value], input.ip, opts.limits, nowMs);
  const messages = await store.transaction(async (trx) => {
    const holder = await trx
      .selectFrom('people')
      .selectAll()
      .where(to.field, '=', to.value)
      .where('kind', '=', 'member')
      .executeTakeFirst();
    let code: string | undefined;
    let locale = chooseLocale(input.locale);
    if (holder) {
      if (!provenField(holder, to.field)) {
        locale = chooseLocale(holder.locale, input.locale);
        code = await issueContactCode(trx, to, { personId: holder.id }, opts.limits.codeTtlMs, nowMs);
      }
    } else {
      const pending = await trx
        .selectFrom('contact_codes')
        .select(['registration', 'registration_id'])
        .where('contact', '=', to.value)
        .where('person_id', 'is', null)
        .where('created_at_ms', '>', nowMs - opts.limits.codeTtlMs)
        .orderBy('created_at_ms', 'desc')
        .executeTakeFirst();
      if (pending?.registration && pending.registration_id) {
        const registration = JSON.parse(pending.registration) as PendingRegistration;
        locale = chooseLocale(input.locale, registration.locale);
        code = await issueContactCode(
          trx,
          to,
          { registrationId: pending.registration_id, registration },
          opts.limits.codeTtlMs,
          nowMs,
        );
      }
    }
    return code === undefined ? [] : [codeMessage(to, code, opts.limits.codeTtlMs, locale)];
  });
  await deliver(opts.messenger, messages);
}

export type ProofResult = { kind: 'registered'; person: Person } | { kind: 'proven'; person: Person };

/**
 * Step two: a code comes back. For a registration, the account is created now, with the proved contact;
 * a prospect holding that contact becomes this member (same record, same member code). The other contact
 * of the registration is kept only if nobody holds it, unproven, with its code now proving it for the
 * account. For an account's contact, the contact is marked proven.
 */
export async function proveContact(
  store: Store,
  input: { contact: string; code: string; ip: string },
  opts: ProofOptions,
  nowMs: number,
): Promise<ProofResult> {
  const checked = await checkContactCode(store, input, opts.limits, opts.defaultPhoneCountryCode, nowMs);
  return withCodeRetry(() =>
    store.transaction(async (trx) => {
      if (!(await useContactCode(trx, checked.id, nowMs))) throw new VitaliveError('CONTACT_CODE_INVALID');
      const provenColumn = checked.field === 'email' ? 'email_proven_at_ms' : 'phone_proven_at_ms';
      if (checked.kind === 'account') {
        const proved = await trx
          .updateTable('people')
          .set({ [provenColumn]: nowMs, updated_at_ms: nowMs })
          .where('id', '=', checked.personId)
          .where(checked.field, '=', checked.contact)
          .executeTakeFirst();
        // The account gave up that contact since the code was sent.
        if (Number(proved.numUpdatedRows) === 0) throw new VitaliveError('CONTACT_CODE_INVALID');
        await appendEvent(
          trx,
          {
            type: 'person.contact_proven',
            aggregateId: checked.personId,
            payload: { personId: checked.personId, field: checked.field, via: 'code', by: null },
          },
          nowMs,
        );
        return { kind: 'proven', person: await getPersonOrThrow(trx, checked.personId) };
      }
      const person = await createAccount(trx, checked, opts, nowMs);
      // The registration's other code now proves that contact for this account.
      await trx
        .updateTable('contact_codes')
        .set({ person_id: person.id, registration: null })
        .where('registration_id', '=', checked.registrationId)
        .where('used_at_ms', 'is', null)
        .execute();
      return { kind: 'registered', person };
    }),
  );
}

/**
 * Staff vouch for a contact of the person in front of them (at a clinic, with the member code checked):
 * the contact counts as proven, recorded with who vouched. Only an admin vouches for a staff or admin
 * account, as with reset codes.
 */
export async function vouchForContact(
  store: Store,
  actor: Actor,
  personId: string,
  field: ContactField,
  nowMs: number,
): Promise<Person> {
  requireRole(actor, 'admin', 'staff');
  return store.transaction(async (trx) => {
    const row = await findPersonRow(trx, personId);
    if (!row) throw new VitaliveError('NOT_FOUND', { what: 'person' });
    if (row[field] === null) throw new VitaliveError('CONFLICT', { reason: `the person has no ${field}` });
    const roles = (await rolesOf(trx, [personId])).get(personId) ?? [];
    if (!isAdmin(actor) && roles.some((r) => r === 'admin' || r === 'staff')) {
      throw new VitaliveError('FORBIDDEN', {
        reason: 'only an admin may vouch for a staff or admin account',
      });
    }
    const provenColumn = field === 'email' ? 'email_proven_at_ms' : 'phone_proven_at_ms';
    await trx
      .updateTable('people')
      .set({ [provenColumn]: nowMs, updated_at_ms: nowMs })
      .where('id', '=', personId)
      .execute();
    // Staff vouch for a person in front of them: the person acted.
    await reveal(trx, [personId], nowMs);
    await appendEvent(
      trx,
      {
        type: 'person.contact_proven',
        aggregateId: personId,
        payload: { personId, field, via: 'staff', by: actor.personId },
      },
      nowMs,
    );
    return getPersonOrThrow(trx, personId);
  });
}

/** Whether a contact is free for an account: held by nobody but the given person. */
async function freeFor(
  trx: Kysely<Database>,
  field: ContactField,
  value: string | null,
  personId: string | null,
): Promise<boolean> {
  if (value === null) return false;
  const holder = await trx.selectFrom('people').select('id').where(field, '=', value).executeTakeFirst();
  return !holder || holder.id === personId;
}

async function createAccount(
  trx: Kysely<Database>,
  checked: Extract<ProvedCode, { kind: 'registration' }>,
  opts: ProofOptions,
  nowMs: number,
): Promise<Person> {
  const reg = checked.registration;
  const proven: ContactField = checked.field;
  const other: ContactField = proven === 'email' ? 'phone' : 'email';
  const holder = await trx
    .selectFrom('people')
    .selectAll()
    .where(proven, '=', checked.contact)
    .executeTakeFirst();
  // An account took the contact while the code was on its way (e.g. staff created one).
  if (holder?.kind === 'member') throw new VitaliveError('PERSON_CONTACT_TAKEN', { field: proven });
  const prospect = holder;
  let referredBy = await referrerId(trx, reg.referralCode);
  if (prospect && referredBy === prospect.id) referredBy = null; // never self
  const channelId = reg.channelCode ? await activeChannelByInviteCode(trx, reg.channelCode) : undefined;
  const otherValue = (await freeFor(trx, other, reg[other], prospect?.id ?? null)) ? reg[other] : null;
  const contacts = {
    [proven]: checked.contact,
    [other]: otherValue ?? prospect?.[other] ?? null,
  } as unknown as Contacts;
  const provenAt = {
    email_proven_at_ms: proven === 'email' ? nowMs : null,
    phone_proven_at_ms: proven === 'phone' ? nowMs : null,
  };

  let personId: string;
  let memberCode: string;
  if (prospect) {
    personId = prospect.id;
    memberCode = prospect.member_code;
    const claimed = await trx
      .updateTable('people')
      .set({
        kind: 'member',
        display_name: reg.displayName,
        email: contacts.email,
        phone: contacts.phone,
        ...provenAt,
        locale: reg.locale ?? prospect.locale ?? null,
        password_hash: reg.passwordHash,
        // first wins: a referrer already on the record stays
        referred_by: prospect.referred_by ?? referredBy,
        registered_at_ms: nowMs,
        updated_at_ms: nowMs,
      })
      .where('id', '=', prospect.id)
      .where('kind', '=', 'prospect')
      .executeTakeFirst();
    // Another registration claimed this prospect a moment ago.
    if (Number(claimed.numUpdatedRows) === 0)
      throw new VitaliveError('PERSON_CONTACT_TAKEN', { field: proven });
    // Registering is the person acting: a held-back invitation now shows to its channel.
    await reveal(trx, [personId], nowMs);
    if (channelId) await assignChannelIfUnset(trx, personId, channelId, 'registration', personId, nowMs);
  } else {
    const row = await insertPerson(
      trx,
      {
        kind: 'member',
        displayName: reg.displayName,
        email: contacts.email,
        phone: contacts.phone,
        tier: opts.defaultTier,
        channelId: channelId ?? null,
        referredBy,
        passwordHash: reg.passwordHash,
        mustChangePassword: false,
      },
      opts.codes,
      nowMs,
    );
    personId = row.id;
    memberCode = row.member_code;
    await trx
      .updateTable('people')
      .set({ ...provenAt, locale: reg.locale ?? null })
      .where('id', '=', personId)
      .execute();
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
        proven,
      },
    },
    nowMs,
  );
  return person;
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
      // Whoever runs the bootstrap command on the machine vouches for the contacts they typed.
      await trx
        .updateTable('people')
        .set({
          email_proven_at_ms: contacts.email ? nowMs : null,
          phone_proven_at_ms: contacts.phone ? nowMs : null,
        })
        .where('id', '=', row.id)
        .execute();
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
