// The all-in-one platform's broker child: killed by its pid while a real device publishes, it is
// restarted on the same port by the platform; the device reconnects and goes on publishing, device admin
// and presence keep answering across the process boundary, and every reading the broker acknowledged
// reaches commerce.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Readings } from '../../commerce/internals.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { encodeReading } from '../../protocols/index.ts';
import { connectDevice } from '../helpers/edge.ts';
import { call } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { seedStaff, testTokens } from '../helpers/people.ts';

const MONITORING_TOKEN = 'broker-process-monitoring-token-0123';
let node: LiveNode;
beforeAll(async () => {
  node = await startLiveNode({ METRICS_TOKEN: MONITORING_TOKEN });
});
afterAll(() => node.close());

it('restarts a killed broker child; the device reconnects and no acknowledged reading is lost', async () => {
  const { platform, url } = node;
  expect(platform.broker.pid).not.toBe(process.pid);
  const staff = await seedStaff(platform.store, testTokens());
  const registered = await call<{ secret: string }>(url, 'POST', '/api/devices', {
    token: staff.token,
    body: { id: 'scale-1', kind: 'scale', location: 'hall' },
  });
  expect(registered.status).toBe(201);
  const device = await connectDevice(platform.ports.mqtt.port, 'scale-1', registered.body.secret, {
    reconnectPeriod: 100,
  });
  const acked = new Set<number>();
  const reading = (seq: number) =>
    Buffer.from(
      encodeReading({
        deviceId: 'scale-1',
        bootId: 1,
        seq,
        metric: 6,
        value: 120,
        measuredAtMs: Date.now(),
      }),
    );
  /** Publishes until the broker acknowledges it (a publish cut by the broker's death is sent again). */
  const publish = async (seq: number) => {
    for (;;) {
      try {
        await device.publishAsync('devices/scale-1/readings', reading(seq), { qos: 1 });
        acked.add(seq);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  for (let seq = 1; seq <= 20; seq++) await publish(seq);
  const listed = await call<Array<{ id: string; online: boolean }>>(url, 'GET', '/api/devices', {
    token: staff.token,
  });
  expect(listed.body).toMatchObject([{ id: 'scale-1', online: true }]);

  const firstPid = platform.broker.pid!;
  // Killed while readings are still arriving: some are acknowledged and not yet forwarded.
  const during = (async () => {
    for (let seq = 21; seq <= 60; seq++) await publish(seq);
  })();
  await waitFor(() => acked.size >= 25, { what: 'readings after the kill started' });
  process.kill(firstPid, 'SIGKILL');
  await during;
  expect(platform.broker.pid).not.toBe(firstPid);

  const health = await call<{ subsystems: { broker: { state: string; restarts: number; port: number } } }>(
    url,
    'GET',
    '/healthz',
    { token: MONITORING_TOKEN },
  );
  expect(health.body.subsystems.broker).toMatchObject({
    state: 'ok',
    restarts: 1,
    port: platform.ports.mqtt.port,
  });
  const readings = new Readings(platform.store);
  await waitFor(() => acked.size === 60, { what: 'every reading acknowledged' });
  await waitFor(async () => (await readings.count()).total >= 60, {
    timeoutMs: 30_000,
    what: 'every reading in the store',
  });
  expect((await readings.count()).total).toBe(60);
  const after = await call<Array<{ id: string; online: boolean }>>(url, 'GET', '/api/devices', {
    token: staff.token,
  });
  expect(after.body).toMatchObject([{ id: 'scale-1', online: true }]);
  await device.endAsync();
});
