// A real mediasoup worker forwards real RTP: 200 Opus packets sent from a dgram socket into a
// PlainTransport producer arrive, in order and intact, at a UDP sink behind a PlainTransport consumer.

import dgram from 'node:dgram';
import type { types as ms } from 'mediasoup';
import * as mediasoup from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRtp, rtpPacket } from '../../loadtest/clients/rtp.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';

const PACKETS = 200;
const SSRC = 0x1234abcd;

describe('mediasoup worker forwards RTP between PlainTransports', () => {
  let worker: ms.Worker;

  beforeAll(async () => {
    worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 46000, rtcMaxPort: 46999 });
  });

  afterAll(() => worker?.close());

  it('delivers 200 Opus packets from producer to consumer', async () => {
    const router = await worker.createRouter({
      mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }],
    });
    const ingest = await router.createPlainTransport({
      listenIp: { ip: '127.0.0.1' },
      rtcpMux: true,
      comedia: true,
    });
    const producer = await ingest.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: SSRC }],
      },
    });

    const sink = dgram.createSocket('udp4');
    const received: Array<NonNullable<ReturnType<typeof parseRtp>>> = [];
    sink.on('message', (msg) => {
      const rtp = parseRtp(msg);
      if (rtp) received.push(rtp);
    });
    await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));

    const egress = await router.createPlainTransport({
      listenIp: { ip: '127.0.0.1' },
      rtcpMux: true,
      comedia: false,
    });
    await egress.connect({ ip: '127.0.0.1', port: sink.address().port });
    const consumer = await egress.consume({
      producerId: producer.id,
      rtpCapabilities: router.rtpCapabilities,
      paused: false,
    });
    const consumerPt = consumer.rtpParameters.codecs[0]!.payloadType;
    const consumerSsrc = consumer.rtpParameters.encodings![0]!.ssrc!;

    const source = dgram.createSocket('udp4');
    const target = ingest.tuple.localPort;
    for (let i = 0; i < PACKETS; i++) {
      const payload = Buffer.alloc(40, i & 0xff);
      payload[0] = 0xfc; // an Opus TOC byte (CELT FB 20 ms)
      const pkt = rtpPacket(
        { payloadType: 111, sequenceNumber: 1000 + i, timestamp: i * 960, ssrc: SSRC },
        payload,
      );
      await new Promise<void>((resolve, reject) =>
        source.send(pkt, target, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
      );
      if (i % 20 === 19) await new Promise((r) => setTimeout(r, 5));
    }

    // A timeout here is reported by the assertion below, with what arrived.
    await waitFor(() => received.length >= PACKETS, 5000).catch(() => undefined);
    expect(received).toHaveLength(PACKETS);
    expect(received.every((p) => p.payloadType === consumerPt && p.ssrc === consumerSsrc)).toBe(true);
    // Payload bytes are forwarded untouched and sequence numbers stay contiguous.
    for (let i = 0; i < PACKETS; i++) {
      expect(received[i]!.payload[1]).toBe(i & 0xff);
      expect((received[i]!.sequenceNumber - received[0]!.sequenceNumber) & 0xffff).toBe(i);
    }
    const stats = await producer.getStats();
    expect(stats[0]?.packetCount).toBe(PACKETS);

    source.close();
    sink.close();
    router.close();
    expect(ingest.closed && egress.closed && consumer.closed).toBe(true);
  });

  it('reports a worker killed with SIGKILL as died, and a new worker can start', async () => {
    const victim = await mediasoup.createWorker({ logLevel: 'none', rtcMinPort: 46000, rtcMaxPort: 46999 });
    const died = new Promise<Error>((resolve) => victim.once('died', resolve));
    process.kill(victim.pid, 'SIGKILL');
    const error = await died;
    expect(error).toBeInstanceOf(Error);
    expect(victim.died).toBe(true);
    expect(victim.closed).toBe(true);

    const fresh = await mediasoup.createWorker({ logLevel: 'none', rtcMinPort: 46000, rtcMaxPort: 46999 });
    const router = await fresh.createRouter({ mediaCodecs: [] });
    expect(router.closed).toBe(false);
    fresh.close();
  });
});
