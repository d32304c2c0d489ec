// The people service: one object holding the options (tiers, costs, lifetimes, throttle limits) that
// the gateway and the bootstrap command call; each operation lives in its own module.
import { VitaliveError } from '../../protocols/index.ts';
import type { Messenger } from '../messaging/index.ts';
import type { Role } from '../roles.ts';
import type { Store } from '../store.ts';
import { assertCanSeePerson } from './access-scope.ts';
import { type ChannelChange, changeChannelByAdmin, channelChangesOf } from './channel-assignment.ts';
import {
  type Channel,
  type ChannelPatch,
  createChannel,
  getChannel,
  listChannels,
  type NewChannel,
  updateChannel,
} from './channels.ts';
import { type CodeSource, randomCode } from './codes.ts';
import { type ContactProofLimits, deliver } from './contact-proof.ts';
import {
  type CredentialOptions,
  changePassword,
  type LoginAttempt,
  type LoginResult,
  login,
} from './credentials.ts';
import {
  answerInvitation,
  type Invitation,
  type InvitationInput,
  type InvitationResult,
  invite,
  listInvitations,
  myInvitations,
  type OpenInvitation,
} from './invitations.ts';
import { pruneThrottle } from './login-throttle.ts';
import { type Actor, getPersonOrThrow, type Person } from './person-model.ts';
import {
  type SelfUpdate,
  type StaffUpdate,
  updateOwnProfile,
  updatePersonByStaff,
} from './person-records.ts';
import { grantRole, revokeRole } from './person-roles.ts';
import { type PeopleQuery, searchPeople } from './person-search.ts';
import {
  type IssuedRefreshToken,
  issueRefreshToken,
  pruneRefreshTokens,
  revokeRefreshToken,
  rotateRefreshToken,
} from './refresh-tokens.ts';
import {
  createStaffAccount,
  listStaffAccounts,
  type ProofOptions,
  type ProofResult,
  proveContact,
  type RegistrationInput,
  requestContactCode,
  requestRegistration,
  type StaffAccountInput,
  vouchForContact,
} from './registration.ts';
import { confirmReminder, type ReminderContactInput, requestReminderCode } from './reminder-contacts.ts';
import { type IssuedResetCode, issueResetCode, resetPassword } from './reset-codes.ts';

export interface PeopleOptions {
  /** Membership tiers, lowest first; new people get the first. */
  tiers: readonly string[];
  defaultPhoneCountryCode?: string | undefined;
  /** scrypt cost of new hashes as log2(N). */
  scryptLog2N: number;
  refreshTtlMs: number;
  resetCodeTtlMs: number;
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerIp: number;
  /** Failed logins per account from all IPs, beyond which only known devices may try; 0 disables. */
  loginMaxFailuresPerAccountAllIps: number;
  loginThrottleWindowMs: number;
  /** One-time codes that prove contacts: lifetime, tries and budgets. */
  contactProof: ContactProofLimits;
  /** Delivers codes and notices. @default refuses to send (SERVICE_UNAVAILABLE) */
  messenger?: Messenger;
  /** @default Date.now */
  now?: () => number;
  /** @default random codes from the unambiguous alphabet */
  codes?: CodeSource;
}

const noMessenger: Messenger = {
  send: async () => {
    throw new VitaliveError('SERVICE_UNAVAILABLE', { what: 'message delivery' });
  },
};

export class People {
  readonly store: Store;
  readonly tiers: readonly string[];
  readonly #now: () => number;
  readonly #codes: CodeSource;
  readonly #opts: PeopleOptions;
  readonly #credentials: CredentialOptions;
  #lastPruneMs = 0;

