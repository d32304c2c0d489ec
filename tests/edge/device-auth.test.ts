// Device auth and ACL on the real edge (aedes over TCP, MQTT.js): secrets, disabled devices, rotation
// kicks the live connection, and every ACL violation closes the connection and is counted.
import type mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Edge } from '../../edge/index.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { CollectingSink, connectDevice, tempDir } from '../helpers/edge.ts';
import { testLogger } from '../helpers/logger.ts';

const closed = (c: mqtt.MqttClient) => new Promise<void>((resolve) => c.once('close', () => resolve()));

describe('edge device auth and ACL', () => {
  let edge: Edge;
  let secret: string;
  beforeEach(async () => {
    edge = new Edge({
      host: '127.0.0.1',
      port: 0,
      dataDir: tempDir(),
      logger: testLogger,
      sink: new CollectingSink(),
    });
    await edge.start();
    secret = edge.registerDevice('scale-1', 'scale', 'clinic A')!;
    edge.registerDevice('scale-2', 'scale', 'clinic A');
  });
  afterEach(() => edge.close());

  it('shows a 256-bit secret once and refuses a second registration of the id', () => {
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(edge.registerDevice('scale-1', 'scale', 'x')).toBeUndefined();
  });

  it('accepts the right secret and refuses wrong secret, unknown device, client id mismatch', async () => {
    const ok = await connectDevice(edge.port, 'scale-1', secret);
    expect(ok.connected).toBe(true);
    await ok.endAsync();
    await expect(connectDevice(edge.port, 'scale-1', `${secret}x`)).rejects.toThrow(/Bad username/i);
    await expect(connectDevice(edge.port, 'nope', secret)).rejects.toThrow(/Bad username/i);
    await expect(connectDevice(edge.port, 'scale-1', secret, { clientId: 'other' })).rejects.toThrow(
      /Bad username/i,
    );
  });

  it('disabling kicks the live connection and refuses the next connect', async () => {
    const c = await connectDevice(edge.port, 'scale-1', secret);
    const gone = closed(c);
    expect(edge.setDisabled('scale-1', true)).toBe(true);
    await gone;
    await expect(connectDevice(edge.port, 'scale-1', secret)).rejects.toThrow(/Not authorized/i);
    edge.setDisabled('scale-1', false);
    await (await connectDevice(edge.port, 'scale-1', secret)).endAsync();
  });

  it('rotating the secret kicks the live connection; only the new secret works', async () => {
    const c = await connectDevice(edge.port, 'scale-1', secret);
    const gone = closed(c);
    const fresh = edge.rotateSecret('scale-1')!;
    await gone;
    expect(fresh).not.toBe(secret);
    await expect(connectDevice(edge.port, 'scale-1', secret)).rejects.toThrow(/Bad username/i);
    await (await connectDevice(edge.port, 'scale-1', fresh)).endAsync();
    expect(edge.rotateSecret('unknown')).toBeUndefined();
  });

  for (const [name, act] of [
    [
      'publish to another device readings',
      (c: mqtt.MqttClient) => c.publish('devices/scale-2/readings', 'x', { qos: 1 }),
    ],
    [
      'publish to another device status',
      (c: mqtt.MqttClient) => c.publish('devices/scale-2/status', 'x', { qos: 1 }),
    ],
    [
      'publish to its own commands',
      (c: mqtt.MqttClient) => c.publish('devices/scale-1/commands', 'x', { qos: 1 }),
    ],
    ['publish to a foreign topic', (c: mqtt.MqttClient) => c.publish('other/topic', 'x', { qos: 0 })],
    ['subscribe to another device commands', (c: mqtt.MqttClient) => c.subscribe('devices/scale-2/commands')],
    ['subscribe to a wildcard', (c: mqtt.MqttClient) => c.subscribe('devices/#')],
    ['subscribe to its own readings', (c: mqtt.MqttClient) => c.subscribe('devices/scale-1/readings')],
  ] as const) {
    it(`ACL: ${name} closes the connection and is counted`, async () => {
      const c = await connectDevice(edge.port, 'scale-1', secret);
      c.on('error', () => {});
      const gone = closed(c);
      const before = edge.health().aclViolations;
      act(c);
      await gone;
      expect(edge.health().aclViolations).toBe(before + 1);
      expect(edge.getDevice('scale-1')!.aclViolations).toBe(1);
      c.end(true);
    });
  }

  it('allows its own status (retained) and commands subscription, and delivers a command', async () => {
    const c = await connectDevice(edge.port, 'scale-1', secret, {
      will: { topic: 'devices/scale-1/status', payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    await c.publishAsync('devices/scale-1/status', 'online', { qos: 1, retain: true });
    await c.subscribeAsync('devices/scale-1/commands', { qos: 1 });
    const got = new Promise<string>((resolve) => c.on('message', (_t, p) => resolve(p.toString())));
    await edge.sendCommand('scale-1', 'sync-time');
    expect(JSON.parse(await got)).toMatchObject({ command: 'sync-time', nowMs: expect.any(Number) });
    expect(edge.getDevice('scale-1')).toMatchObject({ online: true, aclViolations: 0 });
    expect((await edge.summary()).online).toBe(1);
    await c.endAsync();
    await waitFor(() => !edge.getDevice('scale-1')!.online, { what: 'offline' });
  });
});
