// Limits enforced on each MQTT connection's byte stream before aedes parses it. aedes (and the
// mqtt-packet parser it builds) buffers a packet of any declared length, up to 256 MiB, before the
// client has authenticated; the guard reads every packet's fixed header as bytes go by (type and the
// variable-length "remaining length", MQTT 3.1.1 §2.2.3) and destroys the connection as soon as a
// declared length is over its cap, so aedes never holds more than the cap plus one socket read.
// It never buffers a packet itself: at most the four length bytes of the header being read.
import type net from 'node:net';
import { Duplex } from 'node:stream';
import { type ErrorCode, VitaliveError } from '../protocols/index.ts';

export interface MqttLimits {
  /** Largest CONNECT packet (remaining length, bytes), read before the client is authenticated. 0 disables. */
  maxConnectBytes: number;
  /** Largest packet after CONNECT (remaining length, bytes). 0 disables. */
  maxPacketBytes: number;
  /** Time from accepting a connection to a successful CONNACK (ms). 0 disables. */
  connectTimeoutMs: number;
  /** Connections accepted and not yet acknowledged (CONNACK) at once; more are closed at accept. 0 disables. */
  maxPendingConnections: number;
  /** New connections per remote address per second (a bucket of that size refilled each second). 0 disables. */
  connectsPerIpPerSec: number;
}

/** Why the guard closed a connection: the code of the refusal (protocols/errors.ts). */
export type MqttRefusal = Extract<
  ErrorCode,
  | 'MQTT_PACKET_TOO_LARGE'
  | 'MQTT_CONNECT_TIMEOUT'
  | 'MQTT_PENDING_LIMIT'
  | 'MQTT_CONNECT_RATE_LIMITED'
  | 'MQTT_QOS_UNSUPPORTED'
  | 'MQTT_PROTOCOL_VIOLATION'
>;

const CONNECT = 1;
const PUBLISH = 3;

/**
 * The byte-level reader: feed it chunks; it answers undefined while every packet's declared length is
 * within its cap, or the refusal once one is not. Exported for the guard's unit tests.
 */
export class FixedHeaderScanner {
  readonly #maxConnect: number;
  readonly #maxPacket: number;
  #packets = 0;
  /** 'type': next byte starts a packet; 'length': reading the remaining length; 'body': skipping it. */
  #state: 'type' | 'length' | 'body' = 'type';
  #type = 0;
  #length = 0;
  #multiplier = 1;
  #lengthBytes = 0;
  #skip = 0;

  constructor(maxConnect: number, maxPacket: number) {
    this.#maxConnect = maxConnect;
    this.#maxPacket = maxPacket;
  }

