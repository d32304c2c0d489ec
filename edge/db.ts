// The edge's own SQLite file (WAL) in the data dir: device registry, and the quarantine table earlier
// versions wrote (the readings journal and the quarantine have their own files: journal.ts,
// quarantine.ts).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type EdgeDb = Database.Database;

export function openEdgeDb(dataDir: string, fileName = 'edge.db'): EdgeDb {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, fileName));
  db.pragma('journal_mode = WAL');
  // FULL: a registered device is on disk once its statement returns.
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
