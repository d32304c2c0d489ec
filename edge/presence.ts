// Presence and counters per device, from connect/disconnect and the readings path, all in memory.
export interface DevicePresence {
  online: boolean;
  lastSeenMs: number | null;
  readingsToday: number;
  quarantined: number;
  aclViolations: number;
}

type Entry = DevicePresence & { connections: number; day: number };

/** UTC day number: a division, since it runs for every reading. */
const dayOf = (ms: number) => Math.floor(ms / 86_400_000);

export class Presence {
  readonly #devices = new Map<string, Entry>();
  /** Readings per second over the last minute, as a ring of 60 buckets. */
  readonly #buckets = new Array<number>(60).fill(0);
  #bucketSec = 0;

  #entry(id: string, now: number): Entry {
    let e = this.#devices.get(id);
    const day = dayOf(now);
    if (!e) {
      e = {
        online: false,
        lastSeenMs: null,
        readingsToday: 0,
        quarantined: 0,
        aclViolations: 0,
        connections: 0,
        day,
      };
      this.#devices.set(id, e);
    } else if (e.day !== day) {
      e.day = day;
      e.readingsToday = 0;
    }
    return e;
  }

  connected(id: string, now = Date.now()): void {
    const e = this.#entry(id, now);
    e.connections++;
    e.online = true;
    e.lastSeenMs = now;
  }

  disconnected(id: string, now = Date.now()): void {
    const e = this.#entry(id, now);
    e.connections = Math.max(0, e.connections - 1);
    e.online = e.connections > 0;
    e.lastSeenMs = now;
  }

  reading(id: string, now = Date.now()): void {
    const e = this.#entry(id, now);
    e.readingsToday++;
    e.lastSeenMs = now;
    this.#advance(now);
    this.#buckets[this.#bucketSec % 60]!++;
  }

  quarantined(id: string, now = Date.now()): void {
    const e = this.#entry(id, now);
    e.quarantined++;
    e.lastSeenMs = now;
  }

  aclViolation(id: string, now = Date.now()): void {
    this.#entry(id, now).aclViolations++;
  }

  get(id: string, now = Date.now()): DevicePresence {
    const { connections: _c, day: _d, ...rest } = this.#entry(id, now);
    return rest;
  }

  online(): number {
    let n = 0;
    for (const e of this.#devices.values()) if (e.online) n++;
    return n;
  }

  readingsPerMinute(now = Date.now()): number {
    this.#advance(now);
    return this.#buckets.reduce((a, b) => a + b, 0);
  }

  #advance(now: number): void {
    const sec = Math.floor(now / 1000);
    if (this.#bucketSec === 0) this.#bucketSec = sec;
    for (let s = this.#bucketSec + 1; s <= sec && s <= this.#bucketSec + 60; s++) this.#buckets[s % 60] = 0;
    if (sec > this.#bucketSec) this.#bucketSec = sec;
  }
}
