// What the device packet handlers share: the edge's registry, presence and journal, and the two
// bookkeeping paths (quarantine, ACL violation) whose counters the edge reports in its health.
import type { Logger } from 'pino';
import type { QuarantineReason } from '../../protocols/index.ts';
import type { DeviceRegistry } from '../devices.ts';
import type { Journal } from '../journal.ts';
import type { Presence } from '../presence.ts';

export interface DeviceContext {
  readonly devices: DeviceRegistry;
  readonly presence: Presence;
  readonly journal: Journal;
  readonly logger: Logger;
  /** Largest reading payload decoded (bytes); a longer one is quarantined, truncated to this size. */
  readonly maxPayloadBytes: number;
  /** Sets an invalid reading aside with its reason (counted, stored, logged at most once a minute). */
  quarantine(deviceId: string, reason: QuarantineReason, payload: Buffer): void;
  /** A publish or subscribe outside the device's own topics: counted and logged; aedes then disconnects. */
  aclViolation(deviceId: string, action: 'publish' | 'subscribe', topic: string): void;
}
