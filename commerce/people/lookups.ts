// Narrow reads other rooms reach through ports plugged in by the composition root: who carries a member
// code (device readings, event check-in), and whether a person consented to health-data processing.

import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** A store, or a transaction of it (lookups run inside a caller's transaction too). */
export type Reader = { readonly db: Kysely<Database> };

import type { Role } from '../roles.ts';
import { INVITE_CODE_LENGTH, MEMBER_CODE_LENGTH, normaliseCode } from './codes.ts';
import { rolesOf } from './person-model.ts';
import { sessionsRevokedAtMs } from './refresh-tokens.ts';

/** The person id for a member code (any case, spaces or dashes allowed), or undefined. */
export async function personIdByMemberCode(store: Reader, memberCode: string): Promise<string | undefined> {
  const code = normaliseCode(memberCode, MEMBER_CODE_LENGTH);
  if (!code) return undefined;
  const row = await store.db
    .selectFrom('people')
    .select('id')
    .where('member_code', '=', code)
    .executeTakeFirst();
  return row?.id;
}

export interface HealthDataConsent {
  granted: boolean;
  /** When the flag last changed; null when it never did. */
  changedAtMs: number | null;
}

/** The person's health-data consent, or undefined when there is no such person. */
export async function healthDataConsent(
  store: Reader,
  personId: string,
): Promise<HealthDataConsent | undefined> {
  const row = await store.db
    .selectFrom('people')
    .select(['consent_health_data', 'consent_health_data_at_ms'])
    .where('id', '=', personId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    granted: Number(row.consent_health_data) === 1,
    changedAtMs: row.consent_health_data_at_ms === null ? null : Number(row.consent_health_data_at_ms),
  };
}

/** The channel behind a share link's `ch` code (a channel invite code), or undefined. */
export async function channelIdByCode(store: Reader, code: string): Promise<string | undefined> {
  const normalised = normaliseCode(code, INVITE_CODE_LENGTH);
  if (!normalised) return undefined;
  const row = await store.db
    .selectFrom('channels')
    .select('id')
    .where('invite_code', '=', normalised)
    .executeTakeFirst();
  return row?.id;
}

/** The person's channel (first invite or link wins), or undefined. */
export async function channelIdOfPerson(store: Reader, personId: string): Promise<string | undefined> {
  const row = await store.db
    .selectFrom('people')
    .select('channel_id')
    .where('id', '=', personId)
    .executeTakeFirst();
  return row?.channel_id ?? undefined;
}

/** Many share-link codes at once (one query per 500): code as given → channel id; unknown codes left out. */
export async function channelIdsByCodes(
  store: Reader,
  codes: readonly string[],
): Promise<Map<string, string>> {
  const wanted = new Map<string, string[]>();
  for (const code of new Set(codes)) {
    const normalised = normaliseCode(code, INVITE_CODE_LENGTH);
    if (normalised) wanted.set(normalised, [...(wanted.get(normalised) ?? []), code]);
  }
  const out = new Map<string, string>();
  const all = [...wanted.keys()];
  for (let i = 0; i < all.length; i += 500) {
    const rows = await store.db
      .selectFrom('channels')
      .select(['id', 'invite_code'])
      .where('invite_code', 'in', all.slice(i, i + 500))
      .execute();
    for (const r of rows) for (const code of wanted.get(r.invite_code) ?? []) out.set(code, r.id);
  }
  return out;
}

/** Many people's channels at once (one query per 500): person id → channel id; no channel left out. */
export async function channelIdsOfPeople(
  store: Reader,
  personIds: readonly string[],
): Promise<Map<string, string>> {
  const ids = [...new Set(personIds)];
  const out = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await store.db
      .selectFrom('people')
      .select(['id', 'channel_id'])
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) if (r.channel_id) out.set(r.id, r.channel_id);
  }
  return out;
}

/** Ids of the channels a channel manager manages (archived ones included: their history still counts). */
export async function channelIdsManagedBy(store: Reader, personId: string): Promise<string[]> {
  const rows = await store.db
    .selectFrom('channels')
    .select('id')
    .where('manager_id', '=', personId)
    .execute();
  return rows.map((r) => r.id);
}

export interface PersonAccess {
  /** The roles the person holds now (none when there is no such person). */
  roles: Role[];
  /** When the person's sessions were last ended (logout, password change or reset), or null. */
  sessionsRevokedAtMs: number | null;
}

/** What a long-lived connection re-checks before a privileged action: current roles, ended sessions. */
export async function personAccess(store: Reader, personId: string): Promise<PersonAccess> {
  const [roles, revokedAt] = await Promise.all([
    rolesOf(store.db, [personId]),
    sessionsRevokedAtMs(store.db, personId),
  ]);
  return { roles: roles.get(personId) ?? [], sessionsRevokedAtMs: revokedAt };
}
