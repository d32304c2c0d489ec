// Media test fixtures: a worker pool on free ports (the SFU clients are in loadtest/clients/).
import type { Logger } from 'pino';
import { freePort } from '../../loadtest/clients/ports.ts';
import { WorkerPool } from '../../media/index.ts';
import { testLogger } from './logger.ts';

export async function startPool(workers: number, logger: Logger = testLogger): Promise<WorkerPool> {
  const ports: number[] = [];
  while (ports.length < workers) {
    const p = await freePort(true);
    if (!ports.includes(p)) ports.push(p);
  }
  const pool = new WorkerPool({
    ports,
    listenIp: '127.0.0.1',
    announcedAddress: undefined,
    rtcMinPort: 40000,
    rtcMaxPort: 49999,
    logLevel: 'none',
    logger,
    respawnDelayMs: 200,
  });
  await pool.start();
  return pool;
}
