// The composition root of the all-in-one platform (`npm start`): wires the rooms into one running node
// and takes them down again in order: HTTP, sockets, broker, media workers, event delivery, store (the
// reverse of start-up). Used by main.ts, and by tests and benchmarks that need a whole node.
import { createHmac } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type Commerce, type CommerceStore, DAY_MS, type EventBus, openStore } from '../../commerce/index.ts';
import type { Edge } from '../../edge/index.ts';
import { LiveRooms, type WorkerPool } from '../../media/index.ts';
import type { MediaBroadcast } from '../../protocols/index.ts';
import { createGuards, loadOrCreateSecret, TokenService } from '../auth/index.ts';
import { BrokerProcess } from '../broker-process.ts';
import type { PlatformConfig } from '../config.ts';
import { type ConsultMedia, registerConsultMedia } from '../consult-media.ts';
import { registerHealth, type SubsystemHealth } from '../health.ts';
import { type App, createHttpApp } from '../http-app.ts';
import { ImageFiles } from '../images/image-files.ts';
import { liveHosts } from '../live-media.ts';
import { type MediaGateway, registerMediaGateway, type SessionDirectory } from '../media-gateway.ts';
import { publishToMediaNodes } from '../media-nodes/bus.ts';
import { mediaNodeChoice } from '../media-nodes/choice.ts';
import { answerMediaNodes } from '../media-nodes/core-port.ts';
import { MediaDirectory } from '../media-nodes/directory.ts';
import { createChannelSenders } from '../messaging/senders.ts';
import { createMessenger } from '../messengers.ts';
import type { EdgeReadingCounters, MqttFigures } from '../metrics.ts';
import { startMonitoringServer } from '../monitoring.ts';
import { OrderPlacement } from '../order-placement.ts';
import { type ResolvedPort, resolvePort } from '../ports.ts';
import { hasCjkFont } from '../posters/poster-render.ts';
import { PosterService } from '../posters/poster-service.ts';
import { createRecording, type Recording, RecordingFiles } from '../recording/index.ts';
import { connectRedis } from '../redis.ts';
import { registerRoutes } from '../routes/index.ts';
import type { DeviceAdminPort } from '../routes/readings.ts';
import { createSocketServer, registerRealtime, SocketAccess, type SocketServer } from '../sockets/index.ts';
import type { SocketCounters } from '../sockets/validate.ts';
import { subscribeConsumers } from './consumers.ts';
import { buildEdge, commerceSink } from './edge.ts';
import { mediaWorkerPool, resolveMediaPorts } from './media-workers.ts';
import { buildCommerce, newNodeId } from './services.ts';

export interface Platform {
  readonly http: App;
  readonly io: SocketServer['io'];
  readonly store: CommerceStore;
  /** The commerce services this node runs on. */
  readonly commerce: Commerce;
  readonly events: EventBus;
  readonly broker: PlatformBroker;
  readonly media: WorkerPool;
  /** Live rooms, /media signalling, /metrics and the web pages; `closeRoom(sessionId)` ends a session's media. */
  readonly mediaGateway: MediaGateway;
  /** Video consultation rooms and /consult signalling. */
  readonly consultMedia: ConsultMedia;
  /** Recordings of this node's lives and their replays. */
  readonly recording: Recording;
  readonly ports: {
    http: ResolvedPort;
    mqtt: ResolvedPort;
    media: ResolvedPort[];
    /** The monitoring port (METRICS_PORT), when configured. */
    monitoring?: ResolvedPort | undefined;
  };
  /** Idempotent; resolves when every subsystem is down. */
  close(): Promise<void>;
}

/** The edge as the platform uses it: in a child process (BrokerProcess) or in this one (Edge). */
export interface PlatformBroker extends DeviceAdminPort {
  readonly port: number;
  /** The process the broker runs in. */
  readonly pid: number | undefined;
  health(): SubsystemHealth | Promise<SubsystemHealth>;
  summary(): Promise<{ online: number; readingsPerMinute: number }>;
  close(): Promise<void>;
}

