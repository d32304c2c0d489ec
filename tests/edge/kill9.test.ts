// Durable before ack: the standalone edge runs in a child process, a device streams 5,000 QoS 1
// readings, the child is SIGKILLed mid-stream and restarted on the same data dir; the device reconnects
// and resends what was not acknowledged. Downstream is the real core: the HTTP app's ingest route (edge
// token) into commerce's readings table on SQLite, which must hold every acknowledged reading exactly
// once, compared by identity (device, boot, seq) and fields.

import { type ChildProcess, spawn } from 'node:child_process';
import readline from 'node:readline';
import type mqtt from 'mqtt';
import { afterEach, expect, it } from 'vitest';
import { EdgeTokens } from '../../commerce/internals.ts';
import { openEdgeDb } from '../../edge/db.ts';
import { DeviceRegistry } from '../../edge/devices.ts';
import { freePort } from '../../loadtest/clients/ports.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { encodeReading } from '../../protocols/index.ts';
import { connectDevice, tempDir } from '../helpers/edge.ts';
import { openTestStore, startTestApi } from '../helpers/people.ts';

const TOTAL = 5000;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

async function startEdge(
  dataDir: string,
  port: number,
  coreUrl: string,
  token: string,
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'edge/main.ts',
      '--core-url',
      coreUrl,
      '--token',
      token,
      '--data-dir',
      dataDir,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  const lines = readline.createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`edge exited ${code}`)));
    lines.on('line', (l) => {
      if (l.includes('"ready":true')) resolve();
    });
  });
  return child;
}

it('keeps every acknowledged reading across a SIGKILL, exactly once in the core readings table', async () => {
  const coreStore = await openTestStore('sqlite');
  const core = await startTestApi(coreStore.store);
  const { token } = await new EdgeTokens(coreStore.store).issue('venue', 'admin-1');
  const stored = () =>
    coreStore.store.db
      .selectFrom('readings')
      .select(['device_id', 'boot_id', 'seq', 'metric', 'value', 'person_id'])
      .orderBy('seq')
      .execute();
  const dataDir = tempDir('edge-kill9-');
  const db = openEdgeDb(dataDir);
  const secret = new DeviceRegistry(db).register('glu-1', 'glucose', 'clinic')!;
  db.close();
  const port = await freePort();
  const payload = (seq: number) =>
    Buffer.from(
      encodeReading({ deviceId: 'glu-1', bootId: 7, seq, metric: 9, value: 5.5, measuredAtMs: Date.now() }),
    );

  const acked = new Set<number>();
  let child = await startEdge(dataDir, port, core.url, token);
  let device: mqtt.MqttClient = await connectDevice(port, 'glu-1', secret);
  device.on('error', () => {});
  let killed = false;
  // Stream with a window of in-flight messages; SIGKILL once 2,000 are acknowledged.
  await new Promise<void>((resolve) => {
    let next = 1;
    let inflight = 0;
    const pump = () => {
      while (!killed && inflight < 200 && next <= TOTAL) {
        const seq = next++;
        inflight++;
        device.publish('devices/glu-1/readings', payload(seq), { qos: 1 }, (err) => {
          inflight--;
          if (!err) acked.add(seq);
          if (!killed && acked.size >= 2000) {
            killed = true;
            child.kill('SIGKILL');
            resolve();
          }
          pump();
        });
      }
    };
    pump();
  });
  const ackedBeforeKill = new Set(acked);
  device.end(true);
  await new Promise((r) => child.once('exit', r));
  expect(ackedBeforeKill.size).toBeGreaterThanOrEqual(2000);
  expect(ackedBeforeKill.size).toBeLessThan(TOTAL);

  child = await startEdge(dataDir, port, core.url, token);
  device = await connectDevice(port, 'glu-1', secret);
  // Resend everything not acknowledged (some of these did reach the journal before the kill).
  const pending = [];
  for (let seq = 1; seq <= TOTAL; seq++)
    if (!acked.has(seq))
      pending.push(
        device.publishAsync('devices/glu-1/readings', payload(seq), { qos: 1 }).then(() => acked.add(seq)),
      );
  await Promise.all(pending);
  expect(acked.size).toBe(TOTAL);
  // Drained when the core holds TOTAL rows (no more can arrive: identities are unique there).
  await waitFor(async () => (await stored()).length >= TOTAL, {
    timeoutMs: 60_000,
    what: 'every reading at the core',
  });
  const rows = await stored();
  const key = (r: { device_id: string; boot_id: number; seq: number }) =>
    `${r.device_id}/${r.boot_id}/${r.seq}`;
  expect(rows.map(key)).toEqual(Array.from({ length: TOTAL }, (_, i) => `glu-1/7/${i + 1}`));
  const keys = new Set(rows.map(key));
  for (const seq of ackedBeforeKill) expect(keys.has(`glu-1/7/${seq}`)).toBe(true);
  expect(rows.every((r) => r.metric === 'GLUCOSE_MMOL_L' && r.value === 5.5 && r.person_id === null)).toBe(
    true,
  );
  await device.endAsync();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await core.close();
  await coreStore.cleanup();
}, 60_000);
