// Kysely table types of migration 0005-readings.
import type { Generated } from 'kysely';

export interface ReadingsTable {
  id: Generated<number>;
  device_id: string;
  boot_id: number;
  seq: number;
  metric: string;
  value: number;
  measured_at_ms: number;
  member_code: string | null;
  event_id: string | null;
  person_id: string | null;
  received_at_ms: number;
  ingested_at_ms: number;
}

export interface ReadingsAccessLogTable {
  id: Generated<number>;
  actor_id: string;
  person_id: string;
  action: string;
  at_ms: number;
}

export interface EdgeTokensTable {
  id: string;
  name: string;
  token_sha256: string;
  created_by: string;
  created_at_ms: number;
  revoked_at_ms: number | null;
}
