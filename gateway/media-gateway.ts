// The media side of the gateway on a media-enabled node: the /media namespace over the SFU's live rooms
// (built by the composition root), /metrics and the host/viewer pages. closeRoom(sessionId) ends a
// session's media (idempotent).
import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import type { OrderCounters } from '../commerce/index.ts';
import type { LiveRooms, MediaStats } from '../media/index.ts';
import type { TokenService } from './auth/index.ts';
import type { App } from './http-app.ts';
import {
  type EdgeReadingCounters,
  type MqttFigures,
  type RecordingFigures,
  registerMetrics,
} from './metrics.ts';
import type { SocketAccess } from './sockets/access.ts';
import { socketAuth } from './sockets/auth.ts';
import {
  type MediaNamespace,
  registerMediaNamespace,
  type SessionDirectory,
} from './sockets/media/namespace.ts';
import type { MediaCascadePort } from './sockets/media/types.ts';
import { createCounters, type SocketCounters } from './sockets/validate.ts';
import type { LivePreviewPort } from './web-preview.ts';
import { registerWebPages } from './web-static.ts';

export type { SessionDirectory };

export interface MediaGatewayDeps {
  http: App;
  io: Server;
  /** The live rooms on this node's workers. */
  rooms: LiveRooms;
  tokens: TokenService;
  logger: Logger;
  sessions: SessionDirectory;
  /** The embedded MQTT broker's figures for /metrics. */
  mqtt?: (() => Promise<MqttFigures>) | undefined;
  /** The embedded edge's reading counters, for /metrics. */
  edge?: (() => Promise<EdgeReadingCounters>) | undefined;
  /** Order refusals, orphaned payments and gate releases, for /metrics. */
  orderCounters?: OrderCounters | undefined;
  /** Product photos on disk, for /metrics. */
  images?: (() => Promise<{ files: number; bytes: number }>) | undefined;
  /** Recordings and replays on disk, sessions being recorded and replay jobs waiting, for /metrics. */
  recordings?: (() => Promise<RecordingFigures>) | undefined;
  /** Checks a host's token against their current roles and ended sessions (privileged sockets). */
  access?: SocketAccess | undefined;
  /** A session as the public sees it, for its page's link preview. */
  livePreview?: LivePreviewPort | undefined;
  /** The real-time namespaces' counters for /metrics, once they are registered. */
  realtimeSockets?: (() => SocketCounters | undefined) | undefined;
  /** On a media node that is one of several: the cascade between nodes. */
  cascade?: MediaCascadePort | undefined;
  /** Serve the host/viewer pages here (the all-in-one node); a separate media node serves only /media. @default true */
  pages?: boolean | undefined;
}

export interface MediaGateway {
  readonly rooms: LiveRooms;
  /** Ends a session's media: every transport, producer and consumer of its room. Idempotent. */
  closeRoom(sessionId: string): void;
  /** The session changed host: its room closes and its peers are asked to join again. */
  handOver(sessionId: string): void;
  /** Per room and per worker; for /staff, figures at most 2 s old. */
  stats(opts?: { maxAgeMs?: number }): Promise<MediaStats>;
  /** The /metrics text, for the monitoring port. */
  scrapeMetrics(): Promise<{ contentType: string; text: string }>;
  close(): void;
}

export async function registerMediaGateway(deps: MediaGatewayDeps): Promise<MediaGateway> {
  const { rooms } = deps;
  const counters = createCounters();
  const nsp = deps.io.of('/media') as MediaNamespace;
  // Viewers may watch without an account; the token decides who is the host.
  nsp.use(
    socketAuth(deps.tokens, { required: false, counters, ...(deps.access ? { access: deps.access } : {}) }),
  );
  const control = registerMediaNamespace({
    nsp,
    access: deps.access,
    rooms,
    sessions: deps.sessions,
    logger: deps.logger,
    counters,
    cascade: deps.cascade,
  });
  const metrics = registerMetrics(deps.http, {
    rooms,
    mediaSockets: counters,
    mqtt: deps.mqtt,
    edge: deps.edge,
    orders: deps.orderCounters,
    images: deps.images,
    recordings: deps.recordings,
    realtimeSockets: deps.realtimeSockets,
  });
  if (deps.pages !== false) await registerWebPages(deps.http, deps.logger, deps.livePreview);
  return {
    rooms,
    closeRoom: (sessionId) => rooms.closeRoom(sessionId),
    handOver: (sessionId) => control.handOver(sessionId),
    stats: (opts) => rooms.stats(opts),
    scrapeMetrics: metrics.scrape,
    close: () => rooms.close(),
  };
}