function inlineBroker(edge: Edge): PlatformBroker {
  return {
    get port() {
      return edge.port;
    },
    pid: process.pid,
    health: () => edge.health(),
    summary: edge.summary,
    registerDevice: (id, kind, location) => edge.registerDevice(id, kind, location),
    listDevices: () => edge.listDevices(),
    getDevice: (id) => edge.getDevice(id),
    rotateSecret: (id) => edge.rotateSecret(id),
    setDisabled: (id, disabled) => edge.setDisabled(id, disabled),
    sendCommand: (id, command) => edge.sendCommand(id, command),
    close: () => edge.close(),
  };
}

/** Shutdown steps in order; each is idempotent, and a failing step does not stop the next. */
type Closer = [name: string, close: () => unknown];

async function runClosers(closers: Closer[], logger: Logger): Promise<void> {
  for (const [name, close] of closers) {
    try {
      await close();
      logger.debug({ subsystem: name }, 'closed');
    } catch (err) {
      logger.error({ err, subsystem: name }, 'close failed');
    }
  }
}

function warnIfMoved(logger: Logger, what: string, p: ResolvedPort): void {
  if (p.movedFrom !== undefined) {
    logger.warn(
      { what, requested: p.movedFrom, port: p.port },
      `default ${what} port is taken; using the next free port`,
    );
  }
}

/** Ports the composition plugs in from other rooms. */
export interface PlatformOptions {
  /** Who hosts a live session (commerce's live sessions); without it no session is live for /media. */
  sessions?: SessionDirectory | undefined;
}

