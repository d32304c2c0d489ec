// npm run bench:orders — flash-sale load on the real HTTP API over loopback (real JWTs, Idempotency-Keys)
// for SQLite, PostgreSQL and PostgreSQL + the Redis gate. Each store runs:
//   storm: 5,000 buyers on a card with 500 units, attempts kept up for BENCH_STORM_TAIL_SEC (20) after
//          the sell-out — once with the stock gate and once without, for the gated/ungated ratio;
//   sale:  20,000 buyers, 20,000 units: every attempt becomes an order (the write path).
// BENCH_STORES, BENCH_SCENARIOS (storm,sale), BENCH_STORM_TAIL_SEC and BENCH_CONCURRENCY narrow a run;
// BENCH_WARMUP_SEC (3) is an unreported storm on each node before the measured ones (0: none).
// First, the same driver runs for BENCH_STORM_TAIL_SEC against a bare fastify server answering 409 (the
// ceiling of this machine for driver + HTTP); each storm is reported as a ratio of it.
// With a PostgreSQL store, pgbench -N (16 clients, scale 10) runs for BENCH_PGBENCH_SEC (10; 0: none) in
// the same run: PostgreSQL's own ceiling for comparable transactions on this machine.
// CPU per request counts the platform process and, on PostgreSQL, the server's processes for the
// node's database (pg-cpu.ts): work done in a server-side function stays on the meter.
// `cluster` (in BENCH_STORES) runs the storm (and the sale) on PostgreSQL + Redis behind HAProxy twice in
// the same run: one node behind the balancer, then two nodes sharing the database and Redis; the /staff
// console watching order → staff sits on one node, so the second node's orders reach it over Redis.
// Prints one JSON line per scenario and a summary with the PostgreSQL/SQLite ratios and the cluster's
// two-node/one-node ratio; the platform runs in child processes.
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { io as ioClient } from 'socket.io-client';
import { type Commerce, openCommerce, TokenService } from '../../gateway/index.ts';
import { type Balancer, haproxyMissing, startHaproxy } from '../clients/haproxy.ts';
import { waitHealthy } from '../clients/health.ts';
import { freePort } from '../clients/ports.ts';
import { createScratchDatabase } from '../clients/postgres.ts';
import { startRedis } from '../clients/redis-server.ts';
import { compiledNode } from '../compiled.ts';
import { bare } from './bare.ts';
import { cpuMeter } from './cpu.ts';
import type { Figures } from './figures.ts';
import { HttpDriver, percentile } from './http-driver.ts';
import { pgCpuMeter } from './pg-cpu.ts';
import { type PgbenchFigures, pgbench } from './pgbench.ts';
import { seedPeople } from './seed.ts';

const SECRET = randomBytes(32).toString('base64url');
const TAIL_SEC = Number(process.env.BENCH_STORM_TAIL_SEC ?? 20);
const SALE_BUYERS = Number(process.env.BENCH_SALE_BUYERS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 128);
const WARMUP_SEC = Number(process.env.BENCH_WARMUP_SEC ?? 3);
const PGBENCH_SEC = Number(process.env.BENCH_PGBENCH_SEC ?? 10);
// `storm` alone gives the gated/ungated comparison quickly; the default runs both scenarios.
const WITH_SALE = (process.env.BENCH_SCENARIOS ?? 'storm,sale').split(',').includes('sale');
const logger = pino({ level: 'silent' });
const tokens = new TokenService({ secret: new TextEncoder().encode(SECRET) });

type StoreName = 'sqlite' | 'postgres' | 'postgres+redis' | 'cluster';

interface Node {
  /** The node itself, or the balancer in front of the nodes. */
  url: string;
  /** One platform process per node. */
  children: ChildProcess[];
  balancer: Balancer | undefined;
  /** Commerce over the node's store, beside it: seeding and the oversell check. */
  core: { commerce: Commerce; close(): Promise<void> };
  staff: string;
  host: string;
  buyers: Array<{ id: string; token: string }>;
  /** The PostgreSQL database's name, for the server's CPU meter; undefined on SQLite. */
  pgDatabase: string | undefined;
}

/**
 * CPU per request of the platform processes (summed over the nodes), the driver, the PostgreSQL server
 * (pg-cpu.ts) and, behind a balancer, HAProxy (reported apart: it is not the platform's cost).
 */
