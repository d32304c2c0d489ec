// Edge test helpers: a temp data dir, an in-memory ReadingSink that keeps what it receives
// (idempotent by identity, like the real sinks), and device connection shortcuts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import type { JournaledReading, ReadingSink } from '../../edge/index.ts';

export function tempDir(prefix = 'edge-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export const identity = (r: { deviceId: string; bootId: number; seq: number }) =>
  `${r.deviceId}/${r.bootId}/${r.seq}`;

export class CollectingSink implements ReadingSink {
  readonly received: JournaledReading[] = [];
  readonly ids = new Set<string>();
  writes = 0;
  async write(readings: readonly JournaledReading[]): Promise<void> {
    this.writes++;
    for (const r of readings) {
      const k = identity(r);
      if (this.ids.has(k)) continue;
      this.ids.add(k);
      this.received.push(r);
    }
  }
}

export function connectDevice(port: number, id: string, secret: string, opts: mqtt.IClientOptions = {}) {
  return mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    protocolVersion: 4,
    clientId: id,
    username: id,
    password: secret,
    reconnectPeriod: 0,
    ...opts,
  });
}
