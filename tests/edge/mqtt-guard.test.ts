// The MQTT connection limits on a real edge over TCP: packet caps read from the fixed header before aedes
// buffers anything (also when the header arrives split across reads), a reading between the payload
// limit and the packet cap still acknowledged and quarantined, connect timeout, pending-connection cap,
// per-address connect rate, QoS 2 refused and readings never retained.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Edge } from '../../edge/index.ts';
import { FixedHeaderScanner, type MqttLimits } from '../../edge/mqtt-guard.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { encodeReading } from '../../protocols/index.ts';
import { CollectingSink, connectDevice, tempDir } from '../helpers/edge.ts';
import { testLogger } from '../helpers/logger.ts';

const LIMITS: MqttLimits = {
  maxConnectBytes: 2048,
  maxPacketBytes: 8192,
  connectTimeoutMs: 0,
  maxPendingConnections: 0,
  connectsPerIpPerSec: 0,
};

/** Fixed header of a packet: type/flags byte and the remaining length as MQTT's variable-length integer. */
function header(first: number, length: number): Buffer {
  const bytes = [first];
  let n = length;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    bytes.push(b);
  } while (n > 0);
  return Buffer.from(bytes);
}

/** A raw TCP connection; resolves `closed` with the bytes written before the server closed it. */
function rawClient(port: number) {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const open = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, open, closed };
}

describe('FixedHeaderScanner', () => {
  it('refuses a declared length over the cap, also when the header comes one byte at a time', () => {
    const s = new FixedHeaderScanner(2048, 8192);
    const bytes = header(0x10, 256 * 1024 * 1024 - 1);
    let refusal: string | undefined;
    for (const b of bytes) refusal ??= s.scan(Buffer.from([b]));
    expect(refusal).toBe('MQTT_PACKET_TOO_LARGE');
  });

  it('follows packets across chunk boundaries and applies each type its cap', () => {
    const s = new FixedHeaderScanner(16, 64);
    const connect = Buffer.concat([header(0x10, 16), Buffer.alloc(16)]);
    const publish = Buffer.concat([header(0x32, 64), Buffer.alloc(64)]);
    const stream = Buffer.concat([connect, publish, publish, header(0xc0, 0)]);
    for (let i = 0; i < stream.length; i += 7) expect(s.scan(stream.subarray(i, i + 7))).toBeUndefined();
    expect(s.scan(header(0x32, 65))).toBe('MQTT_PACKET_TOO_LARGE');
    expect(new FixedHeaderScanner(16, 64).scan(header(0x10, 17))).toBe('MQTT_PACKET_TOO_LARGE');
    expect(new FixedHeaderScanner(16, 64).scan(header(0x32, 4))).toBe('MQTT_PROTOCOL_VIOLATION');
    const q2 = new FixedHeaderScanner(16, 64);
    expect(q2.scan(Buffer.concat([connect, header(0x34, 10)]))).toBe('MQTT_QOS_UNSUPPORTED');
  });
});

