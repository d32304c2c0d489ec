// The one wrapper every /host event goes through: the payload is validated, then the person is checked
// as they are now, not as the handshake saw them (the token may have expired, their sessions been
// ended, the staff role taken away), then that they may host this session.
import { isVitaliveError, VitaliveError } from '../../../protocols/index.ts';
import type { Principal } from '../../auth/index.ts';
import { type SocketHandler, socketHandler } from '../validate.ts';
import type { HostNamespaceDeps, HostSocket } from './types.ts';

export type HostGuard = <T extends { sessionId: string }>(
  parse: (v: unknown) => T,
  fn: (socket: HostSocket, p: T, principal: Principal) => Promise<unknown>,
) => SocketHandler<HostSocket>;

export function hostGuard(deps: HostNamespaceDeps): HostGuard {
  async function mayHost(principal: Principal, sessionId: string): Promise<void> {
    if (principal.roles.includes('staff') || principal.roles.includes('admin')) return;
    const host = await deps.actions.hostOf(sessionId);
    if (host === undefined) throw new VitaliveError('NOT_FOUND', { what: `Live session ${sessionId}` });
    if (host !== principal.personId)
      throw new VitaliveError('FORBIDDEN', { reason: 'only the host of this session' });
  }
  const onError = (err: unknown) => deps.logger.error({ err }, 'host handler failed');

  return (parse, fn) =>
    socketHandler(
      deps.counters,
      parse,
      async (socket: HostSocket, p) => {
        let principal: Principal;
        try {
          principal = await deps.access.current(socket.data.principal!);
        } catch (err) {
          // Refused, then let go: the console reconnects with a fresh token (or not at all).
          if (isVitaliveError(err) && err.code === 'AUTH_INVALID_TOKEN')
            setImmediate(() => socket.disconnect(true));
          throw err;
        }
        await mayHost(principal, p.sessionId);
        return fn(socket, p, principal);
      },
      onError,
    );
}
