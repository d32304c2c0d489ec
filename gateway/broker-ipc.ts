// Messages between the platform process and its broker child (gateway/broker-child.ts) over the
// child_process IPC channel. The child owns the edge (broker, device registry, journal, presence); the
// parent owns commerce: readings cross as ingest requests the parent answers once they are stored.
import type { JournaledReading } from '../edge/index.ts';
import type { PlatformConfig } from './config.ts';

/** What the child needs to start its edge. */
export interface BrokerStartOptions {
  host: string;
  port: number;
  dataDir: string;
  logLevel: string;
  limits: PlatformConfig['mqtt']['limits'];
  quarantine: PlatformConfig['quarantine'];
}

/** The edge methods the parent may call in the child (device admin, presence, health). */
export type BrokerCallMethod =
  | 'health'
  | 'summary'
  | 'registerDevice'
  | 'listDevices'
  | 'getDevice'
  | 'rotateSecret'
  | 'setDisabled'
  | 'sendCommand';

export type ParentToChild =
  | { t: 'start'; options: BrokerStartOptions }
  /** error/code: commerce's refusal; the code lets the forwarder isolate a reading it refused. */
  | { t: 'ingested'; id: number; error?: string; code?: string }
  | { t: 'call'; id: number; method: BrokerCallMethod; args: unknown[] }
  | { t: 'close' };

export type ChildToParent =
  | { t: 'ready'; port: number }
  | { t: 'ingest'; id: number; readings: JournaledReading[] }
  | { t: 'reply'; id: number; value?: unknown; error?: string };
