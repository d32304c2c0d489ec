// The edge's own SQLite file (WAL) in the data dir: device registry, readings journal and quarantine.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type EdgeDb = Database.Database;

export function openEdgeDb(dataDir: string, fileName = 'edge.db'): EdgeDb {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, fileName));
  db.pragma('journal_mode = WAL');
  // FULL: each group commit is fsynced, so an acknowledged reading also survives power loss.
  db.pragma('synchronous = FULL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS devices (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      location TEXT NOT NULL,
      secret_sha256 BLOB NOT NULL,
      disabled INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS journal (
      id INTEGER PRIMARY KEY,
      device_id TEXT NOT NULL,
      boot_id INTEGER NOT NULL,
      seq INTEGER NOT NULL,
      metric TEXT NOT NULL,
      value REAL NOT NULL,
      measured_at_ms INTEGER NOT NULL,
      member_code TEXT,
      event_id TEXT,
      received_at_ms INTEGER NOT NULL,
      UNIQUE (device_id, boot_id, seq)
    );
    CREATE TABLE IF NOT EXISTS journal_cursor (
      k INTEGER PRIMARY KEY CHECK (k = 1),
      forwarded_id INTEGER NOT NULL
    );
    INSERT OR IGNORE INTO journal_cursor (k, forwarded_id) VALUES (1, 0);
    CREATE TABLE IF NOT EXISTS quarantine (
      id INTEGER PRIMARY KEY,
      device_id TEXT NOT NULL,
      reason TEXT NOT NULL,
      payload BLOB NOT NULL,
      received_at_ms INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS quarantine_device ON quarantine (device_id);
  `);
  return db;
}
