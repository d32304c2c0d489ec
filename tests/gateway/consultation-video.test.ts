// Video consultations over the real SFU (mediasoup workers) and /consult: the member and the expert each
// publish and consume only the other's tracks; a live session still refuses a second publisher. Attack
// tests: a third person, another expert and staff get no pass; outside the window, at a clinic or
// cancelled, no pass either; a forged, tampered, expired or wrong-kind pass, or an access token, is
// refused at the handshake; a pass is never an access token; a pass for one consultation cannot join
// another; a cancelled booking or a demoted expert is refused at the next join and their open call is
// closed; floods are rate-limited; oversized and malformed payloads are refused by code.
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asStore, type Role, type Store } from '../../commerce/internals.ts';
import { type MediaNode, startMediaNode } from '../../loadtest/clients/media-node.ts';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { call } from '../helpers/http-call.ts';
import { type Seeded, seedPerson } from '../helpers/people.ts';

const MIN = 60_000;
type Reply = { ok: true; data: Record<string, unknown> } | { ok: false; error: { code: string } };

const VP8 = {
  codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }],
  encodings: [{ ssrc: 22222222 }],
};
const OPUS = {
  codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc: 11111111 }],
};

describe('video consultations', () => {
  let node: MediaNode;
  let store: Store;
  let expert: Seeded;
  let otherExpert: Seeded;
  let member: Seeded;
  let stranger: Seeded;
  let staff: Seeded;
  let admin: Seeded;
  const sockets: Socket[] = [];

  const seed = (roles: Role[] = []) => seedPerson(store, node.tokens, { roles });

  /** A booking between the member and the expert: online, started five minutes ago unless told. */
  async function booking(opts: { startsInMs?: number; clinic?: boolean; status?: string } = {}) {
    const id = randomUUID();
    const now = Date.now();
    const startsAt = now + (opts.startsInMs ?? -5 * MIN);
    let clinicId: string | null = null;
    if (opts.clinic) {
      clinicId = randomUUID();
      await store.db
        .insertInto('clinics')
        .values({
          id: clinicId,
          name: 'C',
          address: '{}',
          opening_hours: '[]',
          utc_offset_min: 0,
          archived: 0,
          created_at_ms: now,
          updated_at_ms: now,
        })
        .execute();
    }
    await store.db
      .insertInto('consultations')
      .values({
        id,
        expert_id: expert.person.id,
        person_id: member.person.id,
        clinic_id: clinicId,
        starts_at_ms: startsAt,
        ends_at_ms: startsAt + 30 * MIN,
        status: opts.status ?? 'booked',
        holds_slot: 1,
        channel_id: null,
        booked_by: member.person.id,
        created_at_ms: now,
        updated_at_ms: now,
      })
      .execute();
    return id;
  }

  const passFor = (who: Seeded, id: string) =>
    call(node.baseUrl, 'POST', `/api/consultations/${id}/video`, { token: who.token });

  async function pass(who: Seeded, id: string): Promise<string> {
    const r = await passFor(who, id);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.pass as string;
  }

  /** Connects to /consult; resolves with the socket, or rejects with the handshake's error code. */
  function connect(auth: Record<string, unknown>): Promise<Socket> {
    const s = io(`${node.baseUrl}/consult`, {
      transports: ['websocket'],
      auth,
      reconnection: false,
      forceNew: true,
    });
    sockets.push(s);
    return new Promise((resolve, reject) => {
      s.once('connect', () => resolve(s));
      s.once('connect_error', (err: Error & { data?: { code?: string } }) => {
        s.close();
        reject(new Error(err.data?.code ?? err.message));
      });
    });
  }
  const refusal = (auth: Record<string, unknown>) =>
    connect(auth).then(
      () => 'connected',
      (e: Error) => e.message,
    );
  const ask = (s: Socket, event: string, payload: unknown) =>
    s.timeout(10_000).emitWithAck(event, payload) as Promise<Reply>;
  const data = (r: Reply) => {
    if (!r.ok) throw new Error(r.error.code);
    return r.data;
  };
  const codeOf = (r: Reply) => (r.ok ? 'ok' : r.error.code);

  /** Joins and opens a send and a receive transport (not connected: producing needs no DTLS yet). */
  async function seat(s: Socket, consultationId: string) {
    const joined = data(await ask(s, 'consult:join', { consultationId }));
    const send = data(await ask(s, 'consult:createTransport', { consultationId }));
    const recv = data(await ask(s, 'consult:createTransport', { consultationId }));
    return { joined, send: send.id as string, recv: recv.id as string };
  }

  beforeAll(async () => {
    node = await startMediaNode(1);
    store = asStore(node.platform.store);
    expert = await seed(['expert']);
    otherExpert = await seed(['expert']);
    member = await seed();
    stranger = await seed();
    staff = await seed(['staff']);
    admin = await seed(['admin']);
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await node?.close();
  });

  it('the member and the expert each publish, and each consumes only the other’s tracks', async () => {
    const id = await booking();
    const m = await connect({ pass: await pass(member, id) });
    const e = await connect({ pass: await pass(expert, id) });
    const ms = await seat(m, id);
    const es = await seat(e, id);
    expect([ms.joined.side, es.joined.side]).toEqual(['member', 'expert']);

    const announced = new Promise<{ producerId: string }>((r) => e.once('consult:producer', r));
    const video = data(
      await ask(m, 'consult:produce', {
        consultationId: id,
        transportId: ms.send,
        kind: 'video',
        rtpParameters: VP8,
      }),
    );
    expect((await announced).producerId).toBe(video.id);
    const caps = es.joined.routerRtpCapabilities;
    const consumed = data(
      await ask(e, 'consult:consume', {
        consultationId: id,
        transportId: es.recv,
        producerId: video.id,
        rtpCapabilities: caps,
      }),
    );
    expect(consumed).toMatchObject({ producerId: video.id, kind: 'video' });
    expect(codeOf(await ask(e, 'consult:resume', { consultationId: id, consumerId: consumed.id }))).toBe(
      'ok',
    );
    // Its own track is not the member's to consume, and a second camera is refused.
    expect(
      codeOf(
        await ask(m, 'consult:consume', {
          consultationId: id,
          transportId: ms.recv,
          producerId: video.id,
          rtpCapabilities: caps,
        }),
      ),
    ).toBe('MEDIA_PRODUCER_NOT_FOUND');
    expect(
      codeOf(
        await ask(m, 'consult:produce', {
          consultationId: id,
          transportId: ms.send,
          kind: 'video',
          rtpParameters: VP8,
        }),
      ),
    ).toBe('MEDIA_LIMIT_REACHED');

    const audio = data(
      await ask(e, 'consult:produce', {
        consultationId: id,
        transportId: es.send,
        kind: 'audio',
        rtpParameters: OPUS,
      }),
    );
    const back = data(
      await ask(m, 'consult:consume', {
        consultationId: id,
        transportId: ms.recv,
        producerId: audio.id,
        rtpCapabilities: caps,
      }),
    );
    expect(back).toMatchObject({ producerId: audio.id, kind: 'audio' });
    expect(node.platform.consultMedia.rooms.get(id)!.seats()).toEqual([
      {
        side: 'member',
        peerId: m.id,
        producers: 1,
        consumers: 1,
        producerIds: [video.id],
        consumes: [audio.id],
      },
      {
        side: 'expert',
        peerId: e.id,
        producers: 1,
        consumers: 1,
        producerIds: [audio.id],
        consumes: [video.id],
      },
    ]);

    // A live session on the same node still has one publisher: a second person cannot produce there.
    const host = await seed();
    node.sessions.live.set('L1', host.person.id);
    const viewer = io(`${node.baseUrl}/media`, {
      transports: ['websocket'],
      auth: { token: member.token },
      forceNew: true,
      reconnection: false,
    });
    sockets.push(viewer);
    expect(data(await ask(viewer, 'media:join', { sessionId: 'L1' })).role).toBe('viewer');
    const t = data(await ask(viewer, 'media:createTransport', { sessionId: 'L1', type: 'webrtc' }));
    expect(
      codeOf(
        await ask(viewer, 'media:produce', {
          sessionId: 'L1',
          transportId: t.id,
          kind: 'video',
          rtpParameters: VP8,
        }),
      ),
    ).toBe('MEDIA_HOST_ONLY');

    // Leaving empties the seat; the other side is told; both leaving closes the room.
    const left = new Promise((r) => e.once('consult:peerLeft', r));
    m.close();
    await left;
    e.close();
    await waitFor(() => node.platform.consultMedia.rooms.get(id) === undefined, { timeoutMs: 5000 });
  }, 60_000);

  it('only the booking’s two people get a pass, and only while an online call is open', async () => {
    const id = await booking();
    const codes = async (who: Seeded, cid = id) => {
      const r = await passFor(who, cid);
      return `${r.status} ${r.body.code ?? 'ok'}`;
    };
    expect(await codes(stranger)).toBe('404 NOT_FOUND');
    expect(await codes(otherExpert)).toBe('404 NOT_FOUND');
    expect(await codes(staff)).toBe('403 FORBIDDEN');
    expect(await codes(member, randomUUID())).toBe('404 NOT_FOUND');
    expect((await call(node.baseUrl, 'POST', `/api/consultations/${id}/video`)).status).toBe(401);
    // Tomorrow, long over, at a clinic, cancelled: no call.
    expect(await codes(member, await booking({ startsInMs: 24 * 60 * MIN }))).toBe(
      '409 CONSULTATION_VIDEO_CLOSED',
    );
    expect(await codes(member, await booking({ startsInMs: -60 * MIN }))).toBe(
      '409 CONSULTATION_VIDEO_CLOSED',
    );
    expect(await codes(expert, await booking({ clinic: true }))).toBe('409 CONSULTATION_VIDEO_CLOSED');
    expect(await codes(member, await booking({ status: 'cancelled' }))).toBe('409 CONSULTATION_VIDEO_CLOSED');
    // Ten minutes before the start it opens.
    expect(await codes(member, await booking({ startsInMs: 9 * MIN }))).toBe('200 ok');
  });

  it('refuses forged, tampered, expired and wrong-kind passes, and a pass is never an access token', async () => {
    const id = await booking();
    const good = await pass(member, id);
    expect(await refusal({})).toBe('AUTH_INVALID_TOKEN');
    expect(await refusal({ pass: member.token })).toBe('AUTH_INVALID_TOKEN');
    expect(await refusal({ token: member.token })).toBe('AUTH_INVALID_TOKEN');
    expect(await refusal({ pass: 'x'.repeat(2_000) })).toBe('AUTH_INVALID_TOKEN');
    // The member's pass with the side changed to "expert": the signature no longer holds.
    const [body, mac] = good.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const forged = `${Buffer.from(JSON.stringify({ ...claims, side: 'expert' })).toString('base64url')}.${mac}`;
    expect(await refusal({ pass: forged })).toBe('AUTH_INVALID_TOKEN');
    // Signed, but expired.
    const expired = node.tokens.consultationPasses.mint({
      consultationId: id,
      personId: member.person.id,
      side: 'member',
      startsAtMs: claims.startsAtMs,
      opensAtMs: 0,
      closesAtMs: Date.now() - 1,
      memberId: member.person.id,
    }).pass;
    expect(await refusal({ pass: expired })).toBe('AUTH_INVALID_TOKEN');
    // A pass is not a bearer token.
    expect((await call(node.baseUrl, 'GET', '/api/me/consultations', { token: good })).status).toBe(401);
    // A valid pass joins only its own consultation.
    const s = await connect({ pass: good });
    expect(codeOf(await ask(s, 'consult:join', { consultationId: await booking() }))).toBe('NOT_FOUND');
    expect(codeOf(await ask(s, 'consult:join', { consultationId: id }))).toBe('ok');
    s.close();
  });

  it('a cancelled booking closes the open call and refuses the pass already given', async () => {
    const id = await booking();
    const p = await pass(member, id);
    const s = await connect({ pass: p });
    await seat(s, id);
    const closed = new Promise<{ reason: string }>((r) => s.once('consult:closed', r));
    const c = await call(node.baseUrl, 'POST', `/api/consultations/${id}/cancel`, { token: expert.token });
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    expect((await closed).reason).toBe('closed');
    expect(codeOf(await ask(s, 'consult:join', { consultationId: id }))).toBe('CONSULTATION_VIDEO_CLOSED');
    expect(await refusal({ pass: p })).toBe('CONSULTATION_VIDEO_CLOSED');
  });

  it('a demoted expert is let go and cannot come back with the pass they hold', async () => {
    const doctor = await seed(['expert']);
    const id = randomUUID();
    const now = Date.now();
    await store.db
      .insertInto('consultations')
      .values({
        id,
        expert_id: doctor.person.id,
        person_id: member.person.id,
        clinic_id: null,
        starts_at_ms: now - MIN,
        ends_at_ms: now + 29 * MIN,
        status: 'booked',
        holds_slot: 1,
        channel_id: null,
        booked_by: member.person.id,
        created_at_ms: now,
        updated_at_ms: now,
      })
      .execute();
    const p = await pass(doctor, id);
    const s = await connect({ pass: p });
    await seat(s, id);
    const gone = new Promise((r) => s.once('disconnect', r));
    const r = await call(node.baseUrl, 'DELETE', `/api/people/${doctor.person.id}/roles/expert`, {
      token: admin.token,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await gone;
    expect(await refusal({ pass: p })).toBe('NOT_FOUND');
  });

  it('floods are rate-limited; oversized and malformed payloads are refused by code', async () => {
    const id = await booking();
    const s = await connect({ pass: await pass(member, id) });
    expect(codeOf(await ask(s, 'consult:join', { consultationId: 'x'.repeat(5000) }))).toBe(
      'VALIDATION_FAILED',
    );
    expect(codeOf(await ask(s, 'consult:join', { consultationId: id, extra: 1 }))).toBe('VALIDATION_FAILED');
    expect(codeOf(await ask(s, 'consult:join', 'nonsense'))).toBe('VALIDATION_FAILED');
    const replies = await Promise.all(
      Array.from({ length: 80 }, () => ask(s, 'consult:createTransport', { consultationId: id })),
    );
    const counts = new Map<string, number>();
    for (const r of replies) counts.set(codeOf(r), (counts.get(codeOf(r)) ?? 0) + 1);
    expect(counts.get('RATE_LIMITED')).toBeGreaterThan(30);
    expect([...counts.keys()].sort()).toEqual(['MEDIA_NOT_JOINED', 'RATE_LIMITED']);
  });
});
