// Attack: unauthenticated MQTT clients declare a 256 MiB CONNECT and stream into it, to make the broker
// buffer it all. Against the built platform process: 20 raw TCP clients each stream at most 16 MiB within
// 30 s. Every one is closed at the packet's fixed header (before it sent its 16 MiB), the HTTP process
// and the broker process each grow by less than 64 MiB, /healthz keeps answering and a real device keeps
// getting its PUBACKs throughout.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DeviceRegistry, openEdgeDb } from '../../edge/index.ts';
import { freePort } from '../../loadtest/clients/ports.ts';
import { encodeReading } from '../../protocols/index.ts';
import { connectDevice } from '../helpers/edge.ts';
import {
  type PlatformProcess,
  pollHealth,
  startMain,
  TEST_METRICS_TOKEN,
} from '../helpers/platform-process.ts';

const CLIENTS = 20;
const STREAM_BYTES = 16 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);
const ATTACK_MS = 30_000;
const MiB = 1024 * 1024;

/** Resident set size of a process, in bytes. */
function rss(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)![1]) * 1024;
}

/** A CONNECT fixed header declaring a remaining length of 256 MiB - 1 (the protocol's largest). */
const HUGE_CONNECT = Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]);

/** Streams into the declared packet until the server closes the connection, 16 MiB are sent or time is up. */
async function attack(port: number, deadline: number): Promise<{ sent: number; closed: boolean }> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  let closed = false;
  const onClose = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closed = true;
      resolve();
    }),
  );
  await Promise.race([new Promise((r) => socket.once('connect', r)), onClose]);
  let sent = 0;
  if (!closed) socket.write(HUGE_CONNECT);
  while (!closed && sent < STREAM_BYTES && Date.now() < deadline) {
    sent += CHUNK.length;
    if (!socket.write(CHUNK))
      await Promise.race([new Promise((r) => socket.once('drain', r)), onClose, sleep(1000)]);
  }
  // Whatever is still in flight: give the server a moment to close it, then stop either way.
  await Promise.race([onClose, sleep(2000)]);
  socket.destroy();
  return { sent, closed };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dataDir: string;
let main: PlatformProcess | undefined;
let httpPort: number;
let mqttPort: number;
let secret: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-mqtt-memory-'));
  const db = openEdgeDb(dataDir);
  secret = new DeviceRegistry(db).register('scale-1', 'scale', 'hall')!;
  db.close();
  httpPort = await freePort();
  mqttPort = await freePort();
  main = startMain({
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(httpPort),
    MQTT_HOST: '127.0.0.1',
    MQTT_PORT: String(mqttPort),
    MEDIA_WORKERS: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  });
  await pollHealth(httpPort, 60_000);
});

afterAll(async () => {
  if (main && main.child.exitCode === null) {
    main.child.kill('SIGTERM');
    const timer = setTimeout(() => main?.child.kill('SIGKILL'), 15_000);
    await main.exited();
    clearTimeout(timer);
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('closes 20 clients streaming into a 256 MiB CONNECT; memory, /healthz and a device hold', async () => {
  const httpPid = main!.child.pid!;
  const health = await pollHealth(httpPort, 10_000);
  const broker = health.body.subsystems.broker as { pid?: number };
  const brokerPid = broker.pid ?? httpPid;

  const device = await connectDevice(mqttPort, 'scale-1', secret, { keepalive: 10 });
  let seq = 0;
  const reading = () =>
    Buffer.from(
      encodeReading({
        deviceId: 'scale-1',
        bootId: 1,
        seq: ++seq,
        metric: 6,
        value: 120,
        measuredAtMs: Date.now(),
      }),
    );
  for (let i = 0; i < 20; i++) await device.publishAsync('devices/scale-1/readings', reading(), { qos: 1 });
  await sleep(1500); // a new second for the per-address connect budget
  const base = { http: rss(httpPid), broker: rss(brokerPid) };
  const peak = { ...base };

  let attacking = true;
  const sampler = (async () => {
    while (attacking) {
      peak.http = Math.max(peak.http, rss(httpPid));
      if (brokerPid !== httpPid) peak.broker = Math.max(peak.broker, rss(brokerPid));
      else peak.broker = peak.http;
      await sleep(50);
    }
  })();
  const healthStatuses: number[] = [];
  const poller = (async () => {
    while (attacking) {
      const res = await fetch(`http://127.0.0.1:${httpPort}/healthz`, {
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      healthStatuses.push(res.status);
      await sleep(200);
    }
  })();
  let acks = 0;
  let publishFailures = 0;
  const publisher = (async () => {
    while (attacking) {
      try {
        await device.publishAsync('devices/scale-1/readings', reading(), { qos: 1 });
        acks++;
      } catch {
        publishFailures++;
      }
      await sleep(100);
    }
  })();

  const deadline = Date.now() + ATTACK_MS;
  const results = await Promise.all(Array.from({ length: CLIENTS }, () => attack(mqttPort, deadline)));
  // One more device round trip after the last attacker is gone.
  await device.publishAsync('devices/scale-1/readings', reading(), { qos: 1 });
  attacking = false;
  await Promise.all([sampler, poller, publisher]);
  await device.endAsync();

  const growth = { http: (peak.http - base.http) / MiB, broker: (peak.broker - base.broker) / MiB };
  const after = await pollHealth(httpPort, 10_000);
  const refused = (after.body.subsystems.broker as { refused?: Record<string, number> }).refused ?? {};
  console.info(
    JSON.stringify({
      rssGrowthMiB: { http: +growth.http.toFixed(1), broker: +growth.broker.toFixed(1) },
      sentMiB: results.map((r) => +(r.sent / MiB).toFixed(1)),
      closedByServer: results.filter((r) => r.closed).length,
      refused,
      deviceAcksDuringAttack: acks,
      healthz: healthStatuses.length,
    }),
  );

  for (const r of results) {
    expect(r.closed).toBe(true);
    expect(r.sent).toBeLessThan(STREAM_BYTES);
  }
  // Each was refused at its fixed header (or before, by the per-address connect budget).
  expect((refused.MQTT_PACKET_TOO_LARGE ?? 0) + (refused.MQTT_CONNECT_RATE_LIMITED ?? 0)).toBe(CLIENTS);
  const metrics = await (
    await fetch(`http://127.0.0.1:${httpPort}/metrics`, {
      headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` },
    })
  ).text();
  const counted = /^vitalive_mqtt_refused_connections\{code="MQTT_PACKET_TOO_LARGE"\} (\d+)$/m.exec(metrics);
  expect(Number(counted?.[1] ?? 0)).toBe(refused.MQTT_PACKET_TOO_LARGE);
  expect(growth.http).toBeLessThan(64);
  expect(growth.broker).toBeLessThan(64);
  expect(healthStatuses.length).toBeGreaterThan(0);
  expect(healthStatuses.every((s) => s === 200)).toBe(true);
  expect(acks).toBeGreaterThan(0);
  expect(publishFailures).toBe(0);
});
