// The /staff namespace's types: its sockets, the sources of its figures, and what it needs from the
// platform.
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import type { Dashboard } from '../../../commerce/index.ts';
import type { MediaStats } from '../../../media/index.ts';
import type { StaffClientToServer, StaffServerToClient } from '../../../protocols/index.ts';
import type { Principal } from '../../auth/index.ts';
import type { SocketCounters } from '../validate.ts';
import type { DeviceFigures, LiveSessionInfo } from './figures.ts';

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
export type StaffSocket = Socket<
  StaffClientToServer,
  StaffServerToClient,
  Record<string, never>,
  StaffSocketData
>;

export interface StaffNamespaceDeps {
  nsp: StaffNamespace;
  /** Commerce's figures for the stream: live funnel rows, conversion figures, the newest orders, the rollups' version. */
  dashboard: Pick<Dashboard, 'liveFunnel' | 'conversion' | 'rollupsVersion' | 'recentOrders'>;
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
