// Several media nodes on this machine sharing one throwaway Redis, with the core's answers (who hosts a
// session) from a table the caller fills: what the cascade tests and the cascade benchmark run. Each
// node is a whole `npm run media` composition (own workers, HTTP port, /media, directory entry).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import {
  type MediaNodeProcess,
  publishToMediaNodes,
  startCoreAnswers,
  startMediaNode,
} from '../../gateway/compose/media-node.ts';
import { loadConfig } from '../../gateway/index.ts';
import { TableSessions } from './media-node.ts';
import { RedisServer } from './redis-server.ts';
import { type PlainViewer, subscribe } from './sfu-clients.ts';
import { UdpSink } from './udp-sink.ts';
import { waitFor } from './wait-for.ts';

export const CLUSTER_SECRET = 'media-cluster-test-secret-0123456789abcdef';

export interface NodeSpec {
  id: string;
  region?: string;
  workers?: number;
  capacity?: number;
}

export interface MediaCluster {
  redis: RedisServer;
  sessions: TableSessions;
  nodes: Map<string, MediaNodeProcess>;
  startNode(spec: NodeSpec): Promise<MediaNodeProcess>;
  /** What the core broadcasts when a session ends: every node closes its room and pipes. */
  endSession(sessionId: string): Promise<void>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  logger: Logger;
  heartbeatMs?: number;
  timeoutMs?: number;
  pipeGraceMs?: number;
  keyFrameRequestDelayMs?: number;
  consumerBudget?: number;
}

export async function startMediaCluster(opts: ClusterOptions): Promise<MediaCluster> {
  const redis = new RedisServer();
  await redis.start();
  const sessions = new TableSessions();
  const core = await startCoreAnswers(redis.url, {
    sessions,
    access: async () => ({ roles: ['member'], sessionsRevokedAtMs: null }),
    logger: opts.logger,
  });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vitalive-cluster-'));
  const nodes = new Map<string, MediaNodeProcess>();
  return {
    redis,
    sessions,
    nodes,
    async startNode(spec) {
      const config = loadConfig({
        REDIS_URL: redis.url,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: '0',
        MEDIA_WORKERS: String(spec.workers ?? 1),
        MEDIA_BASE_PORT: '0',
        MEDIA_LOG_LEVEL: 'none',
        MEDIA_NODE_ID: spec.id,
        ...(spec.region ? { MEDIA_NODE_REGION: spec.region } : {}),
        ...(spec.capacity ? { MEDIA_NODE_CAPACITY: String(spec.capacity) } : {}),
        MEDIA_NODE_HEARTBEAT_MS: String(opts.heartbeatMs ?? 200),
        MEDIA_NODE_TIMEOUT_MS: String(opts.timeoutMs ?? 1000),
        MEDIA_PIPE_GRACE_MS: String(opts.pipeGraceMs ?? 500),
        MEDIA_KEYFRAME_REQUEST_DELAY_MS: String(opts.keyFrameRequestDelayMs ?? 1000),
        ...(opts.consumerBudget ? { MEDIA_CONSUMER_BUDGET: String(opts.consumerBudget) } : {}),
        DATA_DIR: dataDir,
        AUTH_SECRET: CLUSTER_SECRET,
        LOG_LEVEL: 'silent',
      });
      const node = await startMediaNode(config, opts.logger);
      nodes.set(spec.id, node);
      return node;
    },
    async endSession(sessionId) {
      await publishToMediaNodes(core.redis, { type: 'room.close', sessionId });
    },
    async close() {
      for (const node of nodes.values()) await node.close();
      await core.close();
      await redis.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Viewers on one node, through its rooms' API as its /media handlers call it: they join, the node pulls
 * the session from its origin, and each consumes every producer into a UDP sink of its own.
 */
export async function viewersOn(
  node: MediaNodeProcess,
  sessionId: string,
  hostId: string,
  count: number,
  opts: { producers?: number; prefix?: string } = {},
): Promise<{ room: Awaited<ReturnType<MediaNodeProcess['rooms']['open']>>; viewers: PlainViewer[] }> {
  const room = await node.rooms.open(sessionId, hostId);
  const viewers: PlainViewer[] = [];
  for (let i = 0; i < count; i++) {
    const sink = new UdpSink();
    await sink.bind();
    const peerId = `${opts.prefix ?? node.nodeId}-v${i}`;
    room.join(peerId, 'viewer');
    viewers.push({ peerId, sink, ssrcs: new Map<number, ms.MediaKind>() });
  }
  node.cascade.viewerJoined(sessionId);
  await waitFor(() => room.producers().length >= (opts.producers ?? 2), {
    what: `the host's producers piped to ${node.nodeId}`,
  });
  for (const v of viewers) await subscribe(room, v);
  return { room, viewers };
}
