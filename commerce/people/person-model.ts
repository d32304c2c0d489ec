// The Person record as the rest of the platform sees it, read from the people and person_roles tables.
import type { Kysely, Selectable } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { isRole, type Role } from '../roles.ts';
import type { Database, PeopleTable } from '../schema.ts';

export type PersonKind = 'prospect' | 'member';

export interface Consents {
  marketing: boolean;
  marketingAtMs: number | null;
  healthData: boolean;
  healthDataAtMs: number | null;
}

export interface Person {
  id: string;
  kind: PersonKind;
  memberCode: string;
  referralCode: string;
  displayName: string;
  email: string | null;
  phone: string | null;
  tier: string;
  referredBy: string | null;
  channelId: string | null;
  consents: Consents;
  roles: Role[];
  registeredAtMs: number | null;
  createdAtMs: number;
  updatedAtMs: number;
}

/** Who is acting: the authenticated person and the roles in their token. */
export interface Actor {
  personId: string;
  roles: readonly Role[];
}

export type PersonRow = Selectable<PeopleTable>;

export function toPerson(row: PersonRow, roles: Role[]): Person {
  return {
    id: row.id,
    kind: row.kind,
    memberCode: row.member_code,
    referralCode: row.referral_code,
    displayName: row.display_name,
    email: row.email,
    phone: row.phone,
    tier: row.tier,
    referredBy: row.referred_by,
    channelId: row.channel_id,
    consents: {
      marketing: Number(row.consent_marketing) === 1,
      marketingAtMs: row.consent_marketing_at_ms === null ? null : Number(row.consent_marketing_at_ms),
      healthData: Number(row.consent_health_data) === 1,
      healthDataAtMs: row.consent_health_data_at_ms === null ? null : Number(row.consent_health_data_at_ms),
    },
    roles,
    registeredAtMs: row.registered_at_ms === null ? null : Number(row.registered_at_ms),
    createdAtMs: Number(row.created_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
  };
}

/** Roles of several people in one query, in a stable order. */
export async function rolesOf(
  db: Kysely<Database>,
  personIds: readonly string[],
): Promise<Map<string, Role[]>> {
  const byPerson = new Map<string, Role[]>(personIds.map((id) => [id, []]));
  if (personIds.length === 0) return byPerson;
  const rows = await db
    .selectFrom('person_roles')
    .select(['person_id', 'role'])
    .where('person_id', 'in', [...personIds])
    .orderBy('role')
    .execute();
  for (const r of rows) if (isRole(r.role)) byPerson.get(r.person_id)?.push(r.role);
  return byPerson;
}

export async function loadPeople(db: Kysely<Database>, rows: readonly PersonRow[]): Promise<Person[]> {
  const roles = await rolesOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toPerson(r, roles.get(r.id) ?? []));
}

export async function findPersonRow(db: Kysely<Database>, id: string): Promise<PersonRow | undefined> {
  return db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getPersonOrThrow(db: Kysely<Database>, id: string): Promise<Person> {
  const row = await findPersonRow(db, id);
  if (!row) throw new VitaliveError('NOT_FOUND', { what: 'person' });
  const [person] = await loadPeople(db, [row]);
  return person!;
}

/** People whose e-mail or phone equals one of the given (normalised) contacts. */
export async function findByContacts(
  db: Kysely<Database>,
  contacts: { email: string | null; phone: string | null },
): Promise<PersonRow[]> {
  const { email, phone } = contacts;
  if (!email && !phone) return [];
  return db
    .selectFrom('people')
    .selectAll()
    .where((eb) => {
      const ors = [];
      if (email) ors.push(eb('email', '=', email));
      if (phone) ors.push(eb('phone', '=', phone));
      return eb.or(ors);
    })
    .execute();
}
