// The readings path on the real edge: valid readings are journaled and forwarded once (duplicates and
// replays absorbed); every kind of invalid reading is acknowledged, quarantined with its reason and
// counted per device, while the connection and other devices carry on.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Edge } from '../../edge/index.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { encodeReading } from '../../protocols/index.ts';
import { CollectingSink, connectDevice, identity, tempDir } from '../helpers/edge.ts';
import { testLogger } from '../helpers/logger.ts';

describe('edge readings', () => {
  let edge: Edge;
  let sink: CollectingSink;
  const secrets: Record<string, string> = {};
  beforeEach(async () => {
    sink = new CollectingSink();
    edge = new Edge({ host: '127.0.0.1', port: 0, dataDir: tempDir(), logger: testLogger, sink });
    await edge.start();
    for (const id of ['bp-1', 'bp-2']) secrets[id] = edge.registerDevice(id, 'bp', 'event hall')!;
  });
  afterEach(() => edge.close());

  const reading = (seq: number, over: Partial<Parameters<typeof encodeReading>[0]> = {}) =>
    Buffer.from(
      encodeReading({
        deviceId: 'bp-1',
        bootId: 3,
        seq,
        metric: 6,
        value: 120,
        measuredAtMs: Date.now(),
        memberCode: 'M-42',
        ...over,
      }),
    );

  it('journals and forwards valid readings once, in order, with their fields', async () => {
    const c = await connectDevice(edge.port, 'bp-1', secrets['bp-1']!);
    for (let s = 1; s <= 50; s++) await c.publishAsync('devices/bp-1/readings', reading(s), { qos: 1 });
    // replay of already acknowledged readings (as after a reconnect) and a DUP retransmission
    for (let s = 1; s <= 10; s++) await c.publishAsync('devices/bp-1/readings', reading(s), { qos: 1 });
    await c.publishAsync('devices/bp-1/readings', reading(5), { qos: 1, dup: true });
    await waitFor(() => edge.health().journalDepth === 0 && sink.received.length >= 50, {
      what: 'forwarding',
    });
    expect(sink.received.map(identity)).toEqual(Array.from({ length: 50 }, (_, i) => `bp-1/3/${i + 1}`));
    expect(edge.journal.duplicates).toBe(11);
    expect(sink.received[0]).toMatchObject({
      metric: 'SYSTOLIC_MMHG',
      value: 120,
      memberCode: 'M-42',
      eventId: null,
    });
    expect(edge.getDevice('bp-1')!.readingsToday).toBe(61);
    expect((await edge.summary()).readingsPerMinute).toBe(61);
    await c.endAsync();
  });

  it('acknowledges and quarantines each kind of invalid reading; the connection survives', async () => {
    const c = await connectDevice(edge.port, 'bp-1', secrets['bp-1']!);
    const other = await connectDevice(edge.port, 'bp-2', secrets['bp-2']!);
    const bad: [string, Buffer][] = [
      ['decode_failed', Buffer.from([0xff, 0xff, 0xff, 0xff])],
      ['unknown_metric', reading(1, { metric: 99 })],
      ['unknown_metric', reading(1, { metric: 0 })],
      ['out_of_range', reading(2, { value: 301 })],
      ['out_of_range', reading(2, { metric: 9, value: 0.4 })],
      ['future_timestamp', reading(3, { measuredAtMs: Date.now() + 6 * 60_000 })],
      ['too_large', Buffer.concat([reading(4), Buffer.alloc(2000)])],
      ['device_mismatch', reading(5, { deviceId: 'bp-2' })],
    ];
    for (const [, payload] of bad) await c.publishAsync('devices/bp-1/readings', payload, { qos: 1 });
    await other.publishAsync(
      'devices/bp-2/readings',
      reading(1, { deviceId: 'bp-2', measuredAtMs: Date.now() + 60_000 }),
      { qos: 1 },
    );
    expect(c.connected).toBe(true);
    expect((await edge.quarantineOf('bp-1')).map((q) => q.reason).reverse()).toEqual(bad.map(([r]) => r));
    expect(edge.getDevice('bp-1')!.quarantined).toBe(bad.length);
    expect(edge.getDevice('bp-2')!.quarantined).toBe(0);
    await waitFor(() => sink.received.length === 1, { what: 'other device forwarded' });
    expect(sink.received.map(identity)).toEqual(['bp-2/3/1']);
    await Promise.all([c.endAsync(), other.endAsync()]);
  });
});
