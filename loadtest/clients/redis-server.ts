// A throwaway redis-server for tests and benchmarks: its own process on a free loopback port, without
// persistence, restartable on the same port (for the tests that take Redis away and bring it back).
import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './ports.ts';

export class RedisServer {
  port = 0;
  #child: ChildProcess | undefined;

  /** Starts (or restarts, on the same port) and resolves once the server accepts connections. */
  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    this.#child = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
    });
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** A client that fails fast while the server is down instead of queueing commands. */
  client(): Redis {
    const client = new Redis(this.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    // Refused connections while the server is down are the point of the restart tests.
    client.on('error', () => {});
    return client;
  }

  /** Kills the server (SIGKILL: nothing is saved anyway); idempotent. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
}

/** A started server, for callers that need nothing but its URL and a stop. */
export async function startRedis(): Promise<RedisServer> {
  const server = new RedisServer();
  await server.start();
  return server;
}
