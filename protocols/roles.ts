// The roles a person can hold (a person's `roles` on the wire). No imports: browsers bundle this list.
export const ROLES = ['admin', 'staff', 'channel_manager', 'host', 'expert', 'member'] as const;
export type Role = (typeof ROLES)[number];
