// A device flooding garbage cannot stall the node or fill its disk. One authenticated device publishes
// 3,000 undecodable readings (QoS 1, each acknowledged) while HTTP requests are made and another device
// sends good readings. The quarantine stores at most the per-device cap per minute; the excess is only
// counted (vitalive_edge_quarantine_dropped on /metrics); every HTTP request completes and the good
// readings reach the core. Before: each garbage reading was one synchronous SQLite insert with a disk
// sync on the event loop, all 3,000 stored, and no count of anything dropped.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { encodeReading } from '../../protocols/index.ts';
import { connectDevice } from '../helpers/edge.ts';
import { call } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { seedAdmin, testTokens } from '../helpers/people.ts';
import { TEST_METRICS_TOKEN } from '../helpers/platform-process.ts';

const CAP = 50;
const FLOOD = 3000;
const GOOD = 50;

let node: LiveNode;
let admin: string;
beforeAll(async () => {
  node = await startLiveNode({ QUARANTINE_MAX_PER_DEVICE_PER_MIN: String(CAP) });
  admin = (await seedAdmin(node.platform.store, testTokens())).token;
});
afterAll(() => node.close());

/** Quarantined entries of a device on disk, wherever the edge keeps them. */
function storedQuarantine(deviceId: string): number {
  let count = 0;
  const dir = path.join(node.dataDir, 'quarantine');
  if (fs.existsSync(dir))
    for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl')))
      for (const line of fs.readFileSync(path.join(dir, name), 'utf8').split('\n').filter(Boolean))
        if ((JSON.parse(line) as { d: string }).d === deviceId) count++;
  // The earlier layout: a table in the edge's SQLite file.
  const db = new Database(path.join(node.dataDir, 'edge.db'), { readonly: true, fileMustExist: true });
  try {
    const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'quarantine'").get();
    if (has)
      count += (
        db.prepare('SELECT count(*) AS n FROM quarantine WHERE device_id = ?').get(deviceId) as { n: number }
      ).n;
  } finally {
    db.close();
  }
  return count;
}

async function metric(name: string): Promise<number | undefined> {
  const res = await fetch(`${node.url}/metrics`, {
    headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` },
  });
  const text = await res.text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

it('caps what one flooding device stores, counts the excess, and keeps HTTP and good readings going', async () => {
  const secrets: Record<string, string> = {};
  for (const id of ['flood-1', 'good-1']) {
    const r = await call<{ secret: string }>(node.url, 'POST', '/api/devices', {
      token: admin,
      body: { id, kind: 'scale', location: 'hall' },
    });
    expect(r.status).toBe(201);
    secrets[id] = r.body.secret;
  }
  const port = node.platform.ports.mqtt.port;
  const flooder = await connectDevice(port, 'flood-1', secrets['flood-1']!);
  const device = await connectDevice(port, 'good-1', secrets['good-1']!);

  const startMinute = Math.floor(Date.now() / 60_000);
  let flooding = true;
  const flood = (async () => {
    const garbage = Buffer.from([0xff, 0xff, 0xff, 0xff]);
    for (let i = 0; i < FLOOD; i += 100)
      await Promise.all(
        Array.from({ length: 100 }, () =>
          flooder.publishAsync('devices/flood-1/readings', garbage, { qos: 1 }),
        ),
      );
    flooding = false;
  })();
  // While the flood goes on: HTTP requests complete, and a good device's readings are acknowledged.
  let answered = 0;
  const http = (async () => {
    while (flooding) {
      const r = await call(node.url, 'GET', '/api/readings/unlinked?limit=1', { token: admin });
      expect(r.status).toBe(200);
      answered++;
    }
  })();
  for (let seq = 1; seq <= GOOD; seq++)
    await device.publishAsync(
      'devices/good-1/readings',
      Buffer.from(
        encodeReading({ deviceId: 'good-1', bootId: 1, seq, metric: 1, value: 80, measuredAtMs: Date.now() }),
      ),
      { qos: 1 },
    );
  await Promise.all([flood, http]);
  const minutes = Math.floor(Date.now() / 60_000) - startMinute + 1;
  expect(answered).toBeGreaterThan(0);

  // Good readings reach the core.
  let arrived = 0;
  await waitFor(
    async () => {
      const r = await call<{ deviceId: string }[]>(node.url, 'GET', '/api/readings/unlinked?limit=1000', {
        token: admin,
      });
      arrived = r.body.filter((x) => x.deviceId === 'good-1').length;
      return arrived >= GOOD;
    },
    { what: 'the good readings at the core', stepMs: 100 },
  );
  expect(arrived).toBe(GOOD);

  // At most the cap per minute is stored; the rest is counted on /metrics.
  const dropped = await metric('vitalive_edge_quarantine_dropped');
  expect(dropped, 'vitalive_edge_quarantine_dropped on /metrics').toBeDefined();
  // The last group's write may still be on its way to disk.
  await waitFor(() => storedQuarantine('flood-1') + dropped! >= FLOOD, {
    timeoutMs: 5_000,
    what: 'every flooded reading stored or counted as dropped',
    stepMs: 100,
  });
  const stored = storedQuarantine('flood-1');
  expect(stored).toBeGreaterThan(0);
  expect(stored).toBeLessThanOrEqual(CAP * minutes);
  expect(stored + dropped!).toBe(FLOOD);
  expect(await metric('vitalive_edge_quarantined')).toBe(FLOOD);
  await Promise.all([flooder.endAsync(), device.endAsync()]);
});
