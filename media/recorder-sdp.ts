// The SDP file that tells ffmpeg what arrives on its loopback ports: one m-line per consumed track,
// with the payload type, codec and clock rate mediasoup's consumer sends (RFC 4566, RFC 7587 for Opus,
// RFC 7741 for VP8, RFC 6184 for H264).
import type { types as ms } from 'mediasoup';

export interface SdpTrack {
  kind: ms.MediaKind;
  /** The local UDP port ffmpeg listens on for this track (RTCP on the next port). */
  port: number;
  rtpParameters: ms.RtpParameters;
}

/** Codecs the recorder stores by stream copy, and the container that takes them all. */
export const RECORDABLE_MIME_TYPES = ['audio/opus', 'video/VP8', 'video/H264'] as const;

export function recordingSdp(tracks: readonly SdpTrack[], ip = '127.0.0.1'): string {
  const lines = ['v=0', `o=- 0 0 IN IP4 ${ip}`, 's=vitalive recording', `c=IN IP4 ${ip}`, 't=0 0'];
  for (const track of tracks) {
    const codec = track.rtpParameters.codecs[0];
    if (!codec) throw new TypeError(`the ${track.kind} track has no codec`);
    const name = codec.mimeType.split('/')[1];
    if (!name) throw new TypeError(`malformed mimeType ${codec.mimeType}`);
    const pt = codec.payloadType;
    lines.push(`m=${track.kind} ${track.port} RTP/AVP ${pt}`);
    const channels = track.kind === 'audio' && codec.channels ? `/${codec.channels}` : '';
    lines.push(`a=rtpmap:${pt} ${name}/${codec.clockRate}${channels}`);
    const fmtp = Object.entries(codec.parameters ?? {})
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(';');
    if (fmtp) lines.push(`a=fmtp:${pt} ${fmtp}`);
    lines.push('a=recvonly');
  }
  return `${lines.join('\r\n')}\r\n`;
}
