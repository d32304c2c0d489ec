// GET /healthz: the state of every subsystem this node runs, with its actual ports. 200 when all are ok.
import type { FastifyInstance } from 'fastify';

export type SubsystemState = 'ok' | 'degraded' | 'down' | 'starting' | 'closed' | 'disabled';

export interface SubsystemHealth {
  state: SubsystemState;
  [detail: string]: unknown;
}

export type HealthCheck = () => SubsystemHealth | Promise<SubsystemHealth>;

/** States that still count as healthy: a subsystem switched off on this node is not a failure. */
const HEALTHY: ReadonlySet<SubsystemState> = new Set(['ok', 'disabled']);

export function registerHealth(app: FastifyInstance, checks: Record<string, HealthCheck>): void {
  app.get('/healthz', async (_request, reply) => {
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
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unhealthy', subsystems });
  });
}
