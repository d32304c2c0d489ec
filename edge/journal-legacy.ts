// Moves the unforwarded backlog of the journal's earlier home, a table in edge.db, into the segment
// journal at start-up, then drops the table. A crash halfway only repeats the move, and the journal
// skips the readings it already holds.
import type { EdgeDb } from './db.ts';
import type { Journal } from './journal.ts';

type Row = {
  id: number;
  device_id: string;
  boot_id: number;
  seq: number;
  metric: string;
  value: number;
  measured_at_ms: number;
  member_code: string | null;
  event_id: string | null;
  received_at_ms: number;
};

/** Rows moved per synchronous journal write. */
const CHUNK = 10_000;

/** Returns how many readings were moved (0 when there is no old table). */
export function importLegacyJournal(db: EdgeDb, journal: Journal): number {
  const table = (name: string) =>
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
  if (!table('journal')) return 0;
  const cursor = table('journal_cursor')
    ? ((
        db.prepare('SELECT forwarded_id FROM journal_cursor WHERE k = 1').get() as
          | { forwarded_id: number }
          | undefined
      )?.forwarded_id ?? 0)
    : 0;
  const select = db.prepare(
    `SELECT id, device_id, boot_id, seq, metric, value, measured_at_ms, member_code, event_id, received_at_ms
     FROM journal WHERE id > ? ORDER BY id LIMIT ${CHUNK}`,
  );
  let moved = 0;
  for (let from = cursor; ; ) {
    const rows = select.all(from) as Row[];
    if (rows.length === 0) break;
    moved += journal.importSync(
      rows.map((r) => ({
        deviceId: r.device_id,
        bootId: r.boot_id,
        seq: r.seq,
        metric: r.metric,
        value: r.value,
        measuredAtMs: r.measured_at_ms,
        memberCode: r.member_code,
        eventId: r.event_id,
        receivedAtMs: r.received_at_ms,
      })),
    );
    if (rows.length < CHUNK) break;
    from = rows.at(-1)!.id;
  }
  db.exec('DROP TABLE journal; DROP TABLE IF EXISTS journal_cursor;');
  return moved;
}
