// npm run bench:mqtt-attack — /healthz latency of the built platform (dist/main.mjs) while unauthenticated
// MQTT clients stream into CONNECT packets declaring 256 MiB, against the same figure without the attack.
// BENCH_ATTACKERS (20) clients reconnect and stream for BENCH_SECONDS (10) per phase; /healthz is asked
// back to back. Prints one JSON line: p50/p99/max per phase, their ratio, the connections the broker
// refused and both processes' RSS. The attackers run in a process of their own (this file with
// `attack <port> <seconds>`), so their work does not slow the measuring loop.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { bundle, SERVER_ENTRIES } from '../../scripts/bundle.ts';
import { waitHealthy } from '../clients/health.ts';
import { freePort } from '../clients/ports.ts';

const ATTACKERS = Number(process.env.BENCH_ATTACKERS ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROOT = path.resolve(import.meta.dirname, '../..');
const CHUNK = Buffer.alloc(64 * 1024, 0x61);
const HUGE_CONNECT = Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
    return Math.round(kb / 102.4) / 10;
  } catch {
    return undefined;
  }
}

function pct(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 100) / 100;
}

type Health = { subsystems: { broker: { pid?: number; refused?: Record<string, number> } } };

async function health(port: number): Promise<Health> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  return (await res.json()) as Health;
}

/** Latencies of back-to-back /healthz requests for `seconds`. */
async function measure(port: number, seconds: number): Promise<number[]> {
  const out: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t = performance.now();
    await health(port);
    out.push(performance.now() - t);
  }
  return out;
}

/** One attacker: connects, declares a 256 MiB CONNECT and streams until closed; again until `stop`. */
async function attacker(port: number, stop: () => boolean): Promise<number> {
  let connections = 0;
  while (!stop()) {
    connections++;
    await new Promise<void>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.on('error', () => {});
      socket.once('close', () => resolve());
      socket.once('connect', () => {
        socket.write(HUGE_CONNECT);
        const pump = () => {
          while (!socket.destroyed && !stop())
            if (!socket.write(CHUNK)) return void socket.once('drain', pump);
          socket.destroy();
        };
        pump();
      });
    });
    await sleep(10);
  }
  return connections;
}

const summary = (s: number[]) => ({
  requests: s.length,
  p50Ms: pct(s, 50),
  p99Ms: pct(s, 99),
  maxMs: pct(s, 100),
});

async function main(): Promise<void> {
  await bundle(SERVER_ENTRIES);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-bench-mqtt-'));
  const httpPort = await freePort();
  const mqttPort = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['dist/main.mjs'], {
    cwd: ROOT,
    env: {
      ...process.env,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(httpPort),
      MQTT_HOST: '127.0.0.1',
      MQTT_PORT: String(mqttPort),
      MEDIA_WORKERS: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
    },
    stdio: 'ignore',
  });
  try {
    await waitHealthy(httpPort, { child });
    const brokerPid = (await health(httpPort)).subsystems.broker.pid;
    const idle = await measure(httpPort, SECONDS);
    const before = { http: rssMiB(child.pid), broker: rssMiB(brokerPid) };
    const attack = spawn(
      process.execPath,
      ['--import', 'tsx', import.meta.filename, 'attack', String(mqttPort), String(SECONDS + 1)],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let attackOut = '';
    attack.stdout!.on('data', (d) => {
      attackOut += d;
    });
    const attackDone = new Promise((r) => attack.once('exit', r));
    await sleep(500);
    const attacked = await measure(httpPort, SECONDS);
    const during = { http: rssMiB(child.pid), broker: rssMiB(brokerPid) };
    await attackDone;
    const connections = Number(attackOut.trim() || 0);
    const refused = (await health(httpPort)).subsystems.broker.refused;
    const result = {
      bench: 'mqtt-attack',
      attackers: ATTACKERS,
      seconds: SECONDS,
      idle: summary(idle),
      attack: summary(attacked),
      p50Ratio: Math.round((pct(attacked, 50) / pct(idle, 50)) * 100) / 100,
      p99Ratio: Math.round((pct(attacked, 99) / pct(idle, 99)) * 100) / 100,
      attackConnections: connections,
      refused,
      rssMiB: { before, during },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'attack') {
  const [port, seconds] = [Number(process.argv[3]), Number(process.argv[4])];
  const end = performance.now() + seconds * 1000;
  const counts = await Promise.all(
    Array.from({ length: ATTACKERS }, () => attacker(port, () => performance.now() >= end)),
  );
  process.stdout.write(`${counts.reduce((a, b) => a + b, 0)}\n`);
} else await main();
