// The /staff namespace: staff, admins and channel managers get a snapshot on connect and then updates
// at most every 500 ms (conversion figures are re-read only when an event consumer has moved on). A channel manager's sockets only ever receive figures computed from their own
// channels' rows — the filter runs here, on the server, per audience.
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import type { ConversionFigures, Dashboard } from '../../../commerce/index.ts';
import type { MediaStats } from '../../../media/index.ts';
import {
  type StaffClientToServer,
  type StaffServerToClient,
  VitaliveError,
} from '../../../protocols/index.ts';
import type { Principal } from '../../auth/index.ts';
import { countRefusal, countUnknownEvents, type SocketCounters } from '../validate.ts';
import { buildFigures, type DeviceFigures, type LiveSessionInfo, type StaffFigures } from './figures.ts';

export interface StaffSources {
  liveSessions(): Promise<LiveSessionInfo[]>;
  channelsManagedBy(personId: string): Promise<string[]>;
  /** Edge presence; absent where no device edge reports to this node. */
  devices?: (() => Promise<DeviceFigures>) | undefined;
  viewersNow(sessionId: string): number;
  /** SFU rooms and workers of this node; absent where no media runs. */
  media?: (() => Promise<MediaStats>) | undefined;
  /** Payments recorded as orphaned and not yet refunded (staff are told through the stream). */
  orphanedPayments?: (() => Promise<number>) | undefined;
}

interface StaffSocketData {
  principal: Principal | undefined;
  channels: string[] | undefined;
}

export type StaffNamespace = Namespace<
  StaffClientToServer,
  StaffServerToClient,
  Record<string, never>,
  StaffSocketData
>;
type StaffSocket = Socket<StaffClientToServer, StaffServerToClient, Record<string, never>, StaffSocketData>;

export interface StaffNamespaceDeps {
  nsp: StaffNamespace;
  /** Commerce's figures for the stream: live funnel rows, conversion figures, the rollups' version. */
  dashboard: Pick<Dashboard, 'liveFunnel' | 'conversion' | 'rollupsVersion'>;
  logger: Logger;
  sources: StaffSources;
  counters: SocketCounters;
  /** @default 500 ms */
  periodMs?: number;
  /**
   * The conversion figures (30-day channel funnels, offline events, AARRR) cost many queries: a tick
   * reuses an audience's last ones while no event consumer has moved on (and the day has not turned),
   * for at most this long. @default 10000 ms
   */
  conversionMaxAgeMs?: number;
}

export const STAFF_ROOM = 'staff:all';
export const managerRoom = (personId: string) => `cm:${personId}`;
/** The sockets of the managers of one channel (joined on connect, kept in step with each re-check). */
export const channelRoom = (channelId: string) => `ch:${channelId}`;

export interface StaffStream {
  close(): void;
}

