// One device's reading must not block forwarding for everyone. A device publishes readings whose fields
// the core (its ingest schema, or PostgreSQL's columns) refuses: a member code longer than its column,
// one with a NUL character, an event id too long, a seq beyond 2^53. Devices of other people then
// publish good readings. The good ones must reach the core; the bad ones are quarantined at the edge
// with their reason and never reach it. Run against the all-in-one platform and against a standalone
// venue edge (edge/main.ts, a child process) forwarding over HTTP to a core, on SQLite and PostgreSQL.
// Before: the edge journaled such readings, and the core refused the batch holding them on every
// retry (400 from the ingest schema, or a PostgreSQL error in-process), so nothing after them arrived
// (on SQLite in-process they were stored as they came).

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openEdgeDb } from '../../edge/db.ts';
import { DeviceRegistry } from '../../edge/devices.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../loadtest/clients/postgres.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { encodeReading } from '../../protocols/index.ts';
import { connectDevice, tempDir } from '../helpers/edge.ts';
import { call } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { seedAdmin, testTokens } from '../helpers/people.ts';

const GOOD_DEVICES = ['scale-a', 'scale-b', 'scale-c'];
const GOOD_PER_DEVICE = 20;

/** Readings the core refuses, with what makes each one bad. */
const poison = (deviceId: string, now: number) =>
  [
    { seq: 1, memberCode: 'X'.repeat(40) },
    { seq: 2, memberCode: 'AB\u0000CD' },
    { seq: 3, eventId: 'e'.repeat(70) },
    { seq: 2 ** 60 },
  ].map((over) =>
    Buffer.from(encodeReading({ deviceId, bootId: 1, metric: 1, value: 80, measuredAtMs: now, ...over })),
  );

const good = (deviceId: string, seq: number) =>
  Buffer.from(
    encodeReading({ deviceId, bootId: 1, seq, metric: 1, value: 70 + seq, measuredAtMs: Date.now() }),
  );

/** The first value `read` gives that is `done`. */
async function eventually<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  let value: T | undefined;
  const check = async () => {
    value = await read();
    return done(value);
  };
  await waitFor(check, { what, stepMs: 100 });
  return value as T;
}

/** Every entry the edge keeps in its quarantine files (its durable record of refused readings). */
function quarantineFiles(dataDir: string): { d: string; r: string; x: string | null }[] {
  const dir = path.join(dataDir, 'quarantine');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.jsonl'))
    .sort()
    .flatMap((n) => fs.readFileSync(path.join(dir, n), 'utf8').split('\n').filter(Boolean))
    .map((l) => JSON.parse(l));
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** The standalone venue edge, as `npm run edge` runs it, with the given devices registered. */
async function startVenueEdge(coreUrl: string, token: string, devices: string[]) {
  const dataDir = tempDir('venue-edge-');
  const db = openEdgeDb(dataDir);
  const registry = new DeviceRegistry(db);
  const secrets = Object.fromEntries(devices.map((id) => [id, registry.register(id, 'scale', 'hall')!]));
  db.close();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'edge/main.ts',
      ...['--core-url', coreUrl, '--token', token, '--data-dir', dataDir, '--host', '127.0.0.1'],
      ...['--port', '0', '--log-level', 'warn'],
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  const lines = readline.createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`edge exited ${code}`)));
    lines.on('line', (l) => {
      if (l.includes('"ready":true')) resolve((JSON.parse(l) as { port: number }).port);
    });
  });
  return { port, dataDir, secrets };
}

describe.each(['sqlite', 'postgres'] as const)('%s', (backend) => {
  let node: LiveNode;
  let pg: ScratchDatabase | undefined;
  let admin: string;
  beforeAll(async () => {
    pg = backend === 'postgres' ? await createScratchDatabase() : undefined;
    node = await startLiveNode(pg ? { DATABASE_URL: pg.url } : {});
    admin = (await seedAdmin(node.platform.store, testTokens())).token;
  });
  afterAll(async () => {
    await node?.close();
    await pg?.drop();
  });

  const coreReadings = async () => {
    const r = await call<{ deviceId: string; seq: number }[]>(
      node.url,
      'GET',
      '/api/readings/unlinked?limit=1000',
      {
        token: admin,
      },
    );
    expect(r.status).toBe(200);
    return r.body;
  };

  it.each(['all-in-one', 'standalone edge'] as const)(
    '%s: the poison is quarantined, the rest flows',
    async (mode) => {
      const prefix = mode === 'all-in-one' ? 'aio-' : 'venue-';
      const devices = ['bad-1', ...GOOD_DEVICES];
      const id = (d: string) => `${prefix}${d}`;
      let port: number;
      let dataDir: string;
      const secrets: Record<string, string> = {};
      if (mode === 'all-in-one') {
        port = node.platform.ports.mqtt.port;
        dataDir = node.dataDir;
        for (const d of devices) {
          const r = await call<{ secret: string }>(node.url, 'POST', '/api/devices', {
            token: admin,
            body: { id: id(d), kind: 'scale', location: 'hall' },
          });
          expect(r.status).toBe(201);
          secrets[d] = r.body.secret;
        }
      } else {
        const issued = await call<{ token: string }>(node.url, 'POST', '/api/edge-tokens', {
          token: admin,
          body: { name: 'venue' },
        });
        expect(issued.status).toBe(201);
        const edge = await startVenueEdge(node.url, issued.body.token, devices.map(id));
        port = edge.port;
        dataDir = edge.dataDir;
        for (const d of devices) secrets[d] = edge.secrets[id(d)]!;
      }

      // The bad device first: its readings are acknowledged (so it does not resend them forever).
      const bad = await connectDevice(port, id('bad-1'), secrets['bad-1']!);
      for (const payload of poison(id('bad-1'), Date.now()))
        await bad.publishAsync(`devices/${id('bad-1')}/readings`, payload, { qos: 1 });
      await bad.endAsync();
      const clients = await Promise.all(GOOD_DEVICES.map((d) => connectDevice(port, id(d), secrets[d]!)));
      await Promise.all(
        clients.map(async (c, i) => {
          for (let seq = 1; seq <= GOOD_PER_DEVICE; seq++)
            await c.publishAsync(
              `devices/${id(GOOD_DEVICES[i]!)}/readings`,
              good(id(GOOD_DEVICES[i]!), seq),
              {
                qos: 1,
              },
            );
          await c.endAsync();
        }),
      );

      // Every good reading arrives in the core; none of the bad device's does.
      const mine = (rows: { deviceId: string }[]) => rows.filter((r) => r.deviceId.startsWith(prefix));
      const arrived = await eventually(
        'the good readings in the core',
        async () => mine(await coreReadings()),
        (rows) => rows.length >= GOOD_DEVICES.length * GOOD_PER_DEVICE,
      );
      expect(arrived.filter((r) => r.deviceId === id('bad-1'))).toEqual([]);
      expect(arrived).toHaveLength(GOOD_DEVICES.length * GOOD_PER_DEVICE);

      // The bad ones are kept in the edge's quarantine, each with its reason.
      const quarantined = await eventually(
        'the quarantine entries',
        async () => quarantineFiles(dataDir).filter((e) => e.d === id('bad-1')),
        (entries) => entries.length >= 4,
      );
      expect(quarantined.map((e) => e.r)).toEqual([
        'field_invalid',
        'field_invalid',
        'field_invalid',
        'field_invalid',
      ]);
    },
  );
});
