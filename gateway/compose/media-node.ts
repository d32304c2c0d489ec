// The composition root of a media node on its own (`npm run media`): mediasoup workers and live rooms,
// the /media endpoint, /healthz and /metrics, its entry in the Redis directory (heartbeat), the cascade
// to other media nodes, and the core's answers (who hosts a session, a person's access) over Redis.
// Tests and benchmarks start several in one process. close() is idempotent.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { LiveRooms, type WorkerPool } from '../../media/index.ts';
import { VitaliveError } from '../../protocols/index.ts';
import { loadOrCreateSecret, TokenService } from '../auth/index.ts';
import type { PlatformConfig } from '../config.ts';
import { registerHealth } from '../health.ts';
import { type App, createHttpApp } from '../http-app.ts';
import { type MediaGateway, registerMediaGateway } from '../media-gateway.ts';
import { NodeBus } from '../media-nodes/bus.ts';
import { MediaCascade } from '../media-nodes/cascade.ts';
import { answerMediaNodes, type CoreAnswersDeps, CorePort } from '../media-nodes/core-port.ts';
import { MediaDirectory } from '../media-nodes/directory.ts';
import { type ResolvedPort, resolvePort } from '../ports.ts';
import { connectRedis } from '../redis.ts';
import { createSocketServer, SocketAccess } from '../sockets/index.ts';
import { mediaWorkerPool, resolveMediaPorts } from './media-workers.ts';

export interface MediaNodeProcess {
  readonly nodeId: string;
  readonly url: string;
  readonly http: App;
  readonly pool: WorkerPool;
  readonly rooms: LiveRooms;
  readonly cascade: MediaCascade;
  readonly directory: MediaDirectory;
  readonly mediaGateway: MediaGateway;
  readonly ports: { http: ResolvedPort; media: ResolvedPort[] };
  /** Stops heartbeats and pipes but leaves the directory entry to expire, as a crash would (tests). */
  halt(): Promise<void>;
  /** Idempotent: leaves the directory, closes pipes, rooms, sockets, workers and Redis. */
  close(): Promise<void>;
}

export { publishToMediaNodes } from '../media-nodes/bus.ts';
export type { MediaDirectory } from '../media-nodes/directory.ts';

/** The core's side of the media nodes' questions, on its own Redis connection. */
export async function startCoreAnswers(
  redisUrl: string,
  deps: Omit<CoreAnswersDeps, 'redis'>,
): Promise<{ redis: Redis; close(): Promise<void> }> {
  const redis = await connectRedis(redisUrl, deps.logger, 'vitalive-media-core');
  const answers = answerMediaNodes({ ...deps, redis });
  return {
    redis,
    async close() {
      await answers.close();
      redis.disconnect();
    },
  };
}

