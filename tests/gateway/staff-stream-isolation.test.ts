// The /staff stream computes each audience's figures on its own: when one audience's figures cannot be
// computed (staff's edge presence source fails; a manager's channel list breaks the funnel query), the
// other audiences still get their update in the same tick, and the failure is counted.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Dashboard } from '../../commerce/internals.ts';
import { socketAuth } from '../../gateway/sockets/auth.ts';
import type { LiveSessionInfo, StaffFigures } from '../../gateway/sockets/staff/figures.ts';
import { registerStaffNamespace, type StaffStream } from '../../gateway/sockets/staff/namespace.ts';
import { createCounters, type SocketCounters } from '../../gateway/sockets/validate.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { testLogger } from '../helpers/logger.ts';
import { openTestStore, seedPerson, seedStaff, type TestStore, testTokens } from '../helpers/people.ts';

/** More channel ids than SQLite takes as parameters of one statement (32,766): the funnel query fails. */
const TOO_MANY_CHANNELS = Array.from({ length: 40_000 }, (_, i) => `ch-${i}`);

describe('/staff stream: one audience failing does not hold back the others', () => {
  const tokens = testTokens();
  let ts: TestStore;
  let server: http.Server;
  let io: Server;
  let stream: StaffStream;
  let counters: SocketCounters;
  let url: string;
  const clients: Socket[] = [];
  // The sources this composition plugs in; each test turns one of them bad.
  let sessions: LiveSessionInfo[];
  let devicesFail: boolean;
  const channelsOf = new Map<string, string[]>();

  beforeEach(async () => {
    ts = await openTestStore('sqlite');
    sessions = [];
    devicesFail = false;
    channelsOf.clear();
    counters = createCounters();
    server = http.createServer();
    io = new Server(server, { transports: ['websocket'] });
    const nsp = io.of('/staff');
    nsp.use(socketAuth(tokens, { required: true, roles: ['staff', 'admin', 'channel_manager'] }));
    stream = registerStaffNamespace({
      nsp: nsp as Parameters<typeof registerStaffNamespace>[0]['nsp'],
      dashboard: new Dashboard(ts.store),
      logger: testLogger,
      counters,
      periodMs: 50,
      sources: {
        liveSessions: async () => sessions,
        channelsManagedBy: async (personId) => channelsOf.get(personId) ?? [],
        viewersNow: () => 0,
        devices: async () => {
          if (devicesFail) throw new Error('edge presence unavailable');
          return { online: 0, readingsPerMinute: 0 };
        },
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/staff`;
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    stream.close();
    await new Promise<void>((resolve) => io.close(() => resolve()));
    await ts.cleanup();
  });

  /** Connects with the token and keeps every frame; listeners are attached before the handshake. */
  async function watch(token: string): Promise<StaffFigures[]> {
    const frames: StaffFigures[] = [];
    const s = connect(url, { transports: ['websocket'], auth: { token } });
    clients.push(s);
    s.on('staff:snapshot', (f: StaffFigures) => frames.push(f));
    s.on('staff:update', (f: StaffFigures) => frames.push(f));
    await waitFor(() => frames.length > 0);
    return frames;
  }

  const shows = (frames: StaffFigures[], sessionId: string) =>
    frames.some((f) => f.sessions.some((s) => s.sessionId === sessionId));

  async function manager(channels: string[]) {
    const m = await seedPerson(ts.store, tokens, { roles: ['channel_manager'] });
    channelsOf.set(m.person.id, channels);
    return m;
  }

  it("staff's figures failing: channel managers still get theirs", async () => {
    const staff = await seedStaff(ts.store, tokens);
    const cm = await manager(['ch-a']);
    const staffFrames = await watch(staff.token);
    const cmFrames = await watch(cm.token);
    devicesFail = true;
    sessions = [{ id: 'session-1', title: 'Spring sale' }];
    // Before: staff's audience comes first in a tick, and its failure ended the tick for everyone.
    await waitFor(() => shows(cmFrames, 'session-1'));
    await waitFor(() => counters.staffAudienceFailures > 0);
    expect(shows(staffFrames, 'session-1')).toBe(false);
    // The source recovers: staff's figures follow at the next tick.
    devicesFail = false;
    await waitFor(() => shows(staffFrames, 'session-1'));
  });

  it("one manager's figures failing: staff and the other managers still get theirs", async () => {
    const staff = await seedStaff(ts.store, tokens);
    const broken = await manager(['ch-a']);
    const other = await manager(['ch-b']);
    const brokenFrames = await watch(broken.token);
    const staffFrames = await watch(staff.token);
    const otherFrames = await watch(other.token);
    // The privilege re-check reads the new list; the funnel query over it fails on every tick.
    channelsOf.set(broken.person.id, TOO_MANY_CHANNELS);
    await waitFor(() => counters.staffAudienceFailures > 0);
    sessions = [{ id: 'session-2', title: 'Autumn sale' }];
    // Before: the broken manager joined first, so every manager after them waited for ever.
    await waitFor(() => shows(otherFrames, 'session-2') && shows(staffFrames, 'session-2'));
    expect(shows(brokenFrames, 'session-2')).toBe(false);
  });
});
