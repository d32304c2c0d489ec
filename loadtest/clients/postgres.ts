// Throwaway PostgreSQL databases for tests and benchmarks: each caller creates its own on the local
// server and drops it in teardown, so parallel test files and benchmark runs never share tables.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the setup script starts; trust auth or the postgres/postgres login it ensures. */
export const PG_ADMIN_URL =
  process.env.TEST_PG_ADMIN_URL ??
  process.env.BENCH_PG_ADMIN_URL ??
  'postgres://postgres:postgres@127.0.0.1:5432/postgres';

export interface ScratchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function asAdmin(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** A new empty database named `<prefix>_<random hex>`. */
export async function createScratchDatabase(prefix = 'vitalive_t'): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await asAdmin(`create database ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => asAdmin(`drop database if exists ${name} with (force)`),
  };
}
