// HAProxy (Debian's `haproxy`) in front of several platform nodes, for benchmarks that compare one node
// with several behind the same balancer. The configuration is the one docs/deployment.md gives (least
// connections, health checks on /healthz, the sticky cookie socket.io's long-polling needs) with the
// servers on loopback ports. Runs in the foreground as a child of the caller and stops with it.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.ts';
import { waitFor } from './wait-for.ts';

export interface Balancer {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** The HAProxy process, for its CPU meter. */
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Whether `haproxy` can run here; the reason when it cannot. */
export function haproxyMissing(): string | undefined {
  const r = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    return 'haproxy is not installed (as root: apt-get install haproxy, or bash scripts/setup.sh bench)';
  return undefined;
}

function config(port: number, backends: readonly number[]): string {
  return [
    'global',
    '  maxconn 8000',
    'defaults',
    '  mode http',
    '  timeout connect 5s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout tunnel 1h',
    // A node saturated by the storm answers /healthz late; it must not be taken out for that.
    '  timeout check 5s',
    '  default-server inter 2s fall 5 rise 1',
    'frontend vitalive',
    `  bind 127.0.0.1:${port}`,
    '  default_backend nodes',
    'backend nodes',
    '  balance leastconn',
    '  option httpchk GET /healthz',
    '  cookie vl_node insert indirect nocache',
    ...backends.map((p, i) => `  server n${i} 127.0.0.1:${p} check cookie n${i}`),
    '',
  ].join('\n');
}

/** Starts HAProxy on a free loopback port, balancing over the nodes listening on `backends`. */
export async function startHaproxy(backends: readonly number[]): Promise<Balancer> {
  const missing = haproxyMissing();
  if (missing) throw new Error(missing);
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-haproxy-'));
  const file = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(file, config(port, backends));
  // -db: stay in the foreground without daemonising, so the process is ours to stop.
  const child = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}`);
      return fetch(`${url}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
    },
    { timeoutMs: 20_000, what: 'haproxy to forward /healthz' },
  );
  return {
    url,
    port,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
