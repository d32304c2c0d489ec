// The /media socket and its acks as promises; the page's query string gives the session. The access
// token never comes from the address (it would sit in history, logs and Referer headers): the page signs
// in with the refresh cookie, or uses a token its opener left in this tab's sessionStorage.
import { Device } from 'mediasoup-client';
import { io, type Socket } from 'socket.io-client';
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

type Reply<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

export class MediaError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class Signalling {
  readonly socket: Socket;

  constructor() {
    this.socket = io('/media', {
      transports: ['websocket'],
      // Asked again on every reconnect, so a refreshed token is used.
      auth: (cb) => {
        void pageToken().then((token) => cb(token ? { token } : {}));
      },
    });
  }

  async ask<T>(event: string, payload: unknown): Promise<T> {
    const reply = (await this.socket.timeout(10_000).emitWithAck(event, payload)) as Reply<T>;
    if (!reply.ok) throw new MediaError(reply.error.code, reply.error.message);
    return reply.data;
  }
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
