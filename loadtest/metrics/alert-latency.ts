// The alert path's latency, end to end through a whole platform node: a reading over an alert rule's
// threshold, published over MQTT by a real device client, until the `staff:alert` frame reaches the
// socket of the expert the person booked (edge → journal → readings → outbox → alerts consumer →
// /staff fan-out). One reading at a time (each a new seq, so each is a new alert), on SQLite or
// PostgreSQL; p50/p99 in ms and the node's CPU time per alert.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { io } from 'socket.io-client';
import { loadConfig, startPlatform, TokenService } from '../../gateway/index.ts';
import { encodeReading } from '../../protocols/index.ts';
import { createPgDatabase } from '../services.ts';

const SECRET = 'alert-latency-bench-secret-0123456789abcdef';
const SYSTOLIC = 6;

function pct(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 100) / 100;
}

export async function alertLatency(kind: string, readings: number) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-bench-alerts-'));
  const pg = kind === 'postgres' ? await createPgDatabase() : undefined;
  const config = loadConfig({
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    MQTT_HOST: '127.0.0.1',
    MQTT_PORT: '0',
    MEDIA_WORKERS: '0',
    DATA_DIR: dataDir,
    AUTH_SECRET: SECRET,
    LOG_LEVEL: 'silent',
    ...(pg ? { DATABASE_URL: pg.url } : {}),
  });
  const platform = await startPlatform(config, pino({ level: 'silent' }));
  const url = `http://127.0.0.1:${platform.ports.http.port}`;
  const tokens = new TokenService({ secret: new TextEncoder().encode(SECRET), accessTtlSec: 3600 });
  const api = async (method: string, p: string, token: string, body?: unknown) => {
    const res = await fetch(`${url}${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const { fixtures } = platform.commerce;
  const [staffId] = await fixtures.seedPeople(1, { roles: ['member', 'staff'] });
  const [expertId] = await fixtures.seedPeople(1, { roles: ['member', 'expert'] });
  const [memberId] = await fixtures.seedPeople(1);
  const staff = await tokens.mintAccess(staffId!, ['member', 'staff']);
  const expert = await tokens.mintAccess(expertId!, ['member', 'expert']);
  const member = await tokens.mintAccess(memberId!, ['member']);
  const sockets: Array<{ close(): void }> = [];
  let device: mqtt.MqttClient | undefined;
  try {
    await api('PATCH', '/api/me', member, { consents: { healthData: true } });
    const { memberCode } = (await api('GET', '/api/me', member)) as { memberCode: string };
    await api('PUT', `/api/experts/${expertId}`, expert, {
      name: 'Dr Bench',
      specialities: ['blood-pressure'],
      languages: ['en'],
      clinicId: null,
      slotMinutes: 30,
      utcOffsetMin: 0,
      weeklyHours: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({
        weekday,
        fromMin: 0,
        toMin: 1440,
        clinicId: null,
      })),
      daysOff: [],
    });
    const from = Date.now() + 24 * 3_600_000;
    const { slots } = (await api(
      'GET',
      `/api/experts/${expertId}/slots?from=${from}&to=${from + 86_400_000}`,
      member,
    )) as {
      slots: Array<{ startsAtMs: number; free: boolean }>;
    };
    await api('POST', '/api/consultations', member, {
      expertId,
      startsAtMs: slots.find((s) => s.free)!.startsAtMs,
    });
    await api('POST', '/api/alert-rules', staff, {
      metric: 'SYSTOLIC_MMHG',
      comparison: 'gte',
      threshold: 180,
      severity: 'urgent',
      notify: ['expert'],
      message: 'Very high blood pressure',
    });
    const { secret } = (await api('POST', '/api/devices', staff, {
      id: 'bp-bench',
      kind: 'bp',
      location: 'Bench',
    })) as {
      secret: string;
    };
    const socket = io(`${url}/staff`, { transports: ['websocket'], auth: { token: expert } });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    let arrived: (() => void) | undefined;
    socket.on('staff:alert', () => arrived?.());
    device = await mqtt.connectAsync(`mqtt://127.0.0.1:${platform.ports.mqtt.port}`, {
      protocolVersion: 4,
      clientId: 'bp-bench',
      username: 'bp-bench',
      password: secret,
      reconnectPeriod: 0,
    });
    const warmUp = Math.min(10, readings);
    const samples: number[] = [];
    const cpu0 = process.cpuUsage();
    for (let seq = 1; seq <= readings + warmUp; seq++) {
      const frame = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      const payload = Buffer.from(
        encodeReading({
          deviceId: 'bp-bench',
          bootId: 1,
          seq,
          metric: SYSTOLIC,
          value: 190,
          measuredAtMs: Date.now(),
          memberCode,
        }),
      );
      const t = performance.now();
      await device.publishAsync('devices/bp-bench/readings', payload, { qos: 1 });
      await frame;
      if (seq > warmUp) samples.push(performance.now() - t);
    }
    const cpu = process.cpuUsage(cpu0);
    return {
      store: kind,
      readings: samples.length,
      publishToExpertFrameP50Ms: pct(samples, 50),
      publishToExpertFrameP99Ms: pct(samples, 99),
      maxMs: pct(samples, 100),
      // The node's own process (gateway, commerce, consumers); the MQTT broker runs in its child.
      nodeCpuMsPerAlert: Math.round(((cpu.user + cpu.system) / 1000 / (readings + warmUp)) * 100) / 100,
      targetP99Ms: 1000,
      withinTarget: pct(samples, 99) < 1000,
    };
  } finally {
    for (const s of sockets) s.close();
    await device?.endAsync();
    await platform.close();
    await pg?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
