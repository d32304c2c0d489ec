// Who may read the node's monitoring figures: /metrics and the details of /healthz answer on the public
// port only to the bearer token METRICS_TOKEN; the optional monitoring port (METRICS_PORT, loopback by
// default) serves both without a token to whoever can reach that address (a local Prometheus agent).
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { VitaliveError } from '../protocols/index.ts';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** True when the Authorization header carries exactly this bearer token (compared in constant time). */
export function hasMonitoringToken(authorization: string | undefined, token: string | undefined): boolean {
  if (token === undefined || authorization === undefined) return false;
  const m = /^Bearer ([^\s]+)$/i.exec(authorization);
  // Hashes have equal lengths, so the comparison leaks neither the token nor its length.
  return m !== null && timingSafeEqual(digest(m[1]!), digest(token));
}

/** Throws AUTH_REQUIRED without a bearer token and AUTH_INVALID_TOKEN with a wrong one. */
export function requireMonitoringToken(authorization: string | undefined, token: string): void {
  if (authorization === undefined) throw new VitaliveError('AUTH_REQUIRED');
  if (!hasMonitoringToken(authorization, token)) throw new VitaliveError('AUTH_INVALID_TOKEN');
}

export interface MonitoringSources {
  metrics: () => Promise<{ contentType: string; text: string }>;
  /** The full /healthz report and its status code. */
  health: () => Promise<{ statusCode: number; body: unknown }>;
}

export interface MonitoringServer {
  readonly port: number;
  /** Idempotent. */
  close(): Promise<void>;
}

/** GET /metrics and GET /healthz on their own listener; anything else answers a coded 404. */
export async function startMonitoringServer(
  opts: { host: string; port: number; logger: Logger },
  sources: MonitoringSources,
): Promise<MonitoringServer> {
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const answer = async () => {
      if (req.method === 'GET' && path === '/metrics') {
        const { contentType, text } = await sources.metrics();
        res.writeHead(200, { 'content-type': contentType }).end(text);
      } else if (req.method === 'GET' && path === '/healthz') {
        const { statusCode, body } = await sources.health();
        json(res, statusCode, body);
      } else {
        json(res, 404, new VitaliveError('NOT_FOUND', { what: `${req.method} route` }).toJSON());
      }
    };
    answer().catch((err: unknown) => {
      opts.logger.error({ err }, 'monitoring request failed');
      if (!res.headersSent) json(res, 500, new VitaliveError('INTERNAL').toJSON());
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: opts.host, port: opts.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
