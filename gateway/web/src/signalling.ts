// The /media socket and its acks as promises; the page's query string gives the session. The access
// token never comes from the address (it would sit in history, logs and Referer headers): the page signs
// in with the refresh cookie, or uses a token its opener left in this tab's sessionStorage.
import { Device } from 'mediasoup-client';
import { io, type Socket } from 'socket.io-client';
import type {
  AckDataOf,
  AckedEvents,
  AckReply,
  MediaClientToServer,
  MediaServerToClient,
  PayloadOf,
} from '../../../protocols/index.ts';
import { auth } from './common/api.ts';

export interface PageParams {
  sessionId: string;
}

/** Where a harness or an opening page may leave an access token for this tab (never the URL). */
export const TAB_TOKEN_KEY = 'vl.accessToken';

export function pageParams(): PageParams {
  const q = new URLSearchParams(location.search);
  // A token put in the address is ignored, and taken out of it so it does not stay in history.
  if (q.has('token')) {
    q.delete('token');
    history.replaceState(null, '', `${location.pathname}?${q}${location.hash}`);
  }
  const sessionId = q.get('session') ?? '';
  const el = document.getElementById('session');
  if (el) el.textContent = sessionId;
  return { sessionId };
}

/** The signed-in session's access token (refresh cookie), else the tab's, else none (a viewer). */
async function pageToken(): Promise<string | undefined> {
  const session = await auth.restore();
  if (session) return session.accessToken;
  try {
    return sessionStorage.getItem(TAB_TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function status(text: string): void {
  const el = document.getElementById('status');
  if (el) el.textContent = text;
}

export class MediaError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class Signalling {
  readonly socket: Socket<MediaServerToClient, MediaClientToServer>;

  constructor() {
    this.socket = io('/media', {
      transports: ['websocket'],
      // Asked again on every reconnect, so a refreshed token is used.
      auth: (cb) => {
        void pageToken().then((token) => cb(token ? { token } : {}));
      },
    });
  }

  /** Emits an acknowledged /media event; resolves with its data (typed by the event map). */
  async ask<E extends AckedEvents<MediaClientToServer>>(
    event: E,
    payload: PayloadOf<MediaClientToServer, E>,
  ): Promise<AckDataOf<MediaClientToServer, E>> {
    // The signature above is the typed contract; socket.io's own overloads cannot follow a generic event.
    const reply: AckReply<AckDataOf<MediaClientToServer, E>> = await (this.socket as unknown as Socket)
      .timeout(10_000)
      .emitWithAck(event, payload);
    if (!reply.ok) throw new MediaError(reply.error.code, reply.error.message);
    return reply.data;
  }
}

/**
 * mediasoup's parameter objects (transport, ICE, DTLS, RTP) travel as JSON and the /media contract
 * types them only as objects (protocols/sockets/media.ts); mediasoup-client checks them in depth.
 */
export function mediasoupJson<T>(json: object): T {
  return json as T;
}

/** A mediasoup-client device; headless Chromium is named differently, so fall back to Chrome's handler. */
export async function loadDevice(routerRtpCapabilities: unknown): Promise<Device> {
  let device: Device;
  try {
    device = new Device();
  } catch {
    device = new Device({ handlerName: 'Chrome111' });
  }
  await device.load({ routerRtpCapabilities: routerRtpCapabilities as never });
  return device;
}
