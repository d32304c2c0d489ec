// Device registry: a random 256-bit secret is shown once at registration/rotation; only its SHA-256 is
// kept and compared in constant time (random secrets need no slow hash, so connects stay cheap).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EdgeDb } from './db.ts';

export interface DeviceInfo {
  id: string;
  kind: string;
  location: string;
  disabled: boolean;
  createdAtMs: number;
}

type Row = { id: string; kind: string; location: string; disabled: number; created_at: number };

export const DEVICE_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
const ID_RE = new RegExp(DEVICE_ID_PATTERN);

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

export class DeviceRegistry {
  readonly #db: EdgeDb;
  readonly #hashes = new Map<string, { hash: Buffer; disabled: boolean }>();

  constructor(db: EdgeDb) {
    this.#db = db;
    for (const r of db.prepare('SELECT id, secret_sha256, disabled FROM devices').all() as {
      id: string;
      secret_sha256: Buffer;
      disabled: number;
    }[])
      this.#hashes.set(r.id, { hash: r.secret_sha256, disabled: r.disabled === 1 });
  }

  static validId(id: string): boolean {
    return ID_RE.test(id);
  }

  /** Registers a device; returns the secret (shown once), or undefined when the id is taken. */
  register(id: string, kind: string, location: string): string | undefined {
    if (!DeviceRegistry.validId(id)) throw new RangeError('invalid device id');
    const secret = randomBytes(32).toString('base64url');
    const hash = sha256(secret);
    const res = this.#db
      .prepare(
        'INSERT OR IGNORE INTO devices (id, kind, location, secret_sha256, created_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(id, kind, location, hash, Date.now());
    if (res.changes === 0) return undefined;
    this.#hashes.set(id, { hash, disabled: false });
    return secret;
  }

  /** New secret for a known device (undefined when unknown); the old one stops working at once. */
  rotate(id: string): string | undefined {
    const secret = randomBytes(32).toString('base64url');
    const hash = sha256(secret);
    const res = this.#db.prepare('UPDATE devices SET secret_sha256 = ? WHERE id = ?').run(hash, id);
    if (res.changes === 0) return undefined;
    // A device another process registered (and perhaps disabled) after start is not cached yet: its
    // disabled flag comes from the file, never from a default.
    const disabled = this.#hashes.get(id)?.disabled ?? this.#load(id)?.disabled ?? false;
    this.#hashes.set(id, { hash, disabled });
    return secret;
  }

  setDisabled(id: string, disabled: boolean): boolean {
    const res = this.#db.prepare('UPDATE devices SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, id);
    const cur = this.#hashes.get(id);
    if (cur) cur.disabled = disabled;
    return res.changes > 0;
  }

  verify(id: string, secret: string): 'ok' | 'bad' | 'disabled' {
    // Read through on a miss: devices may be registered by the CLI while the edge runs.
    const cur = this.#hashes.get(id) ?? this.#load(id);
    const given = sha256(secret);
    // Compare against a dummy for unknown ids so timing does not reveal which ids exist.
    const ok = timingSafeEqual(given, cur?.hash ?? Buffer.alloc(32));
    if (!ok || cur === undefined) return 'bad';
    return cur.disabled ? 'disabled' : 'ok';
  }

  #load(id: string): { hash: Buffer; disabled: boolean } | undefined {
    const r = this.#db.prepare('SELECT secret_sha256, disabled FROM devices WHERE id = ?').get(id) as
      | { secret_sha256: Buffer; disabled: number }
      | undefined;
    if (!r) return undefined;
    const entry = { hash: r.secret_sha256, disabled: r.disabled === 1 };
    this.#hashes.set(id, entry);
    return entry;
  }

  get(id: string): DeviceInfo | undefined {
    const r = this.#db.prepare('SELECT * FROM devices WHERE id = ?').get(id) as Row | undefined;
    return r ? toInfo(r) : undefined;
  }

  list(): DeviceInfo[] {
    return (this.#db.prepare('SELECT * FROM devices ORDER BY id').all() as Row[]).map(toInfo);
  }
}

function toInfo(r: Row): DeviceInfo {
  return {
    id: r.id,
    kind: r.kind,
    location: r.location,
    disabled: r.disabled === 1,
    createdAtMs: r.created_at,
  };
}
