// The real-time gateway on one node: /live, /host and /staff wired to commerce (sessions, cards,
// orders, viewer event log, live funnel) and to edge presence. Built once by the platform from built
// services; its outbox consumers (fan-out, access revocation) are returned for the composition root to
// subscribe. close() flushes the viewer log and stops the timers.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import type { ChatLog, Commerce, EventConsumer } from '../../commerce/index.ts';
import type { MediaStats } from '../../media/index.ts';
import type { SessionSnapshot } from '../../protocols/index.ts';
import type { TokenService } from '../auth/index.ts';
import { loadConfig, type PlatformConfig } from '../config.ts';
import { accessRevocation, SocketAccess } from './access.ts';
import { socketAuth } from './auth.ts';
import { type HostActions, type HostNamespace, hostRoom, registerHostNamespace } from './host/namespace.ts';
import { cachedSaleLabels } from './host/sale-labels.ts';
import { LiveBudgets } from './live/budgets.ts';
import { LiveChat } from './live/chat.ts';
import { ChatLogWriter } from './live/chat-log-writer.ts';
import { liveFanout } from './live/fanout.ts';
import {
  type LiveNamespace,
  type OrderPlacer,
  registerLiveNamespace,
  sessionRoom,
} from './live/namespace.ts';
import { ViewerIds } from './live/viewer-ids.ts';
import { ViewerPresence } from './live/viewer-presence.ts';
import { staffFanout } from './staff/fanout.ts';
import type { DeviceFigures, LiveSessionInfo } from './staff/figures.ts';
import { registerStaffNamespace, type StaffNamespace, staffAlertFanout } from './staff/namespace.ts';
import type { BucketSpec } from './token-bucket.ts';
import { createCounters, type SocketCounters } from './validate.ts';

export type LiveLimits = PlatformConfig['live'];

/** What commerce's live sales offer the real-time gateway (commerce's LiveSales implements it). */
export interface LiveSalesPort extends HostActions {
  snapshot(sessionId: string): Promise<SessionSnapshot | undefined>;
  liveSessions(): Promise<Array<{ sessionId: string; title: string }>>;
  /** The chat kept for replays; without it the chat is not written. */
  chat?: Pick<ChatLog, 'append' | 'remove' | 'hideViewer'> | undefined;
}

/** The commerce services the namespaces use. */
export type RealtimeCommerce = Pick<Commerce, 'access' | 'dashboard' | 'viewers'> &
  Partial<Pick<Commerce, 'consultationRecords'>> & { sales: LiveSalesPort };

export interface RealtimeDeps {
  io: Server;
  commerce: RealtimeCommerce;
  tokens: TokenService;
  logger: Logger;
  nodeId: string;
  redis?: Redis | undefined;
  orders: OrderPlacer;
  /** Signs the viewer ids /live mints (the auth secret; a key of its own is derived from it). */
  viewerIdSecret: Uint8Array;
  /** Budgets of /live clients; absent → the defaults of gateway/config.ts. */
  liveLimits?: LiveLimits | undefined;
  /** Re-checks privileged sockets against the person's current state; default asks commerce. */
  access?: SocketAccess | undefined;
  /** Devices online and readings per minute (edge presence); absent on nodes without an edge. */
  devices?: (() => Promise<DeviceFigures>) | undefined;
  /** SFU stats for staff; absent on nodes without media. */
  media?: (() => Promise<MediaStats>) | undefined;
  /** Where viewers open /media (MEDIA_PUBLIC_URL); undefined → the same origin. */
  mediaUrl?: string | undefined;
  /** With several media nodes: the node a viewer should use now (see media-nodes/directory.ts). */
  mediaNode?: ((sessionId: string) => Promise<string | undefined>) | undefined;
  /** Readings at most this old flag matching cards for the viewer; 0 turns recommendations off. */
  recommendationMaxAgeMs?: number;
  /** @default 500 ms */
  staffPeriodMs?: number;
  /** @default 500 ms */
  viewerCountPeriodMs?: number;
}

/** Per minute → per second; 0 per minute disables the bucket. */
function bucket(burst: number, perMin: number): BucketSpec | null {
  return perMin > 0 ? { capacity: burst, refillPerSec: perMin / 60 } : null;
}

export interface Realtime {
  readonly counters: SocketCounters;
  readonly presence: ViewerPresence;
  /** The live fan-out to /live and /host, follow-up frames to /staff, and access revocation: subscribed by the composition root. */
  readonly consumers: EventConsumer[];
  close(): Promise<void>;
}

