// Waiting for a started platform (or any server with a /healthz) to answer 200, for tests and
// benchmarks that start one in a child process.
import type { ChildProcess } from 'node:child_process';

export interface HealthWait {
  /** Start-up runs migrations and loads every room; a busy 2-core machine can take a minute. @default 60000 */
  timeoutMs?: number;
  /** Sent as a bearer token, so /healthz shows its details. */
  token?: string;
  /** Gives up at once when this process exits instead of waiting out the timeout. */
  child?: ChildProcess;
}

/** Polls `http://127.0.0.1:<port>/healthz` until it answers 200; returns that answer's body. */
export async function waitHealthy<T = unknown>(port: number, opts: HealthWait = {}): Promise<T> {
  const { timeoutMs = 60_000, token, child } = opts;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null))
      throw new Error(`server exited with ${child.exitCode ?? child.signalCode} before it was healthy`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      const body = (await res.json().catch(() => undefined)) as T;
      if (res.status === 200) return body;
      last = body;
    } catch (err) {
      last = err instanceof Error ? err.message : err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`healthz never became 200 in ${timeoutMs} ms: ${JSON.stringify(last)}`);
}
