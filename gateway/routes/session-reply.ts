// What a successful login, registration, refresh or password change answers: the access JWT in the body
// and the refresh token in a cookie that only the /api/auth routes ever receive, plus the device proof
// (gateway/auth/device-proof.ts) that lets this browser log in while others are throttled.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LoginResult } from '../../commerce/index.ts';
import type { TokenService } from '../auth/index.ts';

export const REFRESH_COOKIE = 'vl_refresh';
/** The browser sends the cookie to these routes only, never to the rest of the API. */
export const REFRESH_COOKIE_PATH = '/api/auth';
/** Kept across logouts: it proves a past login on this browser, it opens nothing by itself. */
export const DEVICE_COOKIE = 'vl_device';

function cookieOptions(request: FastifyRequest) {
  return {
    httpOnly: true,
    sameSite: 'strict' as const,
    path: REFRESH_COOKIE_PATH,
    // Secure whenever the platform's public origin is https (a TLS-terminating proxy that does not say
    // X-Forwarded-Proto, or is not trusted, must not downgrade it), or the client reached us over HTTPS
    // (directly, or per X-Forwarded-Proto from a trusted proxy). Plain HTTP on a LAN without PUBLIC_URL
    // would otherwise never get the cookie back.
    secure: request.server.publicUrl?.startsWith('https:') === true || request.protocol === 'https',
  };
}

export async function sendSession(
  request: FastifyRequest,
  reply: FastifyReply,
  tokens: TokenService,
  result: LoginResult,
) {
  const accessToken = await tokens.mintAccess(result.person.id, result.person.roles);
  void reply.setCookie(REFRESH_COOKIE, result.refresh.token, {
    ...cookieOptions(request),
    expires: new Date(result.refresh.expiresAtMs),
  });
  rememberDevice(request, reply, tokens, result.person.id);
  return {
    accessToken,
    tokenType: 'Bearer' as const,
    expiresInSec: tokens.accessTtlSec,
    person: result.person,
  };
}

export function clearRefreshCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(REFRESH_COOKIE, cookieOptions(request));
}

export function refreshCookieOf(request: FastifyRequest): string | undefined {
  const value = request.cookies[REFRESH_COOKIE];
  // Tokens are 43 base64url characters; anything else is not worth a database round trip.
  return value && /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : undefined;
}

/** Marks this browser as one the person logged in on (renewed by every session answer). */
export function rememberDevice(
  request: FastifyRequest,
  reply: FastifyReply,
  tokens: TokenService,
  personId: string,
): void {
  void reply.setCookie(DEVICE_COOKIE, tokens.devices.mint(personId), {
    ...cookieOptions(request),
    maxAge: tokens.devices.ttlSec,
  });
}

/** The person this browser proves an earlier successful login of, if any. */
export function deviceOf(request: FastifyRequest, tokens: TokenService): string | undefined {
  return tokens.devices.personOf(request.cookies[DEVICE_COOKIE]);
}
