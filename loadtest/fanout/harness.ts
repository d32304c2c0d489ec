// Shared harness for fan-out benchmarks: spawns driver children, triggers one event on a target,
// collects receipt times and turns them into percentiles.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { MemoryFigures } from './memory.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface FanoutTarget {
  name: string;
  /** http://host:port */
  url: string;
  /** Several nodes: driver i connects to urls[i % urls.length]. @default [url] */
  urls?: string[];
  namespace: string;
  joinEvent: string;
  joinPayload: Record<string, unknown>;
  watchEvent: string;
  /** Triggers the event every viewer should receive. */
  trigger(): Promise<void>;
  /** Memory of the server process (of the largest, when there are several). */
  memory(): Promise<MemoryFigures>;
  close(): Promise<void>;
}

export interface FanoutResult {
  target: string;
  viewers: number;
  received: number;
  connectMs: number;
  /** First receipt: the trigger's own path (HTTP, store, event delivery) before fan-out. */
  minMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  serverRssMb: number;
  /** Size of the watched frame's JSON as a viewer received it. */
  frameBytes: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function tsxNode(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
}

async function memoryOf(target: FanoutTarget) {
  const m = await target.memory();
  return {
    serverRssMb: Math.round(m.rssMb),
    serverHeapUsedMb: m.heapUsedMb,
    serverHeapTotalMb: m.heapTotalMb,
  };
}

/** Resolves with the next JSON line a child prints that satisfies `match`. */
export function nextJson<T>(child: ChildProcess, match: (v: Record<string, unknown>) => boolean): Promise<T> {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    const onExit = (code: number | null) => reject(new Error(`child exited with ${code}`));
    child.once('exit', onExit);
    rl.on('line', (line) => {
      let value: Record<string, unknown>;
      try {
        value = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (match(value)) {
        rl.close();
        child.off('exit', onExit);
        resolve(value as T);
      }
    });
  });
}

export async function runFanout(
  target: FanoutTarget,
  viewers: number,
  drivers: number,
): Promise<FanoutResult> {
  const per = Math.ceil(viewers / drivers);
  const children: ChildProcess[] = [];
  try {
    const connected = await Promise.all(
      Array.from({ length: drivers }, (_, i) => {
        const urls = target.urls ?? [target.url];
        const child = tsxNode('loadtest/fanout/viewers.ts', [
          urls[i % urls.length]!,
          target.namespace,
          String(Math.min(per, viewers - i * per)),
          target.joinEvent,
          JSON.stringify(target.joinPayload),
          target.watchEvent,
        ]);
        children.push(child);
        return nextJson<{ connectMs: number }>(child, (v) => v.phase === 'connected');
      }),
    );
    // Let join-time work (presence, logs) settle so the trigger measures fan-out alone.
    await new Promise((r) => setTimeout(r, Number(process.env.BENCH_SETTLE_MS ?? 1500)));
    const triggeredAt = Date.now();
    await target.trigger();
    await new Promise((r) => setTimeout(r, Math.max(3000, viewers / 2)));
    const reports = await Promise.all(
      children.map((c) => {
        const p = nextJson<{ receivedAt: number[]; frameBytes: number }>(c, (v) => v.phase === 'report');
        c.stdin!.write('report\n');
        return p;
      }),
    );
    const latencies = reports.flatMap((r) => r.receivedAt.map((t) => t - triggeredAt)).sort((a, b) => a - b);
    return {
      target: target.name,
      viewers,
      received: latencies.length,
      connectMs: Math.max(...connected.map((c) => c.connectMs)),
      minMs: latencies[0] ?? Number.NaN,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.at(-1) ?? Number.NaN,
      ...(await memoryOf(target)),
      frameBytes: Math.max(...reports.map((r) => r.frameBytes)),
    };
  } finally {
    for (const c of children) {
      c.stdin!.write('exit\n');
      setTimeout(() => c.exitCode === null && c.kill('SIGKILL'), 5000).unref();
    }
  }
}
