// socket.io namespaces from the browser: the handshake carries the current access token (read again on
// every reconnect), an expired token is refreshed and the socket reconnects, and acks become promises
// that reject with coded ApiErrors.
// socket.io-client's own constraint on event maps (a type-only import of its dependency).
import type { EventsMap } from '@socket.io/component-emitter';
import { io, type Socket } from 'socket.io-client';
import type {
  AckDataOf,
  AckedEvents,
  AckReply,
  HostClientToServer,
  HostServerToClient,
  LiveClientToServer,
  LiveServerToClient,
  MediaClientToServer,
  MediaServerToClient,
  PayloadOf,
  StaffClientToServer,
  StaffServerToClient,
} from '../../../../protocols/index.ts';
import { auth, refreshSession } from './api.ts';
import { ApiError, toApiError } from './errors.ts';

/** Each namespace's event maps (protocols/sockets/): what the server sends, what the client sends. */
interface EventMaps {
  '/live': [LiveServerToClient, LiveClientToServer];
  '/host': [HostServerToClient, HostClientToServer];
  '/staff': [StaffServerToClient, StaffClientToServer];
  '/media': [MediaServerToClient, MediaClientToServer];
}

export type Namespace = keyof EventMaps;

/** A socket typed by its namespace's contract: a payload the server does not expect fails typecheck. */
export type NamespaceSocket<N extends Namespace> = Socket<EventMaps[N][0], EventMaps[N][1]>;

export interface ConnectOptions {
  /** Base URL of another node (the live snapshot's `media.url`); default this origin. */
  url?: string | null;
  /** Send the access token when signed in (default true). */
  withToken?: boolean;
}

/**
 * Opens a namespace over WebSocket. Reconnects by itself after a network drop, and also when the
 * server closed the socket (which socket.io leaves to the application).
 */
export function connect<N extends Namespace>(nsp: N, opts: ConnectOptions = {}): NamespaceSocket<N> {
  const socket: NamespaceSocket<N> = io(`${opts.url ?? ''}${nsp}`, {
    transports: ['websocket'],
    auth: (cb) => {
      const token = opts.withToken === false ? undefined : auth.token();
      cb(token ? { token } : {});
    },
  });
  socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    const code = err.data?.code;
    // An expired access token: refresh it, then try again with the new one.
    if (code === 'AUTH_INVALID_TOKEN' || code === 'AUTH_REQUIRED') {
      void refreshSession()
        .catch(() => undefined)
        .then((s) => {
          if (s && !socket.connected) socket.connect();
        });
    }
  });
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 500 + Math.random() * 1000);
  });
  return socket;
}

/**
 * Emits an acknowledged event of the socket's namespace; resolves with the ack's `data` (typed by the
 * event map), rejects with the coded error (or TIMEOUT).
 */
export async function ask<S extends EventsMap, C extends EventsMap, E extends AckedEvents<C> & string>(
  socket: Socket<S, C>,
  event: E,
  payload: PayloadOf<C, E>,
  timeoutMs = 10_000,
): Promise<AckDataOf<C, E>> {
  let reply: AckReply<AckDataOf<C, E>>;
  try {
    // The signature above is the typed contract; socket.io's own overloads cannot follow a generic event.
    reply = await (socket as unknown as Socket).timeout(timeoutMs).emitWithAck(event, payload);
  } catch {
    throw new ApiError(socket.connected ? 'TIMEOUT' : 'NETWORK_ERROR', 0, `${event}: no answer`);
  }
  if (!reply || typeof reply !== 'object') throw new ApiError('UNEXPECTED_RESPONSE', 0, event);
  if (reply.ok) return reply.data;
  throw toApiError(reply.error, 0);
}
