// The edge's close(): idempotent and shared. Calls made during a shutdown wait for that same shutdown,
// a later call resolves at once, and the device connections, the MQTT port and the quarantine go away.
import net from 'node:net';
import { expect, it } from 'vitest';
import { Edge } from '../../edge/index.ts';
import { CollectingSink, connectDevice, tempDir } from '../helpers/edge.ts';
import { testLogger } from '../helpers/logger.ts';

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

it('shuts down once however often and however concurrently close() is called', async () => {
  const edge = new Edge({
    host: '127.0.0.1',
    port: 0,
    dataDir: tempDir(),
    logger: testLogger,
    sink: new CollectingSink(),
  });
  await edge.start();
  const secret = edge.registerDevice('scale-1', 'scale', 'clinic A')!;
  const device = await connectDevice(edge.port, 'scale-1', secret);
  const gone = new Promise<void>((resolve) => device.once('close', () => resolve()));
  // A reading is quarantined, so the quarantine has a file open while the edge closes.
  await device.publishAsync('devices/scale-1/readings', Buffer.from('not protobuf'), { qos: 1 });
  const port = edge.port;

  const first = edge.close();
  const second = edge.close();
  expect(second).toBe(first);
  await Promise.all([first, second]);
  await gone;
  expect(await portFree(port)).toBe(true);
  expect(edge.broker.health().state).toBe('closed');
  await expect(edge.close()).resolves.toBeUndefined();
});
