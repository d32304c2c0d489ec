// Fan-out targets on the real gateway: one node (SQLite, in-process events), or N nodes sharing a
// Redis (its own redis-server on a free port) and a PostgreSQL database, viewers spread over the nodes
// and the pin made through the first.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../clients/ports.ts';
import { createScratchDatabase } from '../clients/postgres.ts';
import { startRedis } from '../clients/redis-server.ts';
import { compiledNode } from '../compiled.ts';
import { type FanoutTarget, nextJson } from './harness.ts';
import type { MemoryFigures } from './memory.ts';

function memoryOf(child: ChildProcess): Promise<MemoryFigures> {
  const p = nextJson<MemoryFigures>(child, (v) => typeof v.rssMb === 'number');
  child.stdin!.write('rss\n');
  return p;
}

export async function startGatewayTarget(nodes: number): Promise<FanoutTarget> {
  const secret = randomBytes(32).toString('base64url');
  const cleanups: Array<() => Promise<void> | void> = [];
  const shared: Record<string, string> = {};
  if (nodes > 1) {
    const redis = await startRedis();
    const db = await createScratchDatabase();
    shared.REDIS_URL = redis.url;
    shared.DATABASE_URL = db.url;
    cleanups.push(
      () => redis.stop(),
      () => db.drop(),
    );
  }
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  let sessionId = '';
  let pin: { url: string; token: string } | undefined;
  for (let i = 0; i < nodes; i++) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-fanout-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const env = {
      ...process.env,
      ...shared,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(await freePort()),
      MQTT_HOST: '127.0.0.1',
      MQTT_PORT: String(await freePort()),
      MEDIA_WORKERS: '0',
      DATA_DIR: dataDir,
      AUTH_SECRET: secret,
      LOG_LEVEL: 'error',
      // Every simulated viewer comes from this machine's one address: per-IP budgets off.
      LIVE_IP_JOINS_PER_MIN: '0',
      LIVE_IP_EVENTS_PER_MIN: '0',
      SEED: i === 0 ? '1' : '0',
    };
    const child = await compiledNode('loadtest/fanout/gateway-server.ts', [], {
      env,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    children.push(child);
    const up = await nextJson<{ port: number; sessionId?: string; pin?: { url: string; token: string } }>(
      child,
      (v) => typeof v.port === 'number',
    );
    if (up.sessionId) sessionId = up.sessionId;
    if (up.pin) pin = up.pin;
    urls.push(`http://127.0.0.1:${up.port}`);
  }
  return {
    name: nodes === 1 ? 'gateway' : `gateway-${nodes}-nodes+redis`,
    url: urls[0]!,
    urls,
    namespace: '/live',
    joinEvent: 'live:join',
    joinPayload: { sessionId },
    watchEvent: 'card:pinned',
    async trigger() {
      const res = await fetch(pin!.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${pin!.token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      if (res.status >= 300) throw new Error(`pin: ${res.status} ${await res.text()}`);
    },
    async memory() {
      // The largest node: the ratio target is per gateway process.
      const all = await Promise.all(children.map(memoryOf));
      return all.reduce((a, b) => (b.rssMb > a.rssMb ? b : a));
    },
    async close() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              c.once('exit', () => resolve());
              c.stdin!.write('exit\n');
              setTimeout(() => c.exitCode === null && c.kill('SIGKILL'), 10_000).unref();
            }),
        ),
      );
      for (const c of cleanups.reverse()) await c();
    },
  };
}