export async function startPlatform(
  config: PlatformConfig,
  logger: Logger,
  options: PlatformOptions = {},
): Promise<Platform> {
  // Started in dependency order; on failure, whatever started is closed again (reverse of start order
  // equals the shutdown order below).
  const closers: Closer[] = [];
  try {
    const store = await openStore({
      dataDir: config.dataDir,
      databaseUrl: config.databaseUrl,
      poolSize: config.databasePoolSize,
      logger,
    });
    closers.unshift(['store', () => store.close()]);

    let redis: Redis | undefined;
    if (config.redisUrl) {
      const client = await connectRedis(config.redisUrl, logger);
      redis = client;
      closers.unshift(['redis', () => client.quit().catch(() => client.disconnect())]);
    }
    const nodeId = newNodeId();
    // Commerce: people, sales and orders, ledger, readings, venues, viewers, metrics; event delivery.
    const messenger = createMessenger(config.contacts, logger);
    closers.unshift(['messenger', () => messenger.close()]);
    // Queued messages: e-mail, SMS and WeChat adapters; unsubscribe links signed with a key derived
    // from the access-token key unless MESSAGE_SIGNING_SECRET is set.
    const channels = createChannelSenders(config, logger);
    closers.unshift(['channel senders', () => channels.close()]);
    const messagingSecret = createHmac('sha256', loadOrCreateSecret(config.dataDir, config.auth.secret))
      .update('vitalive-messaging-links')
      .digest('base64url');
    const commerce = buildCommerce(store, config, {
      logger,
      messenger,
      nodeId,
      redis,
      senders: channels.senders,
      messagingSecret,
    });
    const events = commerce.events;
    closers.unshift(['events', () => events.close()]);

    const mediaPorts = await resolveMediaPorts(config, logger);
    const media = mediaWorkerPool(config, mediaPorts, logger);
    closers.unshift(['media', () => media.close()]);
    await media.start();

    const httpPort = await resolvePort(config.http.port, 'HTTP', { host: config.http.host });
    warnIfMoved(logger, 'HTTP', httpPort);
    const mqttPort = await resolvePort(config.mqtt.port, 'MQTT', { host: config.mqtt.host });
    warnIfMoved(logger, 'MQTT', mqttPort);
    // Edge: devices publish readings; the journal forwards them into commerce's readings, from the
    // broker child over IPC (MQTT_BROKER_PROCESS=child, the default) or in this process.
    const sink = commerceSink(commerce);
    let edge: PlatformBroker;
    if (config.mqtt.process === 'child') {
      const child = new BrokerProcess({
        start: {
          host: config.mqtt.host,
          port: mqttPort.port,
          dataDir: config.dataDir,
          logLevel: logger.level,
          limits: config.mqtt.limits,
          quarantine: config.quarantine,
        },
        sink,
        logger,
        restartBaseMs: config.mqtt.restartBaseMs,
        restartMaxMs: config.mqtt.restartMaxMs,
      });
      closers.unshift(['broker', () => child.close()]);
      await child.start();
      edge = child;
    } else {
      const inline = buildEdge({
        host: config.mqtt.host,
        port: mqttPort.port,
        dataDir: config.dataDir,
        logger,
        mqttLimits: config.mqtt.limits,
        quarantine: config.quarantine,
        sink,
      });
      closers.unshift(['broker', () => inline.close()]);
      await inline.start();
      edge = inlineBroker(inline);
    }
    const broker = edge;

    const authSecret = loadOrCreateSecret(config.dataDir, config.auth.secret);
    const tokens = new TokenService({
      secret: authSecret,
      accessTtlSec: config.auth.accessTtlSec,
      deviceTtlSec: config.auth.loginDeviceTtlSec,
    });
    const http = await createHttpApp({
      logger,
      trustProxy: config.http.trustProxy,
      publicUrl: config.publicUrl,
      monitoringToken: config.monitoring.token,
    });
    const sockets = await createSocketServer({ app: http, logger, redis });
    // HTTP stops accepting first; its close completes once the sockets are disconnected.
    closers.unshift([
      'http+sockets',
      async () => {
        const httpClosed = http.close();
        await sockets.close();
        await httpClosed;
      },
    ]);
    const images = new ImageFiles(config.dataDir);
    const recordingFiles = new RecordingFiles(config.dataDir);
    let recording: Recording | undefined;
    const healthReport = registerHealth(http, {
      http: () => ({
        state: 'ok',
        host: config.http.host,
        port: httpPort.port,
        movedFrom: httpPort.movedFrom,
      }),
      store: () => store.health(),
      events: () => events.health(),
      sockets: () => ({ state: 'ok', clients: sockets.io.engine.clientsCount, multiNode: Boolean(redis) }),
      broker: async () => ({ ...(await edge.health()), pid: edge.pid, movedFrom: mqttPort.movedFrom }),
      media: () => media.health(),
      images: async () => ({ state: 'ok', ...(await images.usageCached()) }),
      recordings: async () => (recording ? { ...(await recording.health()) } : { state: 'disabled' }),
    });
    // The sweepers expire reservations and countdowns, and release ledger entries after the refund window.
    const sweepers = commerce.sweepers;
    closers.unshift(['sales sweeper', () => sweepers.orders.close()]);
    closers.unshift(['ledger sweeper', () => sweepers.ledger.close()]);
    closers.unshift(['messaging', () => commerce.messaging.close()]);
    const placement = new OrderPlacement(commerce.orders, config.sales.ordersPerMemberPerMin);
    await registerRoutes(http, {
      ...{ config, logger, tokens, guards: createGuards(tokens, commerce.access.of), commerce, placement },
      images,
      devices: edge,
      posters: new PosterService(commerce.sales),
      wechat: channels.wechat,
      recordings: recordingFiles,
    });
    if (!hasCjkFont()) logger.warn('no CJK font installed: Chinese share posters would draw empty boxes');
    // Privileged sockets (/host, /staff, a host's /media) re-check the person's current roles and sessions.
    const socketAccess = new SocketAccess(commerce.access.of);
    // Media: live rooms on this node's workers, /media, /metrics, /web/.
    let realtimeCounters: SocketCounters | undefined;
    const rooms = new LiveRooms({
      pool: media,
      logger,
      consumerBudget: config.media.consumerBudget,
      listenIp: config.media.listenIp,
      announcedAddress: config.media.announcedAddress,
      keyFrameRequestDelayMs: config.media.keyFrameRequestDelayMs,
    });
    const mediaGateway = await registerMediaGateway({
      access: socketAccess,
      realtimeSockets: () => realtimeCounters,
      http,
      io: sockets.io,
      rooms,
      tokens,
      logger,
      sessions: options.sessions ?? liveHosts(commerce.sales),
      livePreview: (sessionId) => commerce.sales.publicLive(sessionId),
      mqtt: async () => (await edge.health()) as MqttFigures,
      edge: async () => (await edge.health()) as unknown as EdgeReadingCounters,
      orderCounters: commerce.orders.counters,
      images: () => images.usageCached(),
      recordings: () => (recording ? recording.health() : recordingFiles.usageCached()),
    });
    closers.unshift(['media rooms', () => mediaGateway.close()]);
    // Video consultations: private two-seat rooms on the same workers, over /consult.
    const consultMedia = registerConsultMedia({
      io: sockets.io,
      pool: media,
      passes: tokens.consultationPasses,
      video: commerce.consultationVideo,
      access: socketAccess,
      logger,
    });
    closers.unshift(['consultation rooms', () => consultMedia.close()]);
    // Separate media nodes (`npm run media`) share Redis: they ask this core who hosts a session and a
    // person's access, and the live snapshot sends each viewer to one of them.
    let mediaNode: ((sessionId: string) => Promise<string | undefined>) | undefined;
    let mediaNodes: ((m: MediaBroadcast) => void) | undefined;
    if (redis) {
      const answers = answerMediaNodes({
        redis,
        sessions: options.sessions ?? liveHosts(commerce.sales),
        access: commerce.access.of,
        logger,
      });
      closers.unshift(['media node answers', () => answers.close()]);
      const choose = mediaNodeChoice(new MediaDirectory(redis, config.media.node.timeoutMs));
      mediaNode = (sessionId) => choose(sessionId);
      const bus = redis;
      mediaNodes = (m) => {
        publishToMediaNodes(bus, m).catch((err: unknown) => logger.warn({ err }, 'media nodes not told'));
      };
    }
    // Recording (on nodes with media workers): every live's host media into DATA_DIR/recordings, and its
    // replay after the end. Closed before the rooms, so the last segments are finished.
    recording = createRecording({
      dataDir: config.dataDir,
      files: recordingFiles,
      rooms: config.media.workers > 0 ? rooms : undefined,
      settings: config.recording,
      logger,
    });
    const recordingClosing = recording;
    closers.unshift(['recording', () => recordingClosing.close()]);
    // Real time: /live, /host and /staff on commerce's events, edge presence and SFU stats.
    const realtime = registerRealtime({
      access: socketAccess,
      viewerIdSecret: authSecret,
      liveLimits: config.live,
      io: sockets.io,
      commerce,
      tokens,
      logger,
      nodeId,
      redis,
      mediaUrl: config.media.publicUrl,
      mediaNode,
      orders: { place: (actor, body, key) => placement.place(actor, body as never, key) },
      media: config.media.workers > 0 ? () => mediaGateway.stats({ maxAgeMs: 2000 }) : undefined,
      devices: edge.summary,
      recommendationMaxAgeMs: config.metrics.recommendationMaxAgeDays * DAY_MS,
    });
    closers.unshift(['realtime', () => realtime.close()]);
    realtimeCounters = realtime.counters;
    // Every outbox consumer of this node, from the one table; delivery starts once all are in.
    subscribeConsumers(events, {
      commerce,
      mediaGateway,
      consultMedia,
      mediaNodes,
      realtime,
      recording: recording.consumer,
    });
    await events.start();
    await http.listen({ host: config.http.host, port: httpPort.port });
    // Monitoring port: /metrics and full /healthz without a token, on loopback unless configured.
    let monitoringPort: ResolvedPort | undefined;
    if (config.monitoring.port) {
      const p = await resolvePort(config.monitoring.port, 'monitoring', { host: config.monitoring.host });
      warnIfMoved(logger, 'monitoring', p);
      const monitor = await startMonitoringServer(
        { host: config.monitoring.host, port: p.port, logger },
        { metrics: () => mediaGateway.scrapeMetrics(), health: healthReport },
      );
      closers.unshift(['monitoring', () => monitor.close()]);
      monitoringPort = { ...p, port: monitor.port };
    }
    sweepers.orders.start();
    sweepers.ledger.start();
    commerce.messaging.start();

    let closing: Promise<void> | undefined;
    return {
      http,
      io: sockets.io,
      store,
      commerce,
      events,
      broker,
      media,
      mediaGateway,
      consultMedia,
      recording,
      ports: {
        http: httpPort,
        mqtt: { ...mqttPort, port: broker.port },
        media: mediaPorts,
        monitoring: monitoringPort,
      },
      close() {
        closing ??= runClosers(closers, logger);
        return closing;
      },
    };
  } catch (err) {
    await runClosers(closers, logger);
    throw err;
  }
}