  constructor(store: Store, opts: PeopleOptions) {
    if (opts.tiers.length === 0) throw new TypeError('at least one tier is required');
    this.store = store;
    this.tiers = opts.tiers;
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#codes = opts.codes ?? randomCode;
    this.#credentials = {
      scryptLog2N: opts.scryptLog2N,
      refreshTtlMs: opts.refreshTtlMs,
      defaultPhoneCountryCode: opts.defaultPhoneCountryCode,
      throttle: {
        maxPerAccount: opts.loginMaxFailuresPerAccount,
        maxPerIp: opts.loginMaxFailuresPerIp,
        maxPerAccountAllIps: opts.loginMaxFailuresPerAccountAllIps,
        windowMs: opts.loginThrottleWindowMs,
      },
    };
  }

  get #registration(): ProofOptions {
    return {
      defaultTier: this.tiers[0]!,
      defaultPhoneCountryCode: this.#opts.defaultPhoneCountryCode,
      scryptLog2N: this.#opts.scryptLog2N,
      codes: this.#codes,
      limits: this.#opts.contactProof,
      messenger: this.#opts.messenger ?? noMessenger,
    };
  }

  // Accounts and sessions

  /** Sends a code to each given contact (or a notice to one that has an account); creates nothing yet. */
  register(input: RegistrationInput, ip: string): Promise<void> {
    return requestRegistration(this.store, input, ip, this.#registration, this.#now());
  }

  /** A code came back: creates the registration's account, or proves an account's contact. */
  proveContact(input: { contact: string; code: string; ip: string }): Promise<ProofResult> {
    return proveContact(this.store, input, this.#registration, this.#now());
  }

  /** Staff vouch for a contact of the person in front of them; audited as person.contact_proven. */
  vouchForContact(actor: Actor, personId: string, field: 'email' | 'phone'): Promise<Person> {
    return vouchForContact(this.store, actor, personId, field, this.#now());
  }

  /** A new code for a waiting registration or an unproven contact; nothing for anything else. */
  requestContactCode(input: { contact: string; ip: string; locale?: string | undefined }): Promise<void> {
    return requestContactCode(this.store, input, this.#registration, this.#now());
  }

  /** "Remind me" without an account, step one: a code to the contact (same for every contact). */
  requestReminderCode(input: ReminderContactInput): Promise<void> {
    return requestReminderCode(this.store, input, this.#registration, this.#now());
  }

  /** Step two: the code came back; the reminder is set for whoever holds the contact. */
  confirmReminder(input: ReminderContactInput & { code: string }): Promise<void> {
    return confirmReminder(this.store, input, this.#registration, this.#now());
  }

  /** A new refresh session for someone who just proved who they are (registration). */
  async startSession(person: Person): Promise<LoginResult> {
    const refresh = await issueRefreshToken(this.store.db, person.id, this.#opts.refreshTtlMs, this.#now());
    return { person, refresh };
  }

  async login(input: LoginAttempt): Promise<LoginResult> {
    await this.#maybePrune();
    return login(this.store, input, this.#credentials, this.#now());
  }

  changePassword(input: {
    login: string;
    currentPassword: string;
    newPassword: string;
    ip: string;
    knownDeviceOf?: string | undefined;
  }): Promise<LoginResult> {
    return changePassword(this.store, input, this.#credentials, this.#now());
  }

  /** A new refresh token and the person (with current roles) it belongs to. */
  async refresh(token: string): Promise<{ person: Person; refresh: IssuedRefreshToken }> {
    const { personId, next } = await rotateRefreshToken(
      this.store,
      token,
      this.#opts.refreshTtlMs,
      this.#now(),
    );
    return { person: await getPersonOrThrow(this.store.db, personId), refresh: next };
  }

  logout(token: string): Promise<void> {
    return revokeRefreshToken(this.store, token, this.#now());
  }

  issueResetCode(actor: Actor, personId: string): Promise<IssuedResetCode> {
    return issueResetCode(this.store, actor, personId, {
      ttlMs: this.#opts.resetCodeTtlMs,
      codes: this.#codes,
      nowMs: this.#now(),
    });
  }

  /** Sets the new password; answers whose it is (the gateway remembers this device for them). */
  resetPassword(input: {
    login: string;
    code: string;
    newPassword: string;
    ip: string;
  }): Promise<{ personId: string }> {
    return resetPassword(this.store, input, this.#credentials, this.#now());
  }

  createStaffAccount(input: StaffAccountInput): Promise<{ person: Person; oneTimePassword: string }> {
    return createStaffAccount(this.store, input, this.#registration, this.#now());
  }

  listStaffAccounts(): Promise<Person[]> {
    return listStaffAccounts(this.store);
  }

  // People

  me(personId: string): Promise<Person> {
    return getPersonOrThrow(this.store.db, personId);
  }

  updateMe(personId: string, patch: SelfUpdate): Promise<Person> {
    return updateOwnProfile(this.store, personId, patch, this.#now());
  }

  async getPerson(actor: Actor, personId: string): Promise<Person> {
    const person = await getPersonOrThrow(this.store.db, personId);
    await assertCanSeePerson(this.store.db, actor, person);
    return person;
  }

  updatePerson(actor: Actor, personId: string, patch: StaffUpdate): Promise<Person> {
    return updatePersonByStaff(this.store, actor, personId, patch, {
      tiers: this.tiers,
      defaultPhoneCountryCode: this.#opts.defaultPhoneCountryCode,
      nowMs: this.#now(),
    });
  }

  searchPeople(actor: Actor, query: PeopleQuery): Promise<{ items: Person[]; total: number }> {
    return searchPeople(this.store, actor, query);
  }

  changeChannel(actor: Actor, personId: string, channelId: string | null, reason: string): Promise<Person> {
    return changeChannelByAdmin(this.store, actor, personId, channelId, reason, this.#now());
  }

  channelChanges(actor: Actor, personId: string): Promise<ChannelChange[]> {
    return channelChangesOf(this.store, actor, personId);
  }

  grantRole(actor: Actor, personId: string, role: Role): Promise<Person> {
    return grantRole(this.store, actor, personId, role, this.#now());
  }

  revokeRole(actor: Actor, personId: string, role: Role): Promise<Person> {
    return revokeRole(this.store, actor, personId, role, this.#now());
  }

  // Channels

  createChannel(actor: Actor, input: NewChannel): Promise<Channel> {
    return createChannel(this.store, actor, input, this.#codes, this.#now());
  }

  getChannel(actor: Actor, channelId: string): Promise<Channel> {
    return getChannel(this.store, actor, channelId);
  }

  listChannels(actor: Actor, opts: { includeArchived: boolean }): Promise<Channel[]> {
    return listChannels(this.store, actor, opts);
  }

  updateChannel(actor: Actor, channelId: string, patch: ChannelPatch): Promise<Channel> {
    return updateChannel(this.store, actor, channelId, patch, this.#codes, this.#now());
  }

  async invite(actor: Actor, channelId: string, input: InvitationInput): Promise<InvitationResult> {
    const { messages, ...result } = await invite(this.store, actor, channelId, input, {
      defaultTier: this.tiers[0]!,
      defaultPhoneCountryCode: this.#opts.defaultPhoneCountryCode,
      codes: this.#codes,
      nowMs: this.#now(),
    });
    // Sent after the answer, never awaited: whether a message goes out, and how long it takes, must not
    // show in what the inviter is told. The adapter logs a failed delivery.
    if (messages) void deliver(this.#registration.messenger, messages).catch(() => {});
    return result;
  }

  myInvitations(personId: string): Promise<OpenInvitation[]> {
    return myInvitations(this.store, personId);
  }

  answerInvitation(
    personId: string,
    invitationId: string,
    accept: boolean,
  ): Promise<{ outcome: 'accepted' | 'declined'; channelId: string | null }> {
    return answerInvitation(this.store, personId, invitationId, accept, this.#now());
  }

  listInvitations(
    actor: Actor,
    channelId: string,
    page: { limit: number; offset: number },
  ): Promise<{ items: Invitation[]; total: number }> {
    return listInvitations(this.store, actor, channelId, page);
  }

  /**
   * Expired refresh tokens and ended throttle windows are deleted at most once per throttle window per
   * process, piggybacking on logins (several nodes pruning the same rows is harmless).
   */
  async #maybePrune(): Promise<void> {
    const now = this.#now();
    if (now - this.#lastPruneMs < this.#opts.loginThrottleWindowMs) return;
    this.#lastPruneMs = now;
    await pruneThrottle(this.store.db, now, this.#opts.loginThrottleWindowMs);
    await pruneRefreshTokens(this.store.db, now);
  }
}
