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
  | 'device_mismatch'
  /** An identity or tag field outside READING_FIELDS (length, charset or integer range). */
  | 'field_invalid'
  /** Forwarded, and refused by the core (its code and message are kept with the reading). */
  | 'refused_by_core';

/**
 * What a reading's fields may hold: the one definition both ends use. The edge checks every decoded
 * reading against it (checkReadingFields) and the core's ingest schema is built from it, so a reading
 * the edge accepts is never refused downstream (string lengths are counted in code points, as the
 * JSON-schema validator and PostgreSQL's varchar do).
 */
export const READING_FIELDS = {
  /** Same as every other id on the platform; column varchar(64). */
  deviceId: { minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' },
  /** uint32 on the wire; column bigint. */
  bootId: { minimum: 0, maximum: 4_294_967_295 },
  /** uint64 on the wire, but JSON numbers (and JS) are exact only up to 2^53 - 1; column bigint. */
  seq: { minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  measuredAtMs: { minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  receivedAtMs: { minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  /**
   * Printed or typed text: no control characters (PostgreSQL refuses NUL in text) and no unpaired
   * surrogates (not encodable as UTF-8). Column varchar(32).
   */
  memberCode: { minLength: 1, maxLength: 32, pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f\\ud800-\\udfff]+$' },
  /** Same charset; column varchar(64). */
  eventId: { minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f\\ud800-\\udfff]+$' },
} as const;

// Compiled with the u flag, as the JSON-schema validator does: a surrogate pair is one code point.
const FIELD_PATTERNS = {
  deviceId: new RegExp(READING_FIELDS.deviceId.pattern, 'u'),
  memberCode: new RegExp(READING_FIELDS.memberCode.pattern, 'u'),
  eventId: new RegExp(READING_FIELDS.eventId.pattern, 'u'),
};

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function badText(
  value: string,
  spec: { minLength: number; maxLength: number },
  pattern: RegExp,
): string | undefined {
  const n = codePoints(value);
  if (n < spec.minLength || n > spec.maxLength)
    return `length ${n} outside ${spec.minLength}..${spec.maxLength}`;
  if (!pattern.test(value)) return 'characters not allowed';
  return undefined;
}

function badInteger(value: number, spec: { minimum: number; maximum: number }): string | undefined {
  if (!Number.isSafeInteger(value) || value < spec.minimum || value > spec.maximum)
    return `not an integer in ${spec.minimum}..${spec.maximum}`;
  return undefined;
}

/**
 * The first field of `r` outside READING_FIELDS or the metric's physical range, as "field: problem",
 * or undefined when every field is acceptable. Used by the edge on decode and by the core on ingest.
 */
export function checkReadingFields(r: ReadingRecord & { receivedAtMs?: number }): string | undefined {
  const problems: [string, string | undefined][] = [
    ['deviceId', badText(r.deviceId, READING_FIELDS.deviceId, FIELD_PATTERNS.deviceId)],
    ['bootId', badInteger(r.bootId, READING_FIELDS.bootId)],
    ['seq', badInteger(r.seq, READING_FIELDS.seq)],
    ['measuredAtMs', badInteger(r.measuredAtMs, READING_FIELDS.measuredAtMs)],
    [
      'receivedAtMs',
      r.receivedAtMs === undefined ? undefined : badInteger(r.receivedAtMs, READING_FIELDS.receivedAtMs),
    ],
    [
      'memberCode',
      r.memberCode === null
        ? undefined
        : badText(r.memberCode, READING_FIELDS.memberCode, FIELD_PATTERNS.memberCode),
    ],
    [
      'eventId',
      r.eventId === null ? undefined : badText(r.eventId, READING_FIELDS.eventId, FIELD_PATTERNS.eventId),
    ],
  ];
  for (const [field, problem] of problems) if (problem) return `${field}: ${problem}`;
  const range = Object.values(METRIC_RANGES).find((m) => m.name === r.metric);
  if (!range) return `metric: unknown ${String(r.metric).slice(0, 32)}`;
  if (!Number.isFinite(r.value) || r.value < range.min || r.value > range.max)
    return `value: outside ${range.min}..${range.max} for ${range.name}`;
  return undefined;
}

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
  const reading: ReadingRecord = {
    deviceId,
    bootId: r.bootId,
    seq: toNumber(r.seq),
    metric: range.name,
    value: r.value,
    measuredAtMs,
    memberCode: r.memberCode ? r.memberCode : null,
    eventId: r.eventId ? r.eventId : null,
  };
  if (checkReadingFields(reading)) return { ok: false, reason: 'field_invalid' };
  return { ok: true, reading };
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
