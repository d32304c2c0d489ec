// The pool runs one worker per slot with a WebRtcServer on the slot's port, replaces a dead worker on
// the same port, and closes idempotently without leaving ports bound.

import { afterEach, describe, expect, it } from 'vitest';
import { freePort, tcpPortFree, udpPortFree } from '../../loadtest/clients/ports.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { WorkerPool, type WorkerSlot } from '../../media/index.ts';
import { testLogger } from '../helpers/logger.ts';

async function makePool(workers: number): Promise<WorkerPool> {
  const ports: number[] = [];
  while (ports.length < workers) {
    const p = await freePort(true);
    if (!ports.includes(p)) ports.push(p);
  }
  return new WorkerPool({
    ports,
    listenIp: '127.0.0.1',
    announcedAddress: undefined,
    rtcMinPort: 46000,
    rtcMaxPort: 46999,
    logLevel: 'none',
    logger: testLogger,
    respawnDelayMs: 50,
  });
}

describe('WorkerPool', () => {
  let pool: WorkerPool | undefined;
  afterEach(() => pool?.close());

  it('starts every worker with a WebRtcServer listening on its port', async () => {
    pool = await makePool(2);
    await pool.start();
    const health = pool.health();
    expect(health.state).toBe('ok');
    expect(health.workers.map((w) => w.state)).toEqual(['ok', 'ok']);
    for (const slot of pool.slots) {
      expect(await tcpPortFree(slot.port)).toBe(false);
      expect(await udpPortFree(slot.port)).toBe(false);
    }
  });

  it('reports a SIGKILLed worker and replaces it on the same port', async () => {
    pool = await makePool(1);
    await pool.start();
    const slot = pool.slots[0]!;
    const oldPid = slot.worker!.pid;
    const died = new Promise<WorkerSlot>((resolve) => pool!.once('workerdied', resolve));
    const replaced = new Promise<WorkerSlot>((resolve) => pool!.once('workerreplaced', resolve));

    process.kill(oldPid, 'SIGKILL');
    expect((await died).index).toBe(0);
    expect(pool.health().state).toBe('down');

    await replaced;
    expect(pool.health().state).toBe('ok');
    expect(slot.worker!.pid).not.toBe(oldPid);
    expect(slot.deaths).toBe(1);
    expect(await tcpPortFree(slot.port)).toBe(false);
  });

  it('close() is idempotent and releases the WebRtcServer ports', async () => {
    pool = await makePool(1);
    await pool.start();
    const port = pool.slots[0]!.port;
    pool.close();
    pool.close();
    expect(pool.health().workers[0]!.state).toBe('closed');
    await waitFor(() => tcpPortFree(port), { timeoutMs: 3000, what: `TCP port ${port} let go`, stepMs: 50 });
    expect(await udpPortFree(port)).toBe(true);
  });
});
