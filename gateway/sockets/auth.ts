// socket.io middleware: reads the access token from the handshake (auth.token) into socket.data.principal.
// It runs on every connection and again on state recovery, so an expired or revoked token is refused
// with AUTH_INVALID_TOKEN instead of resuming the session. Privileged namespaces also check the person's
// current roles and ended sessions (access.ts).
import type { Socket } from 'socket.io';
import type { Role } from '../../commerce/index.ts';
import { isVitaliveError, VitaliveError } from '../../protocols/index.ts';
import type { Principal, TokenService } from '../auth/index.ts';
import { accessRoom, type SocketAccess } from './access.ts';
import { countRefusal, type SocketCounters } from './validate.ts';

export interface SocketData {
  principal: Principal | undefined;
}

type Next = (err?: Error) => void;

/** socket.io sends `err.data` to the client with the connect_error: our coded body. */
function codedError(err: VitaliveError): Error & { data: unknown } {
  const e = new Error(err.message) as Error & { data: unknown };
  e.data = err.toJSON();
  return e;
}

export interface SocketAuthOptions {
  required: boolean;
  roles?: Role[];
  /**
   * Privileged namespaces: the token is checked against the person's current roles and ended sessions,
   * and the socket joins the person's access room (let go when those change).
   */
  access?: SocketAccess;
  /** Handshakes refused are counted here, by code. */
  counters?: SocketCounters;
}

export function socketAuth(tokens: TokenService, opts: SocketAuthOptions) {
  return async (socket: Socket, next: Next): Promise<void> => {
    try {
      const raw = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      if (raw !== undefined && typeof raw !== 'string') throw new VitaliveError('AUTH_INVALID_TOKEN');
      let principal = raw ? await tokens.verifyAccess(raw) : undefined;
      if (principal && opts.access) {
        principal = await opts.access.current(principal);
        await socket.join(accessRoom(principal.personId));
      }
      if (!principal && opts.required) throw new VitaliveError('AUTH_REQUIRED');
      if (principal && opts.roles && !principal.roles.some((r) => opts.roles!.includes(r))) {
        throw new VitaliveError('FORBIDDEN', { reason: `requires role ${opts.roles.join(' or ')}` });
      }
      (socket.data as SocketData).principal = principal;
      next();
    } catch (err) {
      const coded = isVitaliveError(err) ? err : new VitaliveError('INTERNAL');
      if (opts.counters) countRefusal(opts.counters, coded);
      next(codedError(coded));
    }
  };
}
