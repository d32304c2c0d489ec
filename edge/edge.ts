// The edge gateway's lifecycle: aedes broker, journal, forwarder, quarantine and presence, built and
// closed together, plus device admin and commands. What a device's packets do is in handlers/. One
// instance per process; the composition root passes a ReadingSink.
import path from 'node:path';
import type { Client } from 'aedes';
import type { Logger } from 'pino';
import { DEVICE_TOPICS, type DeviceCommand, type QuarantineReason } from '../protocols/index.ts';
import { EdgeBroker, type EdgeBrokerHealth } from './broker.ts';
import { type EdgeDb, openEdgeDb } from './db.ts';
import { type DeviceInfo, DeviceRegistry } from './devices.ts';
import { Forwarder, type ForwarderOptions, type ReadingSink } from './forwarder.ts';
import { deviceHandlers } from './handlers/index.ts';
import { Journal, type JournaledReading, type JournalOptions } from './journal.ts';
import { importLegacyJournal } from './journal-legacy.ts';
import type { MqttLimits } from './mqtt-guard.ts';
import { type DevicePresence, Presence } from './presence.ts';
import { Quarantine, type QuarantineOptions } from './quarantine.ts';

export interface EdgeOptions {
  host: string;
  port: number;
  dataDir: string;
  logger: Logger;
  sink: ReadingSink;
  maxPayloadBytes?: number;
  journal?: Partial<JournalOptions>;
  forwarder?: Partial<ForwarderOptions>;
  /** MQTT connection limits (the composition root's settings); omitted → none. */
  mqttLimits?: MqttLimits;
  quarantine?: Partial<QuarantineOptions>;
}

export type EdgeHealth = EdgeBrokerHealth & {
  journalDepth: number;
  oldestUnforwardedAgeMs: number;
  forwarded: number;
  forwardFailures: number;
  quarantined: number;
  /** Quarantine entries on disk since start, and those over the per-device cap (counted only). */
  quarantineStored: number;
  quarantineDropped: number;
  quarantineBytes: number;
  /** Readings the core refused after forwarding (quarantined as refused_by_core). */
  refusedByCore: number;
  aclViolations: number;
};

export type DeviceWithPresence = DeviceInfo & DevicePresence;

const isReadingsTopic = (topic: string) => topic.startsWith('devices/') && topic.endsWith('/readings');

export class Edge {
  readonly broker: EdgeBroker;
  readonly presence = new Presence();
  readonly #opts: EdgeOptions;
  readonly #db: EdgeDb;
  readonly devices: DeviceRegistry;
  readonly journal: Journal;
  readonly forwarder: Forwarder;
  readonly #maxPayload: number;
  readonly #quarantineLoggedAt = new Map<string, number>();
  readonly quarantine: Quarantine;
  #closing: Promise<void> | undefined;
  quarantinedTotal = 0;
  aclViolationsTotal = 0;

  constructor(opts: EdgeOptions) {
    this.#opts = opts;
    this.#maxPayload = opts.maxPayloadBytes ?? 1024;
    this.#db = openEdgeDb(opts.dataDir);
    this.devices = new DeviceRegistry(this.#db);
    this.journal = new Journal(path.join(opts.dataDir, 'journal'), {
      maxRows: 1_000_000,
      maxTail: 50_000,
      segmentRows: 100_000,
      ...opts.journal,
    });
    const moved = importLegacyJournal(this.#db, this.journal);
    if (moved > 0) opts.logger.info({ readings: moved }, 'journal backlog moved from edge.db');
    this.forwarder = new Forwarder(
      this.journal,
      opts.sink,
      // Large, lingering batches: commerce's readings index is ordered by device, so a transaction
      // rewrites about one index page per device it touches; 5,000 readings (the ingest route's bound)
      // collected over up to 50 ms spread that cost over several readings per device.
      { batchSize: 5000, lingerMs: 50, backoffBaseMs: 200, backoffMaxMs: 30_000, ...opts.forwarder },
      opts.logger,
      (reading, reason) => this.#refusedDownstream(reading, reason),
    );
    this.quarantine = new Quarantine(
      path.join(opts.dataDir, 'quarantine'),
      opts.quarantine ?? {},
      opts.logger,
    );
    this.broker = new EdgeBroker({
      host: opts.host,
      port: opts.port,
      logger: opts.logger,
      // Nobody may subscribe to a readings topic: a device only to its own commands (handlers/subscribe.ts).
      unrouted: isReadingsTopic,
      ...(opts.mqttLimits ? { limits: opts.mqttLimits } : {}),
      aedes: deviceHandlers({
        devices: this.devices,
        presence: this.presence,
        journal: this.journal,
        logger: opts.logger,
        maxPayloadBytes: this.#maxPayload,
        quarantine: (id, reason, payload) => this.#quarantine(id, reason, payload),
        aclViolation: (id, action, topic) => this.#aclViolation(id, action, topic),
      }),
    });
  }

  async start(): Promise<void> {
    await this.broker.start();
    const aedes = this.broker.aedes;
    aedes.on('client', (c) => this.presence.connected(c.id));
    aedes.on('clientDisconnect', (c) => this.presence.disconnected(c.id));
    this.forwarder.start();
  }

  get port(): number {
    return this.broker.port;
  }

  #aclViolation(id: string, action: string, topic: string): void {
    this.aclViolationsTotal++;
    this.presence.aclViolation(id);
    this.#opts.logger.warn({ device: id, action, topic }, 'device ACL violation; connection closed');
  }

  #quarantine(id: string, reason: QuarantineReason, payload: Buffer, detail: string | null = null): void {
    const now = Date.now();
    this.quarantinedTotal++;
    this.presence.quarantined(id, now);
    const stored = payload.length > this.#maxPayload ? payload.subarray(0, this.#maxPayload) : payload;
    this.quarantine.add({ deviceId: id, reason, detail, receivedAtMs: now, payload: stored });
    const last = this.#quarantineLoggedAt.get(id) ?? 0;
    if (now - last >= 60_000) {
      this.#quarantineLoggedAt.set(id, now);
      this.#opts.logger.warn({ device: id, reason, detail }, 'reading quarantined');
    }
  }

