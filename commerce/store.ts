// The commerce store: Kysely over SQLite (better-sqlite3, WAL, a file in the data dir) by default, or
// PostgreSQL when a postgres:// URL is given. Migrations run at open; close() is idempotent.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  PostgresDialect,
  type SqliteDatabase,
  SqliteDialect,
} from 'kysely';
import type { Logger } from 'pino';
import { VitaliveError } from '../protocols/index.ts';
import { OutboxWakeups, registerOutboxWakeups } from './events/wakeups.ts';
import { migrations } from './migrations/index.ts';
import { appendedEventsIn, positionPendingEvents } from './outbox.ts';
import type { Database } from './schema.ts';

export type StoreDialect = 'sqlite' | 'postgres';

export interface StoreOptions {
  /** Directory for the SQLite file (ignored with databaseUrl). */
  dataDir: string;
  /** postgres://… selects PostgreSQL. */
  databaseUrl?: string | undefined;
  logger: Logger;
  /** PostgreSQL pool size. @default 10 */
  poolSize?: number;
}

export type StoreHealth = {
  state: 'ok' | 'down' | 'closed';
  dialect: StoreDialect;
  schemaVersion: string | undefined;
  error?: string;
};

const SQLITE_FILE = 'vitalive.sqlite';

class StaticMigrations implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/** SQLite only: the connection's own prepared statements, for the few hot paths that skip the builder. */
export interface SqliteStatements {
  /** The prepared statement for this SQL text (prepared once, then reused). */
  prepare(sqlText: string): SQLite.Statement;
}

export class Store {
  readonly db: Kysely<Database>;
  /**
   * On SQLite, prepared statements on the one connection `db` uses. Writes with them belong inside
   * `transaction()` (which then holds the connection); reads may run anywhere.
   */
  readonly sqlite: SqliteStatements | undefined;
  /**
   * For background work (event delivery, viewer-event batches, staff figures): on PostgreSQL its own
   * small pool, so a burst of requests queued for `db` connections cannot starve it; on SQLite the same
   * connection (one writer anyway).
   */
  readonly background: Kysely<Database>;
  readonly dialect: StoreDialect;
  readonly #logger: Logger;
  readonly #wakeups: OutboxWakeups;
  #schemaVersion: string | undefined;
  #closing: Promise<void> | undefined;

