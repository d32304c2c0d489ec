// A UDP sink standing in for a viewer: counts RTP packets per SSRC (the header stays readable under
// SRTP) and the sequence-number gaps between them.
import dgram from 'node:dgram';

export interface SsrcCount {
  packets: number;
  /** Packets missing between the first and the last sequence number seen. */
  gaps: number;
  lastSeq: number | undefined;
  lastAtMs: number;
}

export class UdpSink {
  readonly #socket: dgram.Socket;
  readonly counts = new Map<number, SsrcCount>();

  /** @param recvBufferSize kernel receive buffer in bytes (capped by net.core.rmem_max) */
  constructor(recvBufferSize?: number) {
    this.#socket = dgram.createSocket({ type: 'udp4', ...(recvBufferSize ? { recvBufferSize } : {}) });
  }

  async bind(): Promise<number> {
    await new Promise<void>((resolve) => this.#socket.bind(0, '127.0.0.1', resolve));
    this.#socket.on('message', (msg) => this.#onPacket(msg));
    return this.#socket.address().port;
  }

  get port(): number {
    return this.#socket.address().port;
  }

  count(ssrc: number): SsrcCount {
    return this.counts.get(ssrc) ?? { packets: 0, gaps: 0, lastSeq: undefined, lastAtMs: 0 };
  }

  reset(): void {
    this.counts.clear();
  }

  close(): void {
    this.#socket.close();
  }

  #onPacket(msg: Buffer): void {
    if (msg.length < 12 || msg[0]! >> 6 !== 2) return;
    if (msg[1]! >= 192 && msg[1]! <= 223) return; // RTCP on the same port (rtcp-mux)
    const seq = msg.readUInt16BE(2);
    const ssrc = msg.readUInt32BE(8);
    let c = this.counts.get(ssrc);
    if (!c) {
      c = { packets: 0, gaps: 0, lastSeq: undefined, lastAtMs: 0 };
      this.counts.set(ssrc, c);
    }
    if (c.lastSeq !== undefined) {
      const step = (seq - c.lastSeq) & 0xffff;
      if (step > 1 && step < 0x8000) c.gaps += step - 1;
    }
    c.lastSeq = seq;
    c.packets++;
    c.lastAtMs = performance.now();
  }
}