  /** A journaled reading the core refused: kept in the quarantine (as JSON) with the core's answer. */
  #refusedDownstream(r: JournaledReading, reason: string): void {
    const { id: _journalId, ...reading } = r;
    this.#quarantine(r.deviceId, 'refused_by_core', Buffer.from(JSON.stringify(reading)), reason);
  }

  /** Quarantined readings of one device (newest first). */
  async quarantineOf(
    id: string,
    limit = 100,
  ): Promise<{ reason: QuarantineReason; detail: string | null; receivedAtMs: number }[]> {
    return (await this.quarantine.entriesOf(id, limit)).map((e) => ({
      reason: e.reason,
      detail: e.detail,
      receivedAtMs: e.receivedAtMs,
    }));
  }

  // Device admin (called by the gateway's device routes).

  registerDevice(id: string, kind: string, location: string): string | undefined {
    return this.devices.register(id, kind, location);
  }

  /** New secret; the live connection (authenticated with the old one) is closed. */
  rotateSecret(id: string): string | undefined {
    const secret = this.devices.rotate(id);
    if (secret !== undefined) this.#kick(id);
    return secret;
  }

  setDisabled(id: string, disabled: boolean): boolean {
    const ok = this.devices.setDisabled(id, disabled);
    if (ok && disabled) this.#kick(id);
    return ok;
  }

  #kick(id: string): void {
    // aedes keeps live clients by id (not in its typings); client id = device id, enforced at connect.
    const clients = (this.broker.aedes as unknown as { clients: Record<string, Client | undefined> }).clients;
    clients[id]?.close();
  }

  listDevices(): DeviceWithPresence[] {
    return this.devices.list().map((d) => ({ ...d, ...this.presence.get(d.id) }));
  }

  getDevice(id: string): DeviceWithPresence | undefined {
    const d = this.devices.get(id);
    return d ? { ...d, ...this.presence.get(id) } : undefined;
  }

  /** Publishes a command (QoS 1, not retained) to the device's commands topic. */
  sendCommand(id: string, command: DeviceCommand): Promise<void> {
    const body = {
      command,
      issuedAtMs: Date.now(),
      ...(command === 'sync-time' ? { nowMs: Date.now() } : {}),
    };
    return new Promise((resolve, reject) =>
      this.broker.aedes.publish(
        {
          cmd: 'publish',
          topic: DEVICE_TOPICS.commands(id),
          payload: Buffer.from(JSON.stringify(body)),
          qos: 1,
          retain: false,
          dup: false,
        },
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  }

  /** For the staff stream: devices online and readings accepted over the last minute. */
  summary = async (): Promise<{ online: number; readingsPerMinute: number }> => ({
    online: this.presence.online(),
    readingsPerMinute: this.presence.readingsPerMinute(),
  });

  health(): EdgeHealth {
    return {
      ...this.broker.health(),
      journalDepth: this.journal.depth,
      oldestUnforwardedAgeMs: this.journal.oldestUnforwardedAgeMs(),
      forwarded: this.forwarder.forwarded,
      forwardFailures: this.forwarder.failures,
      quarantined: this.quarantinedTotal,
      quarantineStored: this.quarantine.stored,
      quarantineDropped: this.quarantine.dropped,
      quarantineBytes: this.quarantine.bytes,
      refusedByCore: this.forwarder.refused,
      aclViolations: this.aclViolationsTotal,
    };
  }

  /** Idempotent: every call waits for the same shutdown (broker first, so nothing new arrives). */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    await this.broker.close();
    await this.journal.flush();
    await this.forwarder.stop();
    await this.quarantine.close();
    await this.journal.close();
    this.#db.close();
  }
}
