// Minimal RTP packet writer/reader for feeding synthetic media into mediasoup over UDP.

export interface RtpHeader {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  marker?: boolean;
}

export function rtpPacket(h: RtpHeader, payload: Buffer): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80; // version 2, no padding, no extension, no CSRC
  header[1] = (h.marker ? 0x80 : 0) | (h.payloadType & 0x7f);
  header.writeUInt16BE(h.sequenceNumber & 0xffff, 2);
  header.writeUInt32BE(h.timestamp >>> 0, 4);
  header.writeUInt32BE(h.ssrc >>> 0, 8);
  return Buffer.concat([header, payload]);
}

/** Parses an RTP packet; returns undefined for RTCP (payload types 192-223 after masking the marker). */
export function parseRtp(buf: Buffer): (RtpHeader & { payload: Buffer }) | undefined {
  if (buf.length < 12 || buf[0]! >> 6 !== 2) return undefined;
  const pt = buf[1]! & 0x7f;
  if (buf[1]! >= 192 && buf[1]! <= 223) return undefined; // RTCP sharing the port (rtcp-mux)
  const csrcCount = buf[0]! & 0x0f;
  let offset = 12 + csrcCount * 4;
  if (buf[0]! & 0x10) offset += 4 + buf.readUInt16BE(offset + 2) * 4;
  return {
    payloadType: pt,
    marker: (buf[1]! & 0x80) !== 0,
    sequenceNumber: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4),
    ssrc: buf.readUInt32BE(8),
    payload: buf.subarray(offset),
  };
}