  private constructor(
    db: Kysely<Database>,
    dialect: StoreDialect,
    logger: Logger,
    background?: Kysely<Database>,
    sqlite?: SqliteStatements,
    databaseUrl?: string,
  ) {
    this.db = db;
    this.sqlite = sqlite;
    this.background = background ?? db;
    this.dialect = dialect;
    this.#logger = logger;
    // Event buses built on either handle wake when this process commits events and, on PostgreSQL,
    // when any node positions them.
    this.#wakeups = new OutboxWakeups({ databaseUrl, logger });
    registerOutboxWakeups(this.db, this.#wakeups);
    registerOutboxWakeups(this.background, this.#wakeups);
  }

  static async open(opts: StoreOptions): Promise<Store> {
    const store = opts.databaseUrl ? await Store.#postgres(opts) : Store.#sqlite(opts);
    try {
      await store.migrate();
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  static #sqlite(opts: StoreOptions): Store {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    const file = path.join(opts.dataDir, SQLITE_FILE);
    const database = new SQLite(file);
    database.pragma('journal_mode = WAL');
    // WAL + NORMAL is durable across process crashes; only an OS crash can lose the last commits.
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    opts.logger.info({ file }, 'store: sqlite');
    const cached = withStatementCache(database);
    return new Store(
      new Kysely<Database>({ dialect: new SqliteDialect({ database: cached }) }),
      'sqlite',
      opts.logger,
      undefined,
      { prepare: (sqlText) => cached.prepare(sqlText) as unknown as SQLite.Statement },
    );
  }

  static async #postgres(opts: StoreOptions): Promise<Store> {
    // Loaded only when configured: a SQLite install never holds the PostgreSQL client in memory.
    const { default: pg } = await import('pg');
    // int8 columns (ids, epoch ms, money in minor units) fit a double; read them as numbers.
    pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pool.on('error', (err) => opts.logger.warn({ err: err.message }, 'store: idle postgres client error'));
    opts.logger.info({ host: new URL(opts.databaseUrl!).host }, 'store: postgres');
    const backgroundPool = new pg.Pool({ connectionString: opts.databaseUrl, max: 3 });
    backgroundPool.on('error', (err) =>
      opts.logger.warn({ err: err.message }, 'store: idle postgres client error'),
    );
    return new Store(
      new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
      'postgres',
      opts.logger,
      new Kysely<Database>({ dialect: new PostgresDialect({ pool: backgroundPool }) }),
      undefined,
      opts.databaseUrl,
    );
  }

  async migrate(): Promise<void> {
    const migrator = new Migrator({
      db: this.db,
      provider: new StaticMigrations(),
      // A data dir that already ran later migrations still takes one added below them.
      allowUnorderedMigrations: true,
    });
    const { error, results } = await migrator.migrateToLatest();
    for (const r of results ?? []) {
      if (r.status === 'Success') this.#logger.info({ migration: r.migrationName }, 'store: migrated');
      if (r.status === 'Error') this.#logger.error({ migration: r.migrationName }, 'store: migration failed');
    }
    if (error) throw new VitaliveError('SERVICE_UNAVAILABLE', { what: 'store migration' }, { cause: error });
    this.#schemaVersion = Object.keys(migrations).sort().at(-1);
  }

  /** A real round trip: reads a row the first migration wrote. */
  async ping(): Promise<void> {
    await this.db
      .selectFrom('store_meta')
      .select('value')
      .where('key', '=', 'created_at_ms')
      .executeTakeFirstOrThrow();
  }

  async health(): Promise<StoreHealth> {
    const base = { dialect: this.dialect, schemaVersion: this.#schemaVersion };
    if (this.#closing) return { state: 'closed', ...base };
    try {
      await this.ping();
      return { state: 'ok', ...base };
    } catch (err) {
      return { state: 'down', ...base, error: (err as Error).message };
    }
  }

  /**
   * Runs fn in one transaction. Once it commits with events appended: on PostgreSQL they get their
   * outbox positions before this returns (so the outbox holds a write's events once the write is
   * done, as on SQLite), then this process's event buses wake.
   */
  async transaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    let used: Kysely<Database> | undefined;
    const result = await this.db.transaction().execute((trx) => {
      used = trx;
      return fn(trx);
    });
    if (!used || !appendedEventsIn(used)) return result;
    if (this.dialect === 'postgres') {
      // The write has committed: failing it now would invite a retry of something done. Its events
      // stay pending, and the next reader (readEvents) positions them.
      const result = await positionPendingEvents(this.db).catch((err: unknown) => err as Error);
      if (result instanceof Error || result === 'stalled') {
        const err = result instanceof Error ? result.message : 'sequencer lock held past its bound';
        this.#logger.warn({ err }, 'outbox: positioning after commit failed; left to the next reader');
      }
    }
    this.#wakeups.committed();
    return result;
  }

  close(): Promise<void> {
    this.#closing ??= Promise.all([
      this.#wakeups.close(),
      this.db.destroy(),
      this.background === this.db ? undefined : this.background.destroy(),
    ]).then(() => undefined);
    return this.#closing;
  }
}

/**
 * Statements with longer SQL are not kept: multi-row writes of a batch (viewer events, rollup upserts)
 * have a text per batch size, rarely seen twice, and each holds hundreds of KB of native memory. Cached,
 * a 10,000-viewer join storm left ≈ 100 of them in the cache and ≈ 20 MB more in the malloc arena;
 * uncached, each is freed with its short-lived statement object.
 */
const MAX_CACHED_SQL_CHARS = 2048;

/**
 * Kysely prepares every query anew; better-sqlite3 statements are reusable, so keep the most recent
 * ones by SQL text (the order path runs the same dozen statements over and over).
 */
function withStatementCache(database: SQLite.Database, max = 500): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(sqlText: string) {
      if (sqlText.length > MAX_CACHED_SQL_CHARS)
        return database.prepare(sqlText) as unknown as ReturnType<SqliteDatabase['prepare']>;
      let stmt = cache.get(sqlText);
      if (stmt) {
        // Most recently used last, so the first key is the one to evict.
        cache.delete(sqlText);
      } else {
        stmt = database.prepare(sqlText);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(sqlText, stmt);
      return stmt as unknown as ReturnType<SqliteDatabase['prepare']>;
    },
  };
}
