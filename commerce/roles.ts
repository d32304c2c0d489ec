// Roles a person can hold. A person may hold several; `member` is implied for every registered person.
export const ROLES = ['admin', 'staff', 'channel_manager', 'host', 'member'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Roles that may act on the back office (staff pages, other people's records). */
export const STAFF_ROLES: readonly Role[] = ['admin', 'staff'];
