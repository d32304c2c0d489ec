// Roles a person can hold. A person may hold several; `member` is implied for every registered person.
// The list is part of the wire contract (a person's `roles`), so it lives in protocols.
import { ROLES, type Role } from '../protocols/index.ts';

export { ROLES, type Role };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Roles that may act on the back office (staff pages, other people's records). */
export const STAFF_ROLES: readonly Role[] = ['admin', 'staff'];
