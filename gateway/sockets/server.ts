// The socket.io server on the gateway's HTTP server: connection-state recovery on, the Redis Streams
// adapter in multi-node mode (it keeps recovery working across nodes), and a close() that disconnects
// every socket so the HTTP server can finish closing.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import type { App } from '../http-app.ts';
import { type HeapGrowthOptions, heapGrowth } from './heap-growth.ts';

export interface SocketServerOptions {
  app: App;
  logger: Logger;
  /** Multi-node mode when set. */
  redis?: Redis | undefined;
  /** How long a dropped client may come back and get the missed events. @default 120000 (2 minutes) */
  recoveryWindowMs?: number;
  /** Largest accepted frame. @default 16384 (16 KiB): chat and orders are small */
  maxPayloadBytes?: number;
  /** Bounds V8's heap growth while many clients are connected (see heap-growth.ts). */
  heapGrowth?: HeapGrowthOptions;
  /** Allowed browser origins; undefined allows same-origin only. */
  corsOrigins?: string[] | undefined;
}

export interface SocketServer {
  readonly io: Server;
  /** Whether V8's heap growth is bounded now (many clients connected). */
  readonly heapGrowthBounded: boolean;
  close(): Promise<void>;
}

export async function createSocketServer(opts: SocketServerOptions): Promise<SocketServer> {
  // The adapter is loaded only in multi-node mode.
  const adapter = opts.redis
    ? (await import('@socket.io/redis-streams-adapter')).createAdapter(opts.redis, {
        streamName: 'vitalive:socket.io',
      })
    : undefined;
  const io = new Server(opts.app.server, {
    serveClient: false,
    maxHttpBufferSize: opts.maxPayloadBytes ?? 16_384,
    connectionStateRecovery: {
      maxDisconnectionDuration: opts.recoveryWindowMs ?? 120_000,
      // Middlewares run again on recovery: that is where auth is re-validated.
      skipMiddlewares: false,
    },
    ...(opts.corsOrigins ? { cors: { origin: opts.corsOrigins, credentials: true } } : {}),
    ...(adapter ? { adapter } : {}),
  });
  const growth = heapGrowth(opts.heapGrowth);
  const follow = () => growth.update(io.engine.clientsCount);
  io.engine.on('connection', (socket: { once(event: 'close', fn: () => void): void }) => {
    follow();
    socket.once('close', follow);
  });
  io.engine.on('connection_error', (err: { code: number; message: string }) =>
    opts.logger.debug({ code: err.code, err: err.message }, 'socket.io connection error'),
  );
  let closing: Promise<void> | undefined;
  return {
    io,
    get heapGrowthBounded() {
      return growth.bounded;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        io.local.disconnectSockets(true);
        // io.close() also closes the HTTP server; fastify's own close may already have done so.
        io.close(() => resolve());
      });
      return closing;
    },
  };
}
