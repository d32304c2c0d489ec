// GET /healthz: the state of every subsystem this node runs, with its actual ports. 200 when all are ok.
// The details (ports, queue depths, client counts, error texts) go only to the monitoring token and the
// monitoring port; anyone else gets the bare status, enough for a load balancer's probe.
import type { FastifyInstance } from 'fastify';
import { hasMonitoringToken } from './monitoring.ts';

export type SubsystemState = 'ok' | 'degraded' | 'down' | 'starting' | 'closed' | 'disabled';

export interface SubsystemHealth {
  state: SubsystemState;
  [detail: string]: unknown;
}

export type HealthCheck = () => SubsystemHealth | Promise<SubsystemHealth>;

/** States that still count as healthy: a subsystem switched off on this node is not a failure. */
const HEALTHY: ReadonlySet<SubsystemState> = new Set(['ok', 'disabled']);

export interface HealthReport {
  statusCode: 200 | 503;
  body: { status: 'ok' | 'unhealthy'; subsystems: Record<string, SubsystemHealth> };
}

export function registerHealth(
  app: FastifyInstance,
  checks: Record<string, HealthCheck>,
): () => Promise<HealthReport> {
  async function report(): Promise<HealthReport> {
    const subsystems: Record<string, SubsystemHealth> = {};
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          subsystems[name] = await check();
        } catch (err) {
          subsystems[name] = { state: 'down', error: (err as Error).message };
        }
      }),
    );
    const ok = Object.values(subsystems).every((s) => HEALTHY.has(s.state));
    return { statusCode: ok ? 200 : 503, body: { status: ok ? 'ok' : 'unhealthy', subsystems } };
  }
  app.get('/healthz', async (request, reply) => {
    const { statusCode, body } = await report();
    const detailed = hasMonitoringToken(request.headers.authorization, app.monitoringToken);
    return reply.status(statusCode).send(detailed ? body : { status: body.status });
  });
  return report;
}
