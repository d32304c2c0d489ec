// The /media socket and its acks as promises; the page's query string gives the session and token.
import { Device } from 'mediasoup-client';
import { io, type Socket } from 'socket.io-client';

export interface PageParams {
  sessionId: string;
  token: string | undefined;
}

export function pageParams(): PageParams {
  const q = new URLSearchParams(location.search);
  const sessionId = q.get('session') ?? '';
  const el = document.getElementById('session');
  if (el) el.textContent = sessionId;
  return { sessionId, token: q.get('token') ?? undefined };
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

  constructor(token: string | undefined) {
    this.socket = io('/media', { transports: ['websocket'], auth: token ? { token } : {} });
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