export async function startMediaNode(config: PlatformConfig, logger: Logger): Promise<MediaNodeProcess> {
  if (!config.redisUrl) {
    throw new VitaliveError('CONFIG_INVALID', { key: 'REDIS_URL', reason: 'a media node needs Redis' });
  }
  if (config.media.workers < 1) {
    throw new VitaliveError('CONFIG_INVALID', {
      key: 'MEDIA_WORKERS',
      reason: 'a media node needs a worker',
    });
  }
  const nodeId = config.media.node.id ?? `media-${randomBytes(6).toString('hex')}`;
  const log = logger.child({ node: nodeId });
  const closers: Array<[string, () => unknown]> = [];
  const runClosers = async () => {
    for (const [name, close] of closers.splice(0)) {
      try {
        await close();
      } catch (err) {
        log.error({ err, subsystem: name }, 'close failed');
      }
    }
  };
  try {
    const redis: Redis = await connectRedis(config.redisUrl, log);
    closers.unshift(['redis', () => redis.quit().catch(() => redis.disconnect())]);
    const core = new CorePort(redis, nodeId, config.media.node.coreTimeoutMs);
    closers.unshift(['core port', () => core.close()]);
    await core.start();

    const mediaPorts = await resolveMediaPorts(config, log);
    const pool = mediaWorkerPool(config, mediaPorts, log);
    closers.unshift(['media', () => pool.close()]);
    await pool.start();
    const rooms = new LiveRooms({
      pool,
      logger: log,
      consumerBudget: config.media.consumerBudget,
      listenIp: config.media.listenIp,
      announcedAddress: config.media.announcedAddress,
      keyFrameRequestDelayMs: config.media.keyFrameRequestDelayMs,
    });
    closers.unshift(['media rooms', () => rooms.close()]);

    const httpPort = await resolvePort(config.http.port, 'HTTP', { host: config.http.host });
    const http = await createHttpApp({
      logger: log,
      trustProxy: config.http.trustProxy,
      publicUrl: config.publicUrl,
      monitoringToken: config.monitoring.token,
    });
    const sockets = await createSocketServer({
      app: http,
      logger: log,
      corsOrigins: config.publicUrl ? [new URL(config.publicUrl).origin] : undefined,
    });
    closers.unshift([
      'http+sockets',
      async () => {
        const httpClosed = http.close();
        await sockets.close();
        await httpClosed;
      },
    ]);
    // Tokens are the core's: every node shares AUTH_SECRET.
    const tokens = new TokenService({
      secret: loadOrCreateSecret(config.dataDir, config.auth.secret),
      accessTtlSec: config.auth.accessTtlSec,
    });

    const directory = new MediaDirectory(redis, config.media.node.timeoutMs);
    const bus = new NodeBus(redis, nodeId, log);
    let gateway: MediaGateway | undefined;
    const cascade = new MediaCascade({
      nodeId,
      rooms,
      directory,
      bus,
      logger: log,
      graceMs: config.media.node.pipeGraceMs,
      sweepMs: config.media.node.heartbeatMs,
      handOver: (sessionId) => (gateway ? gateway.handOver(sessionId) : rooms.closeRoom(sessionId)),
    });
    closers.unshift(['cascade', () => cascade.close()]);
    gateway = await registerMediaGateway({
      http,
      io: sockets.io,
      rooms,
      tokens,
      logger: log,
      sessions: core,
      access: new SocketAccess(core.access),
      cascade,
      pages: false,
    });
    registerHealth(http, {
      http: () => ({ state: 'ok', port: httpPort.port }),
      media: () => pool.health(),
      redis: () => ({ state: redis.status === 'ready' ? 'ok' : 'down' }),
      cascade: () => ({ state: 'ok', nodeId, pipes: cascade.pipes, rooms: rooms.size }),
    });
    await http.listen({ host: config.http.host, port: httpPort.port });
    const address = http.server.address();
    const port = typeof address === 'object' && address ? address.port : httpPort.port;
    const url = config.media.node.url ?? `http://${config.media.listenIp}:${port}`;
    const capacity = config.media.node.capacity || config.media.consumerBudget * config.media.workers;

    await cascade.start();
    const announce = async () => {
      let load = 0;
      for (const room of rooms.all()) load += room.consumerCount();
      await directory.announce({
        nodeId,
        url,
        ...(config.media.node.region ? { region: config.media.node.region } : {}),
        capacity,
        load,
        pipes: cascade.pipes,
        heartbeatAtMs: Date.now(),
      });
    };
    await announce();
    const heartbeat = setInterval(() => {
      announce().catch((err: unknown) => log.warn({ err }, 'media node heartbeat failed'));
    }, config.media.node.heartbeatMs);
    heartbeat.unref();
    closers.unshift(['directory entry', () => directory.remove(nodeId)]);
    closers.unshift(['heartbeat', () => clearInterval(heartbeat)]);
    log.info({ url, http: port, workers: mediaPorts.map((p) => p.port), capacity }, 'media node is up');

    let closing: Promise<void> | undefined;
    return {
      nodeId,
      url,
      http,
      pool,
      rooms,
      cascade,
      directory,
      mediaGateway: gateway,
      ports: { http: { ...httpPort, port }, media: mediaPorts },
      async halt() {
        clearInterval(heartbeat);
        const i = closers.findIndex(([name]) => name === 'directory entry');
        if (i >= 0) closers.splice(i, 1);
        closing ??= runClosers();
        await closing;
      },
      close() {
        closing ??= runClosers();
        return closing;
      },
    };
  } catch (err) {
    await runClosers();
    throw err;
  }
}
