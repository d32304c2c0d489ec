// The device wire contract: MQTT topics, metric ranges and the validation of a decoded Reading.
// The protobuf code itself is generated from device.proto into generated/ (npm run gen:proto).
import { vitalive } from './generated/device.js';

export const DeviceReading = vitalive.device.Reading;
export const DeviceReadingBatch = vitalive.device.ReadingBatch;
export const Metric = vitalive.device.Metric;

/** Physical range [min, max] per metric, checked by the edge. Keyed by the enum number. */
export const METRIC_RANGES: Readonly<Record<number, { name: string; min: number; max: number }>> = {
  1: { name: 'WEIGHT_KG', min: 1, max: 500 },
  2: { name: 'BODY_FAT_PCT', min: 1, max: 80 },
  3: { name: 'MUSCLE_MASS_KG', min: 1, max: 200 },
  4: { name: 'VISCERAL_FAT_LEVEL', min: 1, max: 60 },
  5: { name: 'BMI', min: 5, max: 100 },
  6: { name: 'SYSTOLIC_MMHG', min: 40, max: 300 },
  7: { name: 'DIASTOLIC_MMHG', min: 20, max: 200 },
  8: { name: 'PULSE_BPM', min: 20, max: 250 },
  9: { name: 'GLUCOSE_MMOL_L', min: 0.5, max: 50 },
};

export const METRIC_NAMES = Object.values(METRIC_RANGES).map((r) => r.name);

export const DEVICE_TOPICS = {
  readings: (id: string) => `devices/${id}/readings`,
  status: (id: string) => `devices/${id}/status`,
  commands: (id: string) => `devices/${id}/commands`,
} as const;

export const DEVICE_COMMANDS = ['identify', 'sync-time'] as const;
export type DeviceCommand = (typeof DEVICE_COMMANDS)[number];

/** A validated reading as the edge journals and forwards it. */
export interface ReadingRecord {
  deviceId: string;
  bootId: number;
  seq: number;
  metric: string;
  value: number;
  measuredAtMs: number;
  memberCode: string | null;
  eventId: string | null;
}

export type QuarantineReason =
  | 'decode_failed'
  | 'too_large'
  | 'unknown_metric'
  | 'out_of_range'
  | 'future_timestamp'
  | 'device_mismatch';

export const MAX_FUTURE_MS = 5 * 60_000;

type Check = { ok: true; reading: ReadingRecord } | { ok: false; reason: QuarantineReason };

function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** Decodes and validates one Reading payload published by `deviceId`. */
export function decodeReading(payload: Uint8Array, deviceId: string, nowMs: number, maxBytes: number): Check {
  if (payload.length > maxBytes) return { ok: false, reason: 'too_large' };
  let r: vitalive.device.Reading;
  try {
    r = DeviceReading.decode(payload);
  } catch {
    return { ok: false, reason: 'decode_failed' };
  }
  const range = METRIC_RANGES[r.metric];
  if (!range) return { ok: false, reason: 'unknown_metric' };
  if (!Number.isFinite(r.value) || r.value < range.min || r.value > range.max)
    return { ok: false, reason: 'out_of_range' };
  const measuredAtMs = toNumber(r.measuredAtMs);
  if (measuredAtMs > nowMs + MAX_FUTURE_MS) return { ok: false, reason: 'future_timestamp' };
  if (r.deviceId !== deviceId) return { ok: false, reason: 'device_mismatch' };
  return {
    ok: true,
    reading: {
      deviceId,
      bootId: r.bootId,
      seq: toNumber(r.seq),
      metric: range.name,
      value: r.value,
      measuredAtMs,
      memberCode: r.memberCode ? r.memberCode : null,
      eventId: r.eventId ? r.eventId : null,
    },
  };
}

/** Encodes a reading (simulator, tests, tools). */
export function encodeReading(r: {
  deviceId: string;
  bootId: number;
  seq: number;
  metric: number;
  value: number;
  measuredAtMs: number;
  memberCode?: string;
  eventId?: string;
}): Uint8Array {
  return DeviceReading.encode(r).finish();
}