export function registerRealtime(deps: RealtimeDeps): Realtime {
  const counters = createCounters();
  const { commerce } = deps;
  const live = deps.io.of('/live') as LiveNamespace;
  const host = deps.io.of('/host') as HostNamespace;
  const staff = deps.io.of('/staff');

  const access = deps.access ?? new SocketAccess(commerce.access.of);

  live.use(socketAuth(deps.tokens, { required: false }));
  host.use(socketAuth(deps.tokens, { required: true, access, counters }));
  staff.use(
    socketAuth(deps.tokens, {
      required: true,
      roles: ['staff', 'admin', 'channel_manager', 'expert'],
      access,
      counters,
    }),
  );

  const presence = new ViewerPresence({
    nodeId: deps.nodeId,
    logger: deps.logger,
    redis: deps.redis,
    periodMs: deps.viewerCountPeriodMs ?? 500,
    onCount: (sessionId, viewers) => {
      // Each node tells its own sockets; every node computes the same global figure.
      live.local.to(sessionRoom(sessionId)).emit('viewers:count', { sessionId, viewers });
      host.local.to(hostRoom(sessionId)).emit('viewers:count', { sessionId, viewers });
    },
  });
  const viewerLog = commerce.viewers.log;
  const limits = deps.liveLimits ?? loadConfig({}).live;
  const chatLog = commerce.sales.chat ? new ChatLogWriter(commerce.sales.chat, deps.logger) : undefined;
  const chat = new LiveChat({
    redis: deps.redis,
    log: chatLog,
    perViewer: bucket(limits.chatViewerBurst, limits.chatViewerPerMin)!,
    perIp: bucket(limits.chatIpBurst, limits.chatIpPerMin)!,
  });
  const budgets = new LiveBudgets({
    perSocket: bucket(limits.socketEventsBurst, limits.socketEventsPerMin),
    perIp: bucket(limits.ipEventsBurst, limits.ipEventsPerMin),
    joinsPerIp: bucket(limits.ipJoinsBurst, limits.ipJoinsPerMin),
    cardEventWindowMs: limits.cardEventWindowMs,
    redis: deps.redis,
  });

  registerLiveNamespace({
    nsp: live,
    viewers: commerce.viewers,
    logger: deps.logger,
    snapshots: {
      async load(sessionId) {
        const snap = await commerce.sales.snapshot(sessionId);
        return snap && { session: { ...snap.session }, cards: snap.cards.map((c) => ({ ...c })) };
      },
    },
    orders: deps.orders,
    mediaUrl: deps.mediaUrl,
    mediaNode: deps.mediaNode,
    authenticate: (token) => deps.tokens.verifyAccess(token),
    recommend: deps.recommendationMaxAgeMs
      ? (personId, sessionId) => commerce.viewers.recommend(personId, sessionId, deps.recommendationMaxAgeMs!)
      : undefined,
    expertPicks: commerce.consultationRecords
      ? (personId, sessionId) => commerce.consultationRecords!.pickedCards(personId, sessionId)
      : undefined,
    presence,
    chat,
    counters,
    viewerIds: new ViewerIds(deps.viewerIdSecret),
    budgets,
  });
  registerHostNamespace({
    ...{ nsp: host, live, actions: commerce.sales, chat, logger: deps.logger, counters },
    access,
    personOfViewer: (viewerId) => commerce.viewers.personOf(viewerId),
  });
  const staffStream = registerStaffNamespace({
    nsp: staff as StaffNamespace,
    dashboard: commerce.dashboard,
    logger: deps.logger,
    counters,
    periodMs: deps.staffPeriodMs ?? 500,
    sources: {
      liveSessions: async (): Promise<LiveSessionInfo[]> =>
        (await commerce.sales.liveSessions()).map((s) => ({ id: s.sessionId, title: s.title })),
      channelsManagedBy: (personId) => commerce.access.channelsManagedBy(personId),
      devices: deps.devices,
      viewersNow: (sessionId) => presence.count(sessionId),
      media: deps.media,
      orphanedPayments: () => commerce.dashboard.orphanedPayments(),
    },
  });

  let closing: Promise<void> | undefined;
  return {
    counters,
    presence,
    consumers: [
      liveFanout(
        live,
        host,
        cachedSaleLabels((personId, cardId) => commerce.sales.saleLabel(personId, cardId)),
      ),
      staffFanout(staff as StaffNamespace),
      accessRevocation(deps.io),
      staffAlertFanout(staff),
    ],
    close() {
      closing ??= (async () => {
        staffStream.close();
        presence.close();
        await viewerLog.close();
        await chatLog?.close();
      })();
      return closing;
    },
  };
}