describe('edge MQTT limits', () => {
  let edge: Edge | undefined;
  afterEach(async () => {
    await edge?.close();
    edge = undefined;
  });

  async function start(limits: Partial<MqttLimits> = {}) {
    const sink = new CollectingSink();
    const e = new Edge({
      host: '127.0.0.1',
      port: 0,
      dataDir: tempDir(),
      logger: testLogger,
      sink,
      mqttLimits: { ...LIMITS, ...limits },
    });
    edge = e;
    await e.start();
    const secret = e.registerDevice('bp-1', 'bp', 'hall')!;
    return { edge: e, sink, secret };
  }

  const reading = (seq: number) =>
    Buffer.from(
      encodeReading({ deviceId: 'bp-1', bootId: 1, seq, metric: 6, value: 120, measuredAtMs: Date.now() }),
    );

  it('closes a CONNECT declaring 256 MiB after at most the cap plus one read', async () => {
    const { edge } = await start();
    const c = rawClient(edge.port);
    await c.open;
    c.socket.write(header(0x10, 256 * 1024 * 1024 - 1));
    // Keep streaming until the server closes the connection: it must not wait for the packet.
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024);
    while (!c.socket.destroyed && sent < 16 * 1024 * 1024) {
      if (!c.socket.write(chunk))
        await Promise.race([c.closed, new Promise((r) => c.socket.once('drain', r))]);
      sent += chunk.length;
    }
    await c.closed;
    expect(edge.health().refused.MQTT_PACKET_TOO_LARGE).toBe(1);
    expect(sent).toBeLessThan(16 * 1024 * 1024);
  });

  it('acknowledges and quarantines a 4 KiB reading; closes on a packet over the cap', async () => {
    const { edge, sink, secret } = await start();
    const c = await connectDevice(edge.port, 'bp-1', secret);
    await c.publishAsync('devices/bp-1/readings', reading(1), { qos: 1 });
    await c.publishAsync('devices/bp-1/readings', Buffer.alloc(4096, 7), { qos: 1 });
    await waitFor(() => edge.health().quarantined === 1, { what: 'the 4 KiB reading quarantined' });
    await waitFor(() => sink.received.length === 1, { what: 'the valid reading forwarded' });
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    c.publish('devices/bp-1/readings', Buffer.alloc(16 * 1024, 7), { qos: 1 });
    await closed;
    expect(edge.health().refused.MQTT_PACKET_TOO_LARGE).toBe(1);
    expect(edge.health().quarantined).toBe(1);
    c.end(true);
  });

  it('closes a connection that sends no CONNECT within the connect timeout', async () => {
    const { edge } = await start({ connectTimeoutMs: 300 });
    const c = rawClient(edge.port);
    await c.open;
    await waitFor(() => edge.health().pending === 1, { what: 'the connection pending' });
    await c.closed;
    await waitFor(() => edge.health().pending === 0, { what: 'pending released' });
    expect(edge.health().refused.MQTT_CONNECT_TIMEOUT).toBe(1);
  });

  it('caps connections awaiting CONNACK; an acknowledged device no longer counts', async () => {
    const { edge, secret } = await start({ maxPendingConnections: 2 });
    const device = await connectDevice(edge.port, 'bp-1', secret);
    const idle = [rawClient(edge.port), rawClient(edge.port)];
    await Promise.all(idle.map((c) => c.open));
    await waitFor(() => edge.health().pending === 2, { what: 'two pending' });
    const third = rawClient(edge.port);
    await third.closed;
    expect(edge.health().refused.MQTT_PENDING_LIMIT).toBe(1);
    await device.publishAsync('devices/bp-1/readings', reading(1), { qos: 1 });
    for (const c of idle) c.socket.destroy();
    await waitFor(() => edge.health().pending === 0, { what: 'pending released' });
    await device.endAsync();
    const again = await connectDevice(edge.port, 'bp-1', secret);
    await again.endAsync();
  });

  it('limits new connections per address per second', async () => {
    const { edge } = await start({ connectsPerIpPerSec: 3 });
    const clients = Array.from({ length: 10 }, () => rawClient(edge.port));
    await waitFor(() => edge.health().pending + edge.health().refused.MQTT_CONNECT_RATE_LIMITED === 10, {
      what: 'all ten seen',
    });
    // Ten connects within at most two one-second windows: at least four are refused.
    expect(edge.health().refused.MQTT_CONNECT_RATE_LIMITED).toBeGreaterThanOrEqual(4);
    for (const c of clients) c.socket.destroy();
  });

  it('refuses a QoS 2 publish before aedes stores it, and never retains a reading', async () => {
    const { edge, sink, secret } = await start();
    const c = await connectDevice(edge.port, 'bp-1', secret);
    await c.publishAsync('devices/bp-1/readings', reading(1), { qos: 1, retain: true });
    await waitFor(() => sink.received.length === 1, { what: 'the retained-flag reading journaled' });
    const retained: unknown[] = [];
    const persistence = (
      edge.broker.aedes as unknown as {
        persistence: { createRetainedStream(p: string): AsyncIterable<unknown> };
      }
    ).persistence;
    for await (const p of persistence.createRetainedStream('#')) retained.push(p);
    expect(retained).toEqual([]);
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    c.publish('devices/bp-1/readings', reading(2), { qos: 2 });
    await closed;
    expect(edge.health().refused.MQTT_QOS_UNSUPPORTED).toBe(1);
    expect(edge.journal.depth + sink.received.length).toBe(1);
    c.end(true);
  });
});
