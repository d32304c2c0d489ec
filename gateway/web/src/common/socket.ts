// socket.io namespaces from the browser: the handshake carries the current access token (read again on
// every reconnect), an expired token is refreshed and the socket reconnects, and acks become promises
// that reject with coded ApiErrors.
import { io, type Socket } from 'socket.io-client';
import { auth, refreshSession } from './api.ts';
import { ApiError, toApiError } from './errors.ts';

export type Namespace = '/live' | '/host' | '/staff' | '/media';

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
export function connect(nsp: Namespace, opts: ConnectOptions = {}): Socket {
  const socket = io(`${opts.url ?? ''}${nsp}`, {
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

type Reply<T> =
  | { ok: true; data: T }
  | { ok: false; error: { code: string; message: string; params?: object } };

/** Emits with an ack; resolves with `data`, rejects with the coded error (or TIMEOUT). */
export async function ask<T>(
  socket: Socket,
  event: string,
  payload: unknown,
  timeoutMs = 10_000,
): Promise<T> {
  let reply: Reply<T>;
  try {
    reply = (await socket.timeout(timeoutMs).emitWithAck(event, payload)) as Reply<T>;
  } catch {
    throw new ApiError(socket.connected ? 'TIMEOUT' : 'NETWORK_ERROR', 0, `${event}: no answer`);
  }
  if (!reply || typeof reply !== 'object') throw new ApiError('UNEXPECTED_RESPONSE', 0, event);
  if (reply.ok) return reply.data;
  throw toApiError(reply.error, 0);
}
