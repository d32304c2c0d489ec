// A token says who someone was when it was minted; a privilege must hold now. Before a privileged
// action (an HTTP route that demands a role, an event on a long-lived socket) the person's ended
// sessions and current roles are read again, so a demotion or logout takes effect at once rather than
// when the access token runs out.
import type { PersonAccess } from '../../commerce/index.ts';
import { VitaliveError } from '../../protocols/index.ts';
import type { Principal } from './tokens.ts';

export type PersonAccessSource = (personId: string) => Promise<PersonAccess>;

/**
 * The principal as it stands now: refused with AUTH_INVALID_TOKEN when the token expired or the
 * person's sessions were ended after it was issued; its roles narrowed to those the person still holds
 * (never more than the token carried).
 */
export async function currentPrincipal(
  source: PersonAccessSource,
  principal: Principal,
  nowMs = Date.now(),
): Promise<Principal> {
  if (principal.expiresAtMs <= nowMs) throw new VitaliveError('AUTH_INVALID_TOKEN', { reason: 'expired' });
  const access = await source(principal.personId);
  // Token times are whole seconds: a token issued in the second of the logout is still honoured, so the
  // session that just logged in again is not thrown out with the old one.
  const revokedAt = access.sessionsRevokedAtMs;
  if (revokedAt !== null && (principal.issuedAtMs ?? 0) < Math.floor(revokedAt / 1000) * 1000)
    throw new VitaliveError('AUTH_INVALID_TOKEN', { reason: 'revoked' });
  const held = new Set(access.roles);
  return { ...principal, roles: principal.roles.filter((r) => held.has(r)) };
}
