// The journal's on-disk format: append-only segment files `<first id>.log` of framed records.
//   frame = u32 body length | u32 CRC-32 of the body | body            (little endian)
//   body  = f64 id | f64 received_at_ms | f64 seq | f64 value | f64 measured_at_ms | u32 boot_id
//           | device_id | metric | member_code | event_id             (each u16 byte length + UTF-8;
//                                                                       0xffff = null)
// A crash can leave only a torn last frame (never acknowledged: the ack waits for fdatasync), which the
// length and checksum detect, so recovery truncates the segment there.
import { crc32 } from 'node:zlib';
import type { ReadingRecord } from '../protocols/index.ts';

export interface JournaledReading extends ReadingRecord {
  /** Journal position: increases by one per journaled reading, in acceptance order. */
  id: number;
  receivedAtMs: number;
}

const HEADER_BYTES = 8;
const FIXED_BODY_BYTES = 5 * 8 + 4;
const NULL_STRING = 0xffff;
/** Longest string field: the payload limit keeps real ones far below (device ids are ≤ 64 characters). */
const MAX_STRING_BYTES = NULL_STRING - 1;
/** A body longer than this cannot have been written by encode(): the frame is torn or corrupt. */
const MAX_BODY_BYTES = FIXED_BODY_BYTES + 4 * (2 + MAX_STRING_BYTES);

export const SEGMENT_SUFFIX = '.log';

export function segmentName(firstId: number): string {
  return `${String(firstId).padStart(16, '0')}${SEGMENT_SUFFIX}`;
}

/** First id of a segment file name, or undefined for any other file. */
export function segmentFirstId(name: string): number | undefined {
  const m = /^(\d{16})\.log$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** Upper bound of a reading's frame size (UTF-8 takes at most 3 bytes per UTF-16 unit). */
export function maxFrameBytes(r: ReadingRecord): number {
  const chars = r.deviceId.length + r.metric.length + (r.memberCode?.length ?? 0) + (r.eventId?.length ?? 0);
  return HEADER_BYTES + FIXED_BODY_BYTES + 8 + 3 * chars;
}

function writeString(buf: Buffer, at: number, s: string | null): number {
  if (s === null) {
    buf.writeUInt16LE(NULL_STRING, at);
    return at + 2;
  }
  const n = buf.write(s, at + 2, 'utf8');
  if (n > MAX_STRING_BYTES) throw new RangeError('journal string field too long');
  buf.writeUInt16LE(n, at);
  return at + 2 + n;
}

/** Writes one frame at `at` (the buffer holds at least maxFrameBytes(r) from there); returns its end. */
export function encodeFrame(buf: Buffer, at: number, r: JournaledReading): number {
  const body = at + HEADER_BYTES;
  buf.writeDoubleLE(r.id, body);
  buf.writeDoubleLE(r.receivedAtMs, body + 8);
  buf.writeDoubleLE(r.seq, body + 16);
  buf.writeDoubleLE(r.value, body + 24);
  buf.writeDoubleLE(r.measuredAtMs, body + 32);
  buf.writeUInt32LE(r.bootId, body + 40);
  let p = writeString(buf, body + FIXED_BODY_BYTES, r.deviceId);
  p = writeString(buf, p, r.metric);
  p = writeString(buf, p, r.memberCode);
  p = writeString(buf, p, r.eventId);
  buf.writeUInt32LE(p - body, at);
  buf.writeUInt32LE(crc32(buf.subarray(body, p)), at + 4);
  return p;
}

function readString(buf: Buffer, at: number, end: number): [string | null, number] {
  if (at + 2 > end) throw new RangeError('truncated');
  const n = buf.readUInt16LE(at);
  if (n === NULL_STRING) return [null, at + 2];
  if (at + 2 + n > end) throw new RangeError('truncated');
  return [buf.toString('utf8', at + 2, at + 2 + n), at + 2 + n];
}

export type Frame = { reading: JournaledReading; end: number };

/**
 * Decodes the frame at `at` of buf[0, end); undefined when the bytes there are not a whole, intact
 * frame (end of data, or a torn/corrupt tail).
 */
export function decodeFrame(buf: Buffer, at: number, end: number): Frame | undefined {
  if (at + HEADER_BYTES > end) return undefined;
  const len = buf.readUInt32LE(at);
  const body = at + HEADER_BYTES;
  if (len < FIXED_BODY_BYTES + 8 || len > MAX_BODY_BYTES || body + len > end) return undefined;
  if (crc32(buf.subarray(body, body + len)) !== buf.readUInt32LE(at + 4)) return undefined;
  const stop = body + len;
  try {
    const [deviceId, p1] = readString(buf, body + FIXED_BODY_BYTES, stop);
    const [metric, p2] = readString(buf, p1, stop);
    const [memberCode, p3] = readString(buf, p2, stop);
    const [eventId] = readString(buf, p3, stop);
    if (deviceId === null || metric === null) return undefined;
    return {
      reading: {
        id: buf.readDoubleLE(body),
        receivedAtMs: buf.readDoubleLE(body + 8),
        deviceId,
        bootId: buf.readUInt32LE(body + 40),
        seq: buf.readDoubleLE(body + 16),
        metric,
        value: buf.readDoubleLE(body + 24),
        measuredAtMs: buf.readDoubleLE(body + 32),
        memberCode,
        eventId,
      },
      end: stop,
    };
  } catch {
    return undefined;
  }
}
