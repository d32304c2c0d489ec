// A whole platform node in this process (SQLite or PostgreSQL, optional Redis, no media workers, free
// ports) plus socket.io clients for /live, /host and /staff.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { asStore, type Store } from '../../commerce/internals.ts';
import { type Platform, startPlatform } from '../../gateway/platform.ts';
import type {
  HostClientToServer,
  HostServerToClient,
  LiveClientToServer,
  LiveServerToClient,
  MediaClientToServer,
  MediaServerToClient,
  StaffClientToServer,
  StaffServerToClient,
} from '../../protocols/index.ts';
import { testLogger } from './logger.ts';
import { type Mailbox, startMailbox } from './mailbox.ts';
import { TEST_AUTH_SECRET, testConfig } from './people.ts';
import { TEST_METRICS_TOKEN } from './platform-process.ts';

/** The platform with its store as commerce's own tests see it (tables and all). */
export type TestPlatform = Omit<Platform, 'store'> & { store: Store };

export function withRawStore(platform: Platform): TestPlatform {
  return { ...platform, store: asStore(platform.store) };
}

export interface LiveNode {
  platform: TestPlatform;
  url: string;
  dataDir: string;
  /** The in-process SMTP server the node sends e-mail (one-time codes) to. */
  mailbox: Mailbox;
  close(): Promise<void>;
}

export async function startLiveNode(env: Record<string, string> = {}): Promise<LiveNode> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-live-'));
  const mailbox = await startMailbox();
  const config = testConfig({
    SMTP_URL: mailbox.url,
    HTTP_HOST: '127.0.0.1',
    // Port 0: the system picks a free port at listen time, so parallel test files cannot race for one
    // picked in advance.
    HTTP_PORT: '0',
    MQTT_HOST: '127.0.0.1',
    MQTT_PORT: '0',
    MEDIA_WORKERS: '0',
    DATA_DIR: dataDir,
    AUTH_SECRET: TEST_AUTH_SECRET,
    // Lets a test read /metrics and the details of /healthz with the operator's bearer token.
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    ...env,
  });
  let platform: TestPlatform;
  try {
    platform = withRawStore(await startPlatform(config, testLogger));
  } catch (err) {
    await mailbox.close();
    throw err;
  }
  return {
    platform,
    url: `http://127.0.0.1:${platform.ports.http.port}`,
    dataDir,
    mailbox,
    async close() {
      await platform.close();
      await mailbox.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Each namespace's event maps (protocols/sockets/): what the server sends, what the client sends. */
interface EventMaps {
  '/live': [LiveServerToClient, LiveClientToServer];
  '/host': [HostServerToClient, HostClientToServer];
  '/staff': [StaffServerToClient, StaffClientToServer];
  '/media': [MediaServerToClient, MediaClientToServer];
}

/** A test client typed by its namespace's contract, as the browser's sockets are. */
export type TestSocket<N extends keyof EventMaps> = Socket<EventMaps[N][0], EventMaps[N][1]>;

export async function socketTo<N extends '/live' | '/host' | '/staff'>(
  url: string,
  nsp: N,
  token?: string,
  opts: { reconnection?: boolean; listen?: (s: TestSocket<N>) => void } = {},
): Promise<TestSocket<N>> {
  const s: TestSocket<N> = connect(`${url}${nsp}`, {
    transports: ['websocket'],
    auth: token ? { token } : {},
    reconnection: opts.reconnection ?? false,
  });
  // Listeners for what the server sends on connect (a snapshot) go on before the handshake: the
  // snapshot may arrive in the same read as the connect packet, before an awaiting caller resumes.
  opts.listen?.(s);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
  return s;
}

// biome-ignore lint/suspicious/noExplicitAny: acks are checked field by field in each test
export type Reply = { ok: true; data: any } | { ok: false; error: { code: string; message: string } };

/** Sends any event with any payload (tests of what the server does with bad input use it). */
export const ask = (
  s: TestSocket<keyof EventMaps> | Socket,
  event: string,
  payload: unknown,
): Promise<Reply> => (s as Socket).timeout(5000).emitWithAck(event, payload);

/** Like `ask`, for a request that must succeed: returns the ack's data, throws on a refusal. */
export async function ok(s: TestSocket<keyof EventMaps> | Socket, event: string, payload: unknown) {
  const r = await ask(s, event, payload);
  if (!r.ok) throw new Error(`${event}: ${r.error.code} ${r.error.message}`);
  return r.data;
}

/** Collects every frame of the given events, in arrival order. */
export function record(
  s: TestSocket<keyof EventMaps> | Socket,
  events: string[],
): Array<{ event: string; frame: Record<string, unknown> }> {
  const out: Array<{ event: string; frame: Record<string, unknown> }> = [];
  for (const e of events)
    (s as Socket).on(e, (frame: Record<string, unknown>) => out.push({ event: e, frame }));
  return out;
}
