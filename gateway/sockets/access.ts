// Privileges of long-lived sockets. A token is checked at the handshake, but a console stays open for
// hours: before every privileged action the token's expiry, the person's ended sessions and their
// current roles are checked again, and every change to them disconnects the person's privileged
// sockets on every node (an outbox consumer, through the socket.io adapter).
import type { Server } from 'socket.io';
import type { EventConsumer } from '../../commerce/index.ts';
import { currentPrincipal, type PersonAccessSource, type Principal } from '../auth/index.ts';

/** Every privileged socket (/host, /staff, /media with a token, /consult) of a person joins this room. */
export const accessRoom = (personId: string) => `a:${personId}`;

/** The namespaces whose sockets carry privileges that must not outlive a change of them. */
export const PRIVILEGED_NAMESPACES = ['/host', '/staff', '/media', '/consult'] as const;

/** Events after which a person's open privileged sockets are let go. */
const REVOKING = new Set(['person.roles_changed', 'person.credentials_changed', 'person.logged_out']);

export type { PersonAccessSource };

export class SocketAccess {
  readonly #source: PersonAccessSource;

  constructor(source: PersonAccessSource) {
    this.#source = source;
  }

  /** The principal as it stands now (see currentPrincipal). */
  current(principal: Principal, nowMs = Date.now()): Promise<Principal> {
    return currentPrincipal(this.#source, principal, nowMs);
  }
}

/**
 * Lets go of a person's privileged sockets on every node when their roles, credentials or sessions
 * change. They may reconnect: the handshake then sees the new state.
 */
export function accessRevocation(io: Server): EventConsumer {
  return {
    name: 'socket-access-revocation',
    // One node acts; the adapter carries the disconnect to the nodes holding the sockets.
    scope: 'shared',
    async handle(event) {
      if (!REVOKING.has(event.type)) return;
      const personId =
        typeof event.payload.personId === 'string' ? event.payload.personId : event.aggregateId;
      for (const name of PRIVILEGED_NAMESPACES) io.of(name).in(accessRoom(personId)).disconnectSockets(true);
    },
  };
}
