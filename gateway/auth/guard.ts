// Route guards: `authenticate` reads the Bearer access token into request.principal; `requireRoles`
// additionally demands one of the given roles, held now: with a person-access source the roles are read
// again from the store (a demoted person's token loses the role at once, a logged-out one is refused).
// Every route declares one or the other (or is public).
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Role } from '../../commerce/index.ts';
import { VitaliveError } from '../../protocols/index.ts';
import { currentPrincipal, type PersonAccessSource } from './current-principal.ts';
import type { Principal, TokenService } from './tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, token] = header.split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token : undefined;
}

export interface Guards {
  /** Requires a valid access token. */
  authenticate: preHandlerAsyncHookHandler;
  /** Reads a token when present; anonymous requests pass with principal undefined. */
  optionalAuth: preHandlerAsyncHookHandler;
  /** Requires a valid token with at least one of the roles, still held by the person (given a source). */
  requireRoles(...roles: Role[]): preHandlerAsyncHookHandler;
}

/**
 * `access` reads a person's current roles and ended sessions; without it (unit tests of routes that
 * mint tokens for people not in a store) the token's roles are taken as they are.
 */
export function createGuards(tokens: TokenService, access?: PersonAccessSource): Guards {
  async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const token = bearer(request);
    if (!token) throw new VitaliveError('AUTH_REQUIRED');
    request.principal = await tokens.verifyAccess(token);
  }
  async function optionalAuth(request: FastifyRequest): Promise<void> {
    const token = bearer(request);
    request.principal = token ? await tokens.verifyAccess(token) : undefined;
  }
  return {
    authenticate,
    optionalAuth,
    requireRoles(...roles: Role[]) {
      return async (request: FastifyRequest, reply: FastifyReply) => {
        await authenticate(request, reply);
        if (access) request.principal = await currentPrincipal(access, request.principal!);
        if (!request.principal!.roles.some((r) => roles.includes(r))) {
          throw new VitaliveError('FORBIDDEN', { reason: `requires role ${roles.join(' or ')}` });
        }
      };
    },
  };
}

/** The principal of a route guarded by authenticate/requireRoles. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new VitaliveError('AUTH_REQUIRED');
  return request.principal;
}