function meters(n: Node) {
  const nodes = n.children.map((c) => cpuMeter(c.pid));
  const balancer = n.balancer ? cpuMeter(n.balancer.child.pid) : undefined;
  const pg = pgCpuMeter(n.pgDatabase);
  return (requests: number) => {
    const each = nodes.map((m) => m(requests));
    const serverCpuUsPerRequest = each.reduce((a, f) => a + f.serverCpuUsPerRequest, 0);
    const pgCpuUsPerRequest = Math.round((pg() * 1000) / Math.max(1, requests));
    return {
      serverCpuUsPerRequest,
      driverCpuUsPerRequest: each[0]!.driverCpuUsPerRequest,
      pgCpuUsPerRequest,
      platformCpuUsPerRequest: serverCpuUsPerRequest + pgCpuUsPerRequest,
      ...(balancer ? { balancerCpuUsPerRequest: balancer(requests).serverCpuUsPerRequest } : {}),
    };
  };
}

/** One platform process on a free loopback port; resolves once its /healthz answers 200. */
async function startProcess(
  env: Record<string, string>,
  dataDir: string,
  databaseUrl: string | undefined,
): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  fs.mkdirSync(dataDir, { recursive: true });
  const child = await compiledNode('gateway/main.ts', [], {
    env: {
      ...process.env,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      MQTT_HOST: '127.0.0.1',
      MQTT_PORT: String(await freePort()),
      MEDIA_WORKERS: '0',
      DATA_DIR: dataDir,
      AUTH_SECRET: SECRET,
      LOG_LEVEL: 'error',
      ORDERS_PER_MEMBER_PER_MIN: '100000',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitHealthy(port, { timeoutMs: 120_000, child });
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { port, child };
}

/**
 * `nodes` platform processes on one store (several need PostgreSQL and Redis in `env`), behind HAProxy
 * when `balanced`; seeds the staff member, the host and `buyers` members.
 */
async function startNode(
  env: Record<string, string>,
  dataDir: string,
  pgDb: { url: string; name: string } | undefined,
  buyers: number,
  nodes = 1,
  balanced = false,
): Promise<Node> {
  const databaseUrl = pgDb?.url;
  const started: Array<{ port: number; child: ChildProcess }> = [];
  let balancer: Balancer | undefined;
  try {
    // One after the other: the first runs the migrations.
    for (let i = 0; i < nodes; i++)
      started.push(await startProcess(env, nodes > 1 ? path.join(dataDir, `n${i}`) : dataDir, databaseUrl));
    if (balanced) balancer = await startHaproxy(started.map((s) => s.port));
  } catch (err) {
    for (const s of started) s.child.kill('SIGKILL');
    throw err;
  }
  const core = await openCommerce(
    { DATA_DIR: nodes > 1 ? path.join(dataDir, 'n0') : dataDir, DATABASE_URL: databaseUrl },
    logger,
  );
  const [staff] = await seedPeople(core.commerce, tokens, 1, ['member', 'staff']);
  const [host] = await seedPeople(core.commerce, tokens, 1, ['member', 'host']);
  const people = await seedPeople(core.commerce, tokens, buyers);
  return {
    url: balancer?.url ?? `http://127.0.0.1:${started[0]!.port}`,
    children: started.map((s) => s.child),
    balancer,
    core,
    staff: staff!.token,
    host: host!.token,
    buyers: people,
    pgDatabase: pgDb?.name,
  };
}

async function stopNode(n: Node): Promise<void> {
  await n.core.close();
  await n.balancer?.stop();
  await Promise.all(
    n.children.map((child) => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      return exited;
    }),
  );
}

/** A live session with one pinned card of `units` units, limit 1 per member; returns the card id. */
async function pinnedCard(n: Node, drv: HttpDriver, units: number): Promise<string> {
  const ok = async (p: string, token: string, body: unknown) => {
    const r = await drv.post(p, token, body);
    if (r.status >= 300) throw new Error(`${p}: ${r.status} ${r.body}`);
    return JSON.parse(r.body) as Record<string, unknown>;
  };
  const product = await ok('/api/products', n.staff, {
    titles: { en: 'Bench item', 'zh-Hans': '测试', 'zh-Hant': '測試' },
    skus: [{ code: `B-${randomUUID()}`, priceMinor: 9_900, currency: 'CNY', stock: units }],
  });
  const session = await ok('/api/live-sessions', n.host, { title: 'Bench sale' });
  const sid = session.sessionId as string;
  await ok(`/api/live-sessions/${sid}/go-live`, n.host, {});
  const skuId = (product.skus as Array<{ skuId: string }>)[0]!.skuId;
  const card = await ok(`/api/live-sessions/${sid}/cards`, n.host, {
    skuId,
    quantity: units,
    perMemberLimit: 1,
  });
  await ok(`/api/live-sessions/${sid}/cards/${card.cardId}/pin`, n.host, {});
  lastSessionId = sid;
  return card.cardId as string;
}

let lastSessionId = '';

/**
 * A staff console on /staff during the storm: when does the n-th order show in the session's
 * ordersPlaced? Paired with the n-th 201 the driver saw, that is order placed → visible to staff.
 */
async function watchStaff(n: Node, sessionId: string) {
  const socket = ioClient(`${n.url}/staff`, {
    transports: ['websocket'],
    auth: { token: n.staff },
    reconnection: false,
  });
  const seenAt: number[] = [];
  const onFigures = (f: { sessions: Array<{ sessionId: string; ordersPlaced: number }> }) => {
    const placed = f.sessions.find((x) => x.sessionId === sessionId)?.ordersPlaced ?? 0;
    const now = performance.now();
    while (seenAt.length < placed) seenAt.push(now);
  };
  socket.on('staff:snapshot', onFigures);
  socket.on('staff:update', onFigures);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    latencies(placedAt: number[]): number[] {
      const out: number[] = [];
      for (let i = 0; i < Math.min(placedAt.length, seenAt.length); i++)
        out.push(Math.max(0, seenAt[i]! - placedAt[i]!));
      return out.sort((a, b) => a - b);
    },
    close: () => socket.disconnect(),
  };
}