  scan(chunk: Buffer): MqttRefusal | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.#state === 'body') {
        const n = Math.min(this.#skip, chunk.length - i);
        this.#skip -= n;
        i += n;
        if (this.#skip === 0) this.#state = 'type';
        continue;
      }
      const byte = chunk[i++]!;
      if (this.#state === 'type') {
        this.#type = byte >> 4;
        // The first packet must be CONNECT [MQTT-3.1.0-1]; aedes would refuse it too, after buffering it.
        if ((this.#packets === 0) !== (this.#type === CONNECT)) return 'MQTT_PROTOCOL_VIOLATION';
        // Devices publish at QoS 0 or 1: a QoS 2 publish (or the reserved QoS 3) is refused.
        if (this.#type === PUBLISH && ((byte >> 1) & 3) >= 2) return 'MQTT_QOS_UNSUPPORTED';
        this.#state = 'length';
        this.#length = 0;
        this.#multiplier = 1;
        this.#lengthBytes = 0;
        continue;
      }
      this.#length += (byte & 0x7f) * this.#multiplier;
      this.#multiplier *= 128;
      this.#lengthBytes++;
      const cap = this.#type === CONNECT ? this.#maxConnect : this.#maxPacket;
      // Over the cap as soon as the bytes read so far say so (a continuation byte only adds to it).
      if (cap > 0 && this.#length > cap) return 'MQTT_PACKET_TOO_LARGE';
      if (byte & 0x80) {
        if (this.#lengthBytes === 4) return 'MQTT_PROTOCOL_VIOLATION';
        continue;
      }
      this.#packets++;
      this.#skip = this.#length;
      this.#state = this.#skip > 0 ? 'body' : 'type';
    }
    return undefined;
  }
}

/**
 * The stream aedes reads from and writes to in place of the socket: bytes from the socket are scanned
 * and passed on unchanged; a refusal destroys the socket with a coded error.
 */
export class MqttGuard extends Duplex {
  readonly socket: net.Socket;
  readonly #scanner: FixedHeaderScanner;
  readonly #onRefused: (code: MqttRefusal) => void;
  #timer: NodeJS.Timeout | undefined;
  #acknowledged = false;

  constructor(
    socket: net.Socket,
    limits: MqttLimits,
    onRefused: (code: MqttRefusal) => void,
    onSettled: () => void,
  ) {
    super({ allowHalfOpen: false });
    this.socket = socket;
    this.#onRefused = onRefused;
    this.#scanner = new FixedHeaderScanner(limits.maxConnectBytes, limits.maxPacketBytes);
    if (limits.connectTimeoutMs > 0) {
      this.#timer = setTimeout(() => this.refuse('MQTT_CONNECT_TIMEOUT'), limits.connectTimeoutMs);
      this.#timer.unref();
    }
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      if (this.#timer) clearTimeout(this.#timer);
      onSettled();
    };
    this.once('acknowledged', settle);
    socket.once('close', settle);
    socket.on('data', (chunk: Buffer) => {
      const refusal = this.#scanner.scan(chunk);
      if (refusal) {
        this.refuse(refusal);
        return;
      }
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
  }

  /** The client got a successful CONNACK: it no longer counts as pending, and the timeout stops. */
  acknowledged(): void {
    if (this.#acknowledged) return;
    this.#acknowledged = true;
    this.emit('acknowledged');
  }

  /** Closes the connection for the given reason (counted once by the owner). */
  refuse(code: MqttRefusal): void {
    if (this.socket.destroyed) return;
    this.#onRefused(code);
    this.socket.destroy();
    this.destroy(new VitaliveError(code));
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.socket.destroyed) {
      cb();
      return;
    }
    this.socket.write(chunk, (err) => cb(err ?? null));
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.socket.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.socket.destroy();
    cb(err);
  }
}

/** Admission at accept time: connections not yet acknowledged, and new connections per address per second. */
export class MqttAdmission {
  readonly #limits: MqttLimits;
  readonly #buckets = new Map<string, { sec: number; used: number }>();
  pending = 0;

  constructor(limits: MqttLimits) {
    this.#limits = limits;
  }

  /** undefined when the connection may proceed (and then counts as pending until settled). */
  admit(address: string, now = Date.now()): MqttRefusal | undefined {
    const { maxPendingConnections, connectsPerIpPerSec } = this.#limits;
    if (connectsPerIpPerSec > 0) {
      const sec = Math.floor(now / 1000);
      let b = this.#buckets.get(address);
      if (!b || b.sec !== sec) {
        // One entry per address seen within the current second: older ones go on the way.
        if (this.#buckets.size > 10_000) this.#prune(sec);
        b = { sec, used: 0 };
        this.#buckets.set(address, b);
      }
      if (b.used >= connectsPerIpPerSec) return 'MQTT_CONNECT_RATE_LIMITED';
      b.used++;
    }
    if (maxPendingConnections > 0 && this.pending >= maxPendingConnections) return 'MQTT_PENDING_LIMIT';
    this.pending++;
    return undefined;
  }

  settled(): void {
    this.pending = Math.max(0, this.pending - 1);
  }

  #prune(sec: number): void {
    for (const [k, v] of this.#buckets) if (v.sec !== sec) this.#buckets.delete(k);
  }
}
