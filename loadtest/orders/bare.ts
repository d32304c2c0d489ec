// The ceiling of this machine for the order benchmarks' driver + HTTP: the same driver against a bare
// fastify server (bare-server.ts) in a child process, for the same concurrency.
import { randomBytes, randomUUID } from 'node:crypto';
import { waitHealthy } from '../clients/health.ts';
import { freePort } from '../clients/ports.ts';
import { compiledNode } from '../compiled.ts';
import { cpuMeter } from './cpu.ts';
import type { Figures } from './figures.ts';
import { HttpDriver, percentile } from './http-driver.ts';

/** The driver against a bare fastify server for the storm's tail length (after an unmeasured warm-up). */
export async function bare(concurrency: number, seconds: number, warmUpSec = 0): Promise<Figures> {
  const port = await freePort();
  const child = await compiledNode('loadtest/orders/bare-server.ts', [String(port)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitHealthy(port, { timeoutMs: 120_000, child });
    const drv = new HttpDriver(`http://127.0.0.1:${port}`, concurrency);
    const body = { cardId: randomUUID(), quantity: 1, fulfilment: { method: 'pickup', clinic: 'Clinic 1' } };
    const token = randomBytes(200).toString('base64url');
    const run = async (forSec: number): Promise<number[]> => {
      const lat: number[] = [];
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (performance.now() - t0 < forSec * 1000) {
            const r = await drv.post('/api/orders', token, body, { 'idempotency-key': randomUUID() });
            lat.push(r.ms);
          }
        }),
      );
      return lat;
    };
    if (warmUpSec > 0) await run(warmUpSec);
    const cpu = cpuMeter(child.pid);
    const started = performance.now();
    const lat = await run(seconds);
    const took = (performance.now() - started) / 1000;
    const cpuPer = cpu(lat.length);
    drv.close();
    lat.sort((a, b) => a - b);
    return {
      scenario: 'bare-fastify',
      store: 'none',
      gate: 'none',
      attempts: lat.length,
      attemptsPerSec: Math.round(lat.length / took),
      orders: 0,
      ordersPerSec: 0,
      p50Ms: +percentile(lat, 50).toFixed(1),
      p99Ms: +percentile(lat, 99).toFixed(1),
      oversold: 0,
      seconds: +took.toFixed(1),
      ...cpuPer,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}
