// The store opens, migrates and round-trips on both backends: SQLite in a temp dir and a PostgreSQL
// database created for this file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../commerce/internals.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../loadtest/clients/postgres.ts';
import { testLogger } from '../helpers/logger.ts';

const backends = [
  { name: 'sqlite', open: async (dir: string) => Store.open({ dataDir: dir, logger: testLogger }) },
  {
    name: 'postgres',
    open: async (_dir: string, pg?: ScratchDatabase) =>
      Store.open({ dataDir: _dir, databaseUrl: pg!.url, logger: testLogger }),
  },
] as const;

describe.each(backends)('Store on $name', (backend) => {
  let dir: string;
  let pg: ScratchDatabase | undefined;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-store-'));
    if (backend.name === 'postgres') pg = await createScratchDatabase();
  });

  afterAll(async () => {
    await pg?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('migrates, round-trips a row written in a transaction, and reports ok', async () => {
    const store = await backend.open(dir, pg);
    expect(store.dialect).toBe(backend.name);
    await store.transaction(async (trx) => {
      await trx.insertInto('store_meta').values({ key: 'probe', value: 'héllo ✓' }).execute();
    });
    const row = await store.db
      .selectFrom('store_meta')
      .selectAll()
      .where('key', '=', 'probe')
      .executeTakeFirst();
    expect(row?.value).toBe('héllo ✓');
    expect((await store.health()).state).toBe('ok');
    await store.close();
    await store.close();
    expect((await store.health()).state).toBe('closed');
  });

  it('re-opening runs no migration twice and keeps the data', async () => {
    const store = await backend.open(dir, pg);
    const row = await store.db
      .selectFrom('store_meta')
      .selectAll()
      .where('key', '=', 'probe')
      .executeTakeFirst();
    expect(row?.value).toBe('héllo ✓');
    await store.close();
  });

  it('rolls back a failed transaction', async () => {
    const store = await backend.open(dir, pg);
    await expect(
      store.transaction(async (trx) => {
        await trx.insertInto('store_meta').values({ key: 'rolled', value: 'x' }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const row = await store.db
      .selectFrom('store_meta')
      .selectAll()
      .where('key', '=', 'rolled')
      .executeTakeFirst();
    expect(row).toBeUndefined();
    await store.close();
  });
});

describe('Store on sqlite', () => {
  it('uses WAL journaling', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-store-'));
    const store = await Store.open({ dataDir: dir, logger: testLogger });
    await store.close();
    // WAL mode is persistent in the file header: byte 18/19 are 2 for WAL.
    const header = fs.readFileSync(path.join(dir, 'vitalive.sqlite')).subarray(18, 20);
    expect([...header]).toEqual([2, 2]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('Store on postgres', () => {
  it('fails start-up with a coded error when the server is unreachable', async () => {
    await expect(
      Store.open({
        dataDir: os.tmpdir(),
        databaseUrl: 'postgres://postgres@127.0.0.1:1/nope',
        logger: testLogger,
      }),
    ).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});