export function registerStaffNamespace(deps: StaffNamespaceDeps): StaffStream {
  const { nsp, sources } = deps;
  /** Last payload per audience, so unchanged figures are not re-sent. */
  const lastSent = new Map<string, string>();
  /** channel manager person id → their channels, for the managers connected to this node */
  const managers = new Map<string, Set<string>>();

  /** Last conversion figures per audience (room): when, and at which rollups version, they were read. */
  const conversionCache = new Map<string, { atMs: number; version: string; figures: ConversionFigures }>();
  const maxAgeMs = deps.conversionMaxAgeMs ?? 10_000;

  async function conversionOf(room: string, channels: ReadonlySet<string> | undefined, version: string) {
    const cached = conversionCache.get(room);
    const now = Date.now();
    if (cached && cached.version === version && now - cached.atMs < maxAgeMs) return cached.figures;
    const figures = await deps.dashboard.conversion(channels);
    conversionCache.set(room, { atMs: now, version, figures });
    return figures;
  }

  async function compute(
    room: string,
    channels: ReadonlySet<string> | undefined,
    version: string,
  ): Promise<StaffFigures> {
    const sessions = await sources.liveSessions();
    const rows = await deps.dashboard.liveFunnel(sessions.map((s) => s.id));
    const figures: StaffFigures = {
      atMs: Date.now(),
      sessions: buildFigures(sessions, rows, channels ? undefined : sources.viewersNow, channels),
      conversion: await conversionOf(room, channels, version),
    };
    if (!channels) {
      if (sources.devices) figures.devices = await sources.devices();
      if (sources.media) figures.media = await sources.media();
      if (sources.orphanedPayments) figures.payments = { orphaned: await sources.orphanedPayments() };
    }
    return figures;
  }

  function isStaff(p: Principal): boolean {
    return p.roles.includes('staff') || p.roles.includes('admin');
  }

  nsp.on('connection', async (socket: StaffSocket) => {
    countUnknownEvents(socket, new Set(), deps.counters);
    const principal = socket.data.principal!;
    try {
      if (isStaff(principal)) {
        await socket.join(STAFF_ROOM);
        socket.emit(
          'staff:snapshot',
          await compute(STAFF_ROOM, undefined, await deps.dashboard.rollupsVersion()),
        );
        return;
      }
      const channels = new Set(await sources.channelsManagedBy(principal.personId));
      managers.set(principal.personId, channels);
      await socket.join([managerRoom(principal.personId), ...[...channels].map(channelRoom)]);
      socket.emit(
        'staff:snapshot',
        await compute(managerRoom(principal.personId), channels, await deps.dashboard.rollupsVersion()),
      );
    } catch (err) {
      deps.logger.error({ err }, 'staff snapshot failed');
      socket.disconnect(true);
    }
  });

  /**
   * Privileges are re-checked on every tick: a socket whose token expired is let go (the console
   * reconnects with a fresh one), and a manager's channels are read again, so a manager taken off a
   * channel stops receiving its figures at the next update.
   */
  async function recheck(): Promise<void> {
    const now = Date.now();
    for (const socket of nsp.sockets.values()) {
      const p = socket.data.principal;
      if (p && p.expiresAtMs <= now) {
        countRefusal(deps.counters, new VitaliveError('AUTH_INVALID_TOKEN', { reason: 'expired' }));
        socket.disconnect(true);
      }
    }
    for (const [personId, before] of managers) {
      const current = new Set(await sources.channelsManagedBy(personId));
      if (current.size === before.size && [...current].every((c) => before.has(c))) continue;
      managers.set(personId, current);
      // A manager taken off a channel stops receiving its follow-up frames; a new channel's start.
      const mine = nsp.local.in(managerRoom(personId));
      const gone = [...before].filter((c) => !current.has(c)).map(channelRoom);
      if (gone.length > 0) mine.socketsLeave(gone);
      mine.socketsJoin([...current].map(channelRoom));
      conversionCache.delete(managerRoom(personId));
    }
  }

  let ticking = false;
  const timer = setInterval(async () => {
    if (ticking || nsp.sockets.size === 0) return;
    ticking = true;
    try {
      // A failed re-check must not stop everyone's figures; it is tried again at the next tick.
      await recheck().catch((err) =>
        deps.logger.warn({ err: (err as Error).message }, 'staff privilege re-check failed'),
      );
      const audiences: Array<[room: string, channels: ReadonlySet<string> | undefined]> = [
        [STAFF_ROOM, undefined],
      ];
      for (const [personId, channels] of managers) {
        if ((nsp.adapter.rooms.get(managerRoom(personId))?.size ?? 0) === 0) {
          managers.delete(personId);
          conversionCache.delete(managerRoom(personId));
          lastSent.delete(managerRoom(personId));
          continue;
        }
        audiences.push([managerRoom(personId), channels]);
      }
      const version = await deps.dashboard.rollupsVersion();
      for (const [room, channels] of audiences) {
        if ((nsp.adapter.rooms.get(room)?.size ?? 0) === 0) continue;
        let figures: StaffFigures;
        try {
          figures = await compute(room, channels, version);
        } catch (err) {
          // One audience's failure (a source down, a query its channels break) must not keep the
          // others' figures back: they are computed and sent; this one is tried again next tick.
          deps.counters.staffAudienceFailures++;
          deps.logger.warn(
            { err: (err as Error).message, audience: room === STAFF_ROOM ? 'staff' : 'channel_manager' },
            'staff figures of one audience failed',
          );
          continue;
        }
        const { atMs: _at, ...comparable } = figures;
        const key = JSON.stringify(comparable);
        if (lastSent.get(room) === key) continue;
        lastSent.set(room, key);
        // Each node serves its own connected staff; the figures themselves are global (store + Redis).
        nsp.local.to(room).emit('staff:update', figures);
      }
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, 'staff update failed');
    } finally {
      ticking = false;
    }
  }, deps.periodMs ?? 500);
  timer.unref();

  return {
    close() {
      clearInterval(timer);
    },
  };
}
