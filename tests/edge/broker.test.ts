// The embedded aedes broker speaks MQTT 3.1.1 over TCP to a real MQTT.js client and closes idempotently,
// disconnecting clients and releasing its port.
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { EdgeBroker } from '../../edge/index.ts';
import { tcpPortFree } from '../../loadtest/clients/ports.ts';
import { testLogger } from '../helpers/logger.ts';

describe('EdgeBroker', () => {
  let broker: EdgeBroker | undefined;
  afterEach(async () => broker?.close());

  it('routes a QoS 1 publish between two MQTT.js clients', async () => {
    broker = new EdgeBroker({ host: '127.0.0.1', port: 0, logger: testLogger });
    await broker.start();
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const sub = await mqtt.connectAsync(url, { protocolVersion: 4, clientId: 'sub' });
    const pub = await mqtt.connectAsync(url, { protocolVersion: 4, clientId: 'pub' });
    await sub.subscribeAsync('t/1', { qos: 1 });
    const got = new Promise<Buffer>((resolve) => sub.on('message', (_t, payload) => resolve(payload)));
    await pub.publishAsync('t/1', Buffer.from([1, 2, 3]), { qos: 1 });
    expect([...(await got)]).toEqual([1, 2, 3]);
    expect(broker.health()).toMatchObject({ state: 'ok', clients: 2 });
    await Promise.all([sub.endAsync(), pub.endAsync()]);
  });

  it('close() is idempotent, drops connected clients and frees the port', async () => {
    broker = new EdgeBroker({ host: '127.0.0.1', port: 0, logger: testLogger });
    await broker.start();
    const port = broker.port;
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await Promise.all([broker.close(), broker.close()]);
    await closed;
    expect(broker.health().state).toBe('closed');
    expect(await tcpPortFree(port)).toBe(true);
    client.end(true);
  });
});
