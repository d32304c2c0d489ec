// Store-and-forward through an outage of the core (standalone edge, HTTP sink): readings accumulate in
// the journal while the core answers 503, then drain exactly once in per-device order into the real
// core (HTTP app, ingest route, commerce readings on SQLite, behind a switchable proxy); depth returns
// to 0. Also: a reading published by mosquitto_pub (a client we did not write) arrives downstream.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import { EdgeTokens } from '../../commerce/internals.ts';
import { HttpReadingSink } from '../../edge/http-sink.ts';
import { Edge } from '../../edge/index.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { encodeReading } from '../../protocols/index.ts';
import { connectDevice, tempDir } from '../helpers/edge.ts';
import { testLogger } from '../helpers/logger.ts';
import { openTestStore, startTestApi } from '../helpers/people.ts';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** The real core behind a proxy that answers 503 while `down`. */
async function startRealCore() {
  const t = await openTestStore('sqlite');
  const api = await startTestApi(t.store);
  const { token } = await new EdgeTokens(t.store).issue('venue', 'admin-1');
  let down = false;
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (down) return void res.writeHead(503).end();
      const r = await fetch(`${api.url}${req.url}`, {
        method: req.method,
        headers: {
          'content-type': req.headers['content-type'] ?? '',
          authorization: req.headers.authorization ?? '',
        },
        body: Buffer.concat(chunks),
      });
      res.writeHead(r.status).end(Buffer.from(await r.arrayBuffer()));
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(proxy.address() as { port: number }).port}`,
    token,
    store: t.store,
    setDown(v: boolean) {
      down = v;
    },
    async close() {
      await new Promise<void>((r) => proxy.close(() => r()));
      await api.close();
      await t.cleanup();
    },
  };
}

/** A standalone edge forwarding to the real core; the default forwarder batch (1,000) is larger than
 * one request body may be, so the sink splits it. */
async function standaloneEdge() {
  const core = await startRealCore();
  const edge = new Edge({
    host: '127.0.0.1',
    port: 0,
    dataDir: tempDir(),
    logger: testLogger,
    sink: new HttpReadingSink(core.url, core.token),
    forwarder: { backoffBaseMs: 20, backoffMaxMs: 200 },
  });
  await edge.start();
  cleanup.push(
    () => edge.close(),
    () => core.close(),
  );
  return { core, edge };
}

it('drains every reading exactly once, per-device order kept, after the core comes back', async () => {
  const { core, edge } = await standaloneEdge();
  const stored = () =>
    core.store.db.selectFrom('readings').select(['device_id', 'boot_id', 'seq']).orderBy('id').execute();
  core.setDown(true);
  const devices = ['s-1', 's-2', 's-3'];
  const clients = await Promise.all(
    devices.map((id) => connectDevice(edge.port, id, edge.registerDevice(id, 'scale', 'hall')!)),
  );
  const perDevice = 300;
  await Promise.all(
    clients.map(async (c, i) => {
      for (let seq = 1; seq <= perDevice; seq++)
        await c.publishAsync(
          `devices/${devices[i]}/readings`,
          Buffer.from(
            encodeReading({
              deviceId: devices[i]!,
              bootId: 1,
              seq,
              metric: 1,
              value: 60 + (seq % 30),
              measuredAtMs: Date.now(),
            }),
          ),
          { qos: 1 },
        );
    }),
  );
  expect(edge.health().journalDepth).toBe(devices.length * perDevice);
  await waitFor(() => edge.health().forwardFailures >= 3, { what: 'retries while down' });
  expect(await stored()).toEqual([]);
  expect(edge.health().oldestUnforwardedAgeMs).toBeGreaterThan(0);
  core.setDown(false);
  await waitFor(() => edge.health().journalDepth === 0, { what: 'journal drained' });
  const rows = await stored();
  expect(rows).toHaveLength(devices.length * perDevice);
  for (const id of devices)
    expect(rows.filter((r) => r.device_id === id).map((r) => `${r.boot_id}/${r.seq}`)).toEqual(
      Array.from({ length: perDevice }, (_, i) => `1/${i + 1}`),
    );
  expect(edge.health().oldestUnforwardedAgeMs).toBe(0);
  await Promise.all(clients.map((c) => c.endAsync()));
});

it('accepts a protobuf reading published by mosquitto_pub', async () => {
  const { core, edge } = await standaloneEdge();
  const secret = edge.registerDevice('bp-9', 'bp', 'clinic')!;
  const file = path.join(tempDir('pub-'), 'reading.bin');
  fs.writeFileSync(
    file,
    encodeReading({
      deviceId: 'bp-9',
      bootId: 2,
      seq: 41,
      metric: 8,
      value: 72,
      measuredAtMs: Date.now(),
      memberCode: 'QR-1',
    }),
  );
  await promisify(execFile)('mosquitto_pub', [
    '-h',
    '127.0.0.1',
    '-p',
    String(edge.port),
    '-V',
    'mqttv311',
    '-i',
    'bp-9',
    '-u',
    'bp-9',
    '-P',
    secret,
    '-q',
    '1',
    '-t',
    'devices/bp-9/readings',
    '-f',
    file,
  ]);
  await waitFor(() => edge.health().forwarded === 1, { what: 'reading downstream' });
  expect(
    await core.store.db
      .selectFrom('readings')
      .select(['device_id', 'boot_id', 'seq', 'metric', 'value', 'member_code'])
      .execute(),
  ).toEqual([
    { device_id: 'bp-9', boot_id: 2, seq: 41, metric: 'PULSE_BPM', value: 72, member_code: 'QR-1' },
  ]);
  // an unknown client is refused
  await expect(
    promisify(execFile)('mosquitto_pub', [
      '-h',
      '127.0.0.1',
      '-p',
      String(edge.port),
      '-i',
      'x',
      '-u',
      'x',
      '-P',
      'y',
      '-t',
      'devices/x/readings',
      '-m',
      'z',
    ]),
  ).rejects.toThrow();
});
