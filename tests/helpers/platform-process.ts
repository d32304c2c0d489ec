// Runs the real entry point as `npm start` does (gateway/main.ts compiled to dist/main.mjs, built once
// per test run by tests/helpers/build-server.ts) as a child process: spawn with an environment, wait for
// /healthz, stop with a signal. Used by the process tests and by the multi-node tests.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { waitHealthy } from '../../loadtest/clients/health.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The monitoring token the spawned platforms get, so /healthz shows its details to pollHealth. */
export const TEST_METRICS_TOKEN = 'test-metrics-token-0123456789abcdef';

export interface Health {
  status: string;
  subsystems: Record<
    string,
    { state: string; port?: number; movedFrom?: number; workers?: Array<{ port: number }> }
  >;
}

export interface PlatformProcess {
  child: ChildProcess;
  /** Everything the child printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (immediately when it already exited). */
  exited(): Promise<number | null>;
}

export function startMain(env: Record<string, string>): PlatformProcess {
  let out = '';
  const child = spawn(process.execPath, ['dist/main.mjs'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', METRICS_TOKEN: TEST_METRICS_TOKEN, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (d: Buffer) => {
    out += d;
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  return {
    child,
    output: () => out,
    exited: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
        else child.once('exit', (code) => resolve(code));
      }),
  };
}

/** The detailed /healthz of a spawned platform, once it answers 200. */
export async function pollHealth(port: number, timeoutMs: number): Promise<{ status: number; body: Health }> {
  const body = await waitHealthy<Health>(port, { timeoutMs, token: TEST_METRICS_TOKEN });
  return { status: 200, body };
}
