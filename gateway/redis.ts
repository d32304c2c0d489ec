// Redis connections for multi-node mode. Rooms receive ready clients from the composition root.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { VitaliveError } from '../protocols/index.ts';

/** Connect timeout for the first connection. @default 5000 (5 s) */
const CONNECT_TIMEOUT_MS = 5_000;

/** Opens a client and proves the connection with a PING before handing it out. */
export async function connectRedis(url: string, logger: Logger, name = 'vitalive'): Promise<Redis> {
  // Loaded only in multi-node mode: a single process never holds the Redis client in memory.
  const { Redis } = await import('ioredis');
  const client = new Redis(url, {
    lazyConnect: true,
    connectionName: name,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // Commands wait for a reconnect instead of failing at once when the link drops briefly.
    maxRetriesPerRequest: 3,
  });
  client.on('error', (err) => logger.warn({ err: err.message, name }, 'redis connection error'));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    client.disconnect();
    throw new VitaliveError('SERVICE_UNAVAILABLE', { what: 'Redis' }, { cause: err });
  }
  return client;
}