async function oversold(n: Node, cardId: string, units: number): Promise<number> {
  return Math.max(0, (await n.core.commerce.fixtures.unitsOrdered(cardId)) - units);
}

type Label = { store: string; gate: string; nodes?: number };

async function storm(n: Node, label: Label, tailSec = TAIL_SEC, units = 500): Promise<Figures> {
  const drv = new HttpDriver(n.url, CONCURRENCY);
  const cardId = await pinnedCard(n, drv, units);
  const buyers = n.buyers.slice(0, 5000);
  const staff = await watchStaff(n, lastSessionId);
  const placedAt: number[] = [];
  const lat: number[] = [];
  let orders = 0;
  let soldOutAt = 0;
  let lastOrderAt = 0;
  const cpu = meters(n);
  const started = performance.now();
  const body = { cardId, quantity: 1, fulfilment: { method: 'pickup', clinic: 'Clinic 1' } };
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (!soldOutAt || performance.now() - soldOutAt < tailSec * 1000) {
        const b = buyers[Math.floor(Math.random() * buyers.length)]!;
        const r = await drv.post('/api/orders', b.token, body, { 'idempotency-key': randomUUID() });
        lat.push(r.ms);
        if (r.status === 201) {
          orders++;
          lastOrderAt = performance.now();
          placedAt.push(lastOrderAt);
        } else if (r.status === 409 && !soldOutAt && r.body.includes('CARD_SOLD_OUT'))
          soldOutAt = performance.now();
        else if (r.status >= 500) throw new Error(`server error ${r.status} ${r.body}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuPer = cpu(lat.length);
  drv.close();
  const toStaff = staff.latencies(placedAt);
  staff.close();
  lat.sort((a, b) => a - b);
  return {
    scenario: 'storm',
    ...label,
    orderToStaffP50Ms: Math.round(percentile(toStaff, 50)),
    orderToStaffP99Ms: Math.round(percentile(toStaff, 99)),
    attempts: lat.length,
    attemptsPerSec: Math.round(lat.length / seconds),
    orders,
    ordersPerSec: Math.round(orders / Math.max(0.001, (lastOrderAt - started) / 1000)),
    p50Ms: +percentile(lat, 50).toFixed(1),
    p99Ms: +percentile(lat, 99).toFixed(1),
    oversold: await oversold(n, cardId, units),
    seconds: +seconds.toFixed(1),
    ...cpuPer,
  };
}

async function sale(n: Node, label: Label): Promise<Figures> {
  const drv = new HttpDriver(n.url, CONCURRENCY);
  const units = n.buyers.length;
  const cardId = await pinnedCard(n, drv, units);
  const lat: number[] = [];
  let orders = 0;
  let next = 0;
  const cpu = meters(n);
  const started = performance.now();
  const body = { cardId, quantity: 1, fulfilment: { method: 'pickup', clinic: 'Clinic 1' } };
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n.buyers.length) {
        const b = n.buyers[next++]!;
        const r = await drv.post('/api/orders', b.token, body, { 'idempotency-key': randomUUID() });
        lat.push(r.ms);
        if (r.status === 201) orders++;
        else if (r.status >= 500) throw new Error(`server error ${r.status} ${r.body}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuPer = cpu(lat.length);
  drv.close();
  lat.sort((a, b) => a - b);
  return {
    scenario: 'sale',
    ...label,
    attempts: lat.length,
    attemptsPerSec: Math.round(lat.length / seconds),
    orders,
    ordersPerSec: Math.round(orders / seconds),
    p50Ms: +percentile(lat, 50).toFixed(1),
    p99Ms: +percentile(lat, 99).toFixed(1),
    oversold: await oversold(n, cardId, units),
    seconds: +seconds.toFixed(1),
    ...cpuPer,
  };
}

/**
 * PostgreSQL + Redis behind HAProxy: one node, then two nodes, each on a fresh database and Redis, with
 * the same storm and sale; the second node's orders reach the staff console on the first over Redis.
 */
async function runCluster(): Promise<Figures[]> {
  const missing = haproxyMissing();
  if (missing) {
    console.log(JSON.stringify({ scenario: 'cluster', skipped: missing }));
    return [];
  }
  const out: Figures[] = [];
  for (const nodes of [1, 2]) {
    const pgDb = await createScratchDatabase();
    const redis = await startRedis();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-bench-cluster-'));
    const label = { store: 'cluster', gate: 'redis', nodes };
    try {
      const node = await startNode(
        { STOCK_GATE: 'redis', REDIS_URL: redis.url },
        dataDir,
        pgDb,
        WITH_SALE ? SALE_BUYERS : 5000,
        nodes,
        true,
      );
      try {
        if (WARMUP_SEC > 0) await storm(node, label, WARMUP_SEC, 50);
        const s = await storm(node, label);
        console.log(JSON.stringify(s));
        out.push(s);
        if (WITH_SALE) {
          const w = await sale(node, label);
          console.log(JSON.stringify(w));
          out.push(w);
        }
      } finally {
        await stopNode(node);
      }
    } finally {
      redis.stop();
      await pgDb.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return out;
}

async function runStore(storeName: StoreName): Promise<Figures[]> {
  if (storeName === 'cluster') return runCluster();
  const out: Figures[] = [];
  let cleanupRedis: { stop(): void } | undefined;
  const pgDb = storeName === 'sqlite' ? undefined : await createScratchDatabase();
  const withRedis = storeName === 'postgres+redis';
  const gated = withRedis ? 'redis' : 'local';
  try {
    for (const gate of [gated, 'off']) {
      // Each node run gets its own Redis, as it gets its own database: stream ids are outbox ids.
      const redis = withRedis ? await startRedis() : undefined;
      cleanupRedis = redis;
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-bench-orders-'));
      const env: Record<string, string> = { STOCK_GATE: gate, ...(redis ? { REDIS_URL: redis.url } : {}) };
      // The gated node also runs the sale, so it gets the 20,000 buyers.
      const node = await startNode(env, dataDir, pgDb, gate === 'off' ? 5000 : SALE_BUYERS);
      try {
        // A short storm on its own card first, not reported: both nodes are measured with warm JIT and
        // token caches, as a platform that has been running is.
        if (WARMUP_SEC > 0) await storm(node, { store: storeName, gate }, WARMUP_SEC, 50);
        const s = await storm(node, { store: storeName, gate });
        console.log(JSON.stringify(s));
        out.push(s);
        if (gate !== 'off' && WITH_SALE) {
          const w = await sale(node, { store: storeName, gate });
          console.log(JSON.stringify(w));
          out.push(w);
        }
      } finally {
        await stopNode(node);
        redis?.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
      // The second node must not see the first node's buyers and cards: a fresh PostgreSQL database.
      if (pgDb && gate !== 'off') {
        await pgDb.drop();
        Object.assign(pgDb, await createScratchDatabase());
      }
    }
  } finally {
    cleanupRedis?.stop();
    await pgDb?.drop();
  }
  return out;
}

async function main(): Promise<void> {
  const stores = (process.env.BENCH_STORES ?? 'sqlite,postgres,postgres+redis,cluster').split(
    ',',
  ) as StoreName[];
  const all: Figures[] = [];
  const loadAtStart = +os.loadavg()[0]!.toFixed(1);
  const ceiling = await bare(CONCURRENCY, Math.max(5, TAIL_SEC), WARMUP_SEC);
  console.log(JSON.stringify(ceiling));
  for (const s of stores) all.push(...(await runStore(s)));
  let pg: PgbenchFigures | undefined;
  if (PGBENCH_SEC > 0 && stores.some((s) => s !== 'sqlite')) {
    pg = await pgbench(PGBENCH_SEC, pgCpuMeter);
    if (pg) console.log(JSON.stringify(pg));
  }
  const find = (store: string, scenario: string, gated: boolean, nodes?: number) =>
    all.find(
      (f) =>
        f.store === store &&
        f.scenario === scenario &&
        (f.gate !== 'off') === gated &&
        (nodes === undefined || f.nodes === nodes),
    );
  const ratio = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined && b > 0 ? +(a / b).toFixed(2) : null;
  const sqliteStorm = find('sqlite', 'storm', true);
  const sqliteSale = find('sqlite', 'sale', true);
  const summary = stores
    .filter((store) => store !== 'cluster')
    .map((store) => {
      const gated = find(store, 'storm', true);
      const ungated = find(store, 'storm', false);
      const saleRun = find(store, 'sale', true);
      return {
        store,
        gatedVsUngatedAttempts: ratio(gated?.attemptsPerSec, ungated?.attemptsPerSec),
        gatedStormVsBareFastify: ratio(gated?.attemptsPerSec, ceiling.attemptsPerSec),
        stormVsSqlite: ratio(gated?.attemptsPerSec, sqliteStorm?.attemptsPerSec),
        saleVsSqlite: ratio(saleRun?.ordersPerSec, sqliteSale?.ordersPerSec),
        saleCpuPerOrderVsSqlite: ratio(saleRun?.platformCpuUsPerRequest, sqliteSale?.platformCpuUsPerRequest),
        saleVsPgbench: store === 'sqlite' ? null : ratio(saleRun?.ordersPerSec, pg?.tps),
      };
    });
  const pgSummary = summary.find((s) => s.store === 'postgres');
  const oneNode = find('cluster', 'storm', true, 1);
  const twoNodes = find('cluster', 'storm', true, 2);
  const cluster = stores.includes('cluster')
    ? {
        stormTwoNodesVsOne: ratio(twoNodes?.attemptsPerSec, oneNode?.attemptsPerSec),
        saleTwoNodesVsOne: ratio(
          find('cluster', 'sale', true, 2)?.ordersPerSec,
          find('cluster', 'sale', true, 1)?.ordersPerSec,
        ),
        twoNodesOrderToStaffP99Ms: twoNodes?.orderToStaffP99Ms ?? null,
      }
    : null;
  console.log(
    JSON.stringify({
      summary,
      pgSaleVsSqlite: pgSummary?.saleVsSqlite ?? null,
      pgStormVsSqlite: pgSummary?.stormVsSqlite ?? null,
      pgVsPgbench: pgSummary?.saleVsPgbench ?? null,
      pgCpuPerOrderVsSqlite: pgSummary?.saleCpuPerOrderVsSqlite ?? null,
      cluster,
      pgbenchTps: pg?.tps ?? null,
      bareFastifyAttemptsPerSec: ceiling.attemptsPerSec,
      oversold: all.reduce((a, f) => a + f.oversold, 0),
      cores: os.availableParallelism(),
      loadAverage1m: { atStart: loadAtStart, atEnd: +os.loadavg()[0]!.toFixed(1) },
    }),
  );
}

await main();
