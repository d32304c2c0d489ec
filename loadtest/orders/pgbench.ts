// PostgreSQL's own figure on this machine, in the same run as the order benchmark: pgbench's simple
// update transaction (-N: three updates, one select, one insert — close to an order's placement) with
// 16 clients on a scale-10 database created for it and dropped after.
import { spawn } from 'node:child_process';
import { createScratchDatabase } from '../clients/postgres.ts';

export interface PgbenchFigures {
  scenario: 'pgbench';
  clients: number;
  seconds: number;
  tps: number;
  /** CPU µs of the server per transaction (its processes for the pgbench database; see pg-cpu.ts). */
  pgCpuUsPerTransaction: number;
}

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('pgbench', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`pgbench ${args.join(' ')} exited ${code}: ${out}`)),
    );
  });
}

/** Runs pgbench -N; undefined (with a message) when pgbench is not installed. */
export async function pgbench(
  seconds: number,
  meter: (database: string) => () => number,
  clients = 16,
): Promise<PgbenchFigures | undefined> {
  const db = await createScratchDatabase('vitalive_pgbench');
  try {
    await run(['-i', '-s', '10', '-q', db.url]);
    const cpu = meter(db.name);
    const out = await run(['-N', '-c', String(clients), '-j', '2', '-T', String(seconds), db.url]);
    const pgMs = cpu();
    const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
    const transactions = Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1]);
    return {
      scenario: 'pgbench',
      clients,
      seconds,
      tps: Math.round(tps),
      pgCpuUsPerTransaction: Math.round((pgMs * 1000) / Math.max(1, transactions)),
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      console.error(
        'bench:orders: pgbench is not installed (postgresql-contrib / postgresql-client); skipped',
      );
      return undefined;
    }
    throw err;
  } finally {
    await db.drop();
  }
}
