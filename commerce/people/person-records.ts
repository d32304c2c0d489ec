// Writing person records: creating them with fresh codes, a person's own profile and consent changes,
// and staff edits. Attribution fields (referred_by, channel_id) are not writable here on purpose.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { appendEvent } from '../outbox.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { isAdmin, requireRole } from './access-scope.ts';
import { type CodeSource, MEMBER_CODE_LENGTH, REFERRAL_CODE_LENGTH } from './codes.ts';
import { normaliseEmail, normalisePhone } from './contact.ts';
import {
  type Actor,
  findPersonRow,
  getPersonOrThrow,
  type Person,
  type PersonKind,
  type PersonRow,
  rolesOf,
} from './person-model.ts';
import { withCodeRetry } from './unique-violation.ts';

export interface NewPerson {
  kind: PersonKind;
  displayName: string;
  email: string | null;
  phone: string | null;
  tier: string;
  channelId: string | null;
  referredBy: string | null;
  passwordHash: string | null;
  mustChangePassword: boolean;
}

/** Inserts a person with newly drawn member and referral codes (run inside withCodeRetry). */
export async function insertPerson(
  trx: Kysely<Database>,
  p: NewPerson,
  codes: CodeSource,
  nowMs: number,
): Promise<PersonRow> {
  const row = {
    id: randomUUID(),
    kind: p.kind,
    member_code: codes(MEMBER_CODE_LENGTH),
    referral_code: codes(REFERRAL_CODE_LENGTH),
    display_name: p.displayName,
    email: p.email,
    phone: p.phone,
    tier: p.tier,
    referred_by: p.referredBy,
    channel_id: p.channelId,
    consent_marketing: 0,
    consent_marketing_at_ms: null,
    consent_health_data: 0,
    consent_health_data_at_ms: null,
    password_hash: p.passwordHash,
    must_change_password: p.mustChangePassword ? 1 : 0,
    registered_at_ms: p.kind === 'member' ? nowMs : null,
    created_at_ms: nowMs,
    updated_at_ms: nowMs,
    email_proven_at_ms: null,
    phone_proven_at_ms: null,
    locale: null,
    time_zone: null,
    preferred_channel: null,
    wechat_openid: null,
    sms_opted_out_at_ms: null,
    channel_pending: 0,
  };
  await trx.insertInto('people').values(row).execute();
  return row;
}

export interface SelfUpdate {
  displayName?: string | undefined;
  consents?: { marketing?: boolean | undefined; healthData?: boolean | undefined } | undefined;
}

/** A person's own changes: display name and consents (a consent's timestamp moves only when it flips). */
export async function updateOwnProfile(
  store: Store,
  personId: string,
  patch: SelfUpdate,
  nowMs: number,
): Promise<Person> {
  return store.transaction(async (trx) => {
    const row = await findPersonRow(trx, personId);
    if (!row) throw new VitaliveError('NOT_FOUND', { what: 'person' });
    const set: Partial<PersonRow> = {};
    if (patch.displayName !== undefined && patch.displayName !== row.display_name) {
      set.display_name = patch.displayName;
    }
    const marketing = patch.consents?.marketing;
    if (marketing !== undefined && (Number(row.consent_marketing) === 1) !== marketing) {
      set.consent_marketing = marketing ? 1 : 0;
      set.consent_marketing_at_ms = nowMs;
    }
    const health = patch.consents?.healthData;
    if (health !== undefined && (Number(row.consent_health_data) === 1) !== health) {
      set.consent_health_data = health ? 1 : 0;
      set.consent_health_data_at_ms = nowMs;
    }
    await applyUpdate(trx, row.id, set, personId, nowMs);
    return getPersonOrThrow(trx, personId);
  });
}

export interface StaffUpdate {
  displayName?: string | undefined;
  tier?: string | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
}

/** Staff edits of someone's name, tier and contacts (normalised, unique, at least one kept). */
export async function updatePersonByStaff(
  store: Store,
  actor: Actor,
  personId: string,
  patch: StaffUpdate,
  opts: { tiers: readonly string[]; defaultPhoneCountryCode: string | undefined; nowMs: number },
): Promise<Person> {
  requireRole(actor, 'admin', 'staff');
  if (patch.tier !== undefined && !opts.tiers.includes(patch.tier)) {
    throw new VitaliveError('VALIDATION_FAILED', { reason: `tier must be one of ${opts.tiers.join(', ')}` });
  }
  const email = patch.email ? normaliseEmail(patch.email) : patch.email;
  const phone = patch.phone ? normalisePhone(patch.phone, opts.defaultPhoneCountryCode) : patch.phone;
  return withCodeRetry(() =>
    store.transaction(async (trx) => {
      const row = await findPersonRow(trx, personId);
      if (!row) throw new VitaliveError('NOT_FOUND', { what: 'person' });
      // A staff or admin account's login is theirs to keep: only an admin edits it (as with reset codes).
      const roles = (await rolesOf(trx, [personId])).get(personId) ?? [];
      if (!isAdmin(actor) && roles.some((r) => r === 'admin' || r === 'staff')) {
        throw new VitaliveError('FORBIDDEN', { reason: 'only an admin may edit a staff or admin account' });
      }
      const set: Partial<PersonRow> = {};
      if (patch.displayName !== undefined && patch.displayName !== row.display_name) {
        set.display_name = patch.displayName;
      }
      if (patch.tier !== undefined && patch.tier !== row.tier) set.tier = patch.tier;
      // A contact staff type in is unproven until its owner proves it (or staff vouch for it).
      if (email !== undefined && email !== row.email) {
        set.email = email || null;
        set.email_proven_at_ms = null;
      }
      if (phone !== undefined && phone !== row.phone) {
        set.phone = phone || null;
        set.phone_proven_at_ms = null;
      }
      const nextEmail = set.email !== undefined ? set.email : row.email;
      const nextPhone = set.phone !== undefined ? set.phone : row.phone;
      if (!nextEmail && !nextPhone) {
        throw new VitaliveError('CONTACT_INVALID', { field: 'email or phone', reason: 'keep at least one' });
      }
      await applyUpdate(trx, row.id, set, actor.personId, opts.nowMs);
      return getPersonOrThrow(trx, personId);
    }),
  );
}

/** Writes the changed columns and person.updated (names of changed fields only: no contact data). */
async function applyUpdate(
  trx: Kysely<Database>,
  personId: string,
  set: Partial<PersonRow>,
  byPersonId: string,
  nowMs: number,
): Promise<void> {
  const fields = Object.keys(set).filter((f) => !f.endsWith('_proven_at_ms'));
  if (fields.length === 0) return;
  await trx
    .updateTable('people')
    .set({ ...set, updated_at_ms: nowMs })
    .where('id', '=', personId)
    .execute();
  const payload: Record<string, unknown> = { personId, fields, by: byPersonId };
  if (set.tier !== undefined) payload.tier = set.tier;
  if (set.consent_marketing !== undefined) payload.consentMarketing = set.consent_marketing === 1;
  if (set.consent_health_data !== undefined) payload.consentHealthData = set.consent_health_data === 1;
  await appendEvent(trx, { type: 'person.updated', aggregateId: personId, payload }, nowMs);
}
