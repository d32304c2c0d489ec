// The /consult namespace: signalling for a consultation's private video call. The handshake must carry
// a consultation pass (not an access token); the socket can join only the consultation its pass names,
// on its pass's side, and only while the booking is still open (checked again at every join). Each
// side publishes and consumes through media/'s ConsultationRoom, which seats exactly two. A pass's
// socket is let go when the pass expires, and with the person's privileged sockets when their roles or
// sessions change (access.ts).

import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import type { ConsultationVideo } from '../../../commerce/index.ts';
import { type ConsultationRoom, type ConsultationRooms, otherSide } from '../../../media/index.ts';
import {
  type ConsultClientToServer,
  type ConsultServerToClient,
  isVitaliveError,
  type MediaJson,
  VitaliveError,
} from '../../../protocols/index.ts';
import type { ConsultationPass, ConsultationPasses } from '../../auth/index.ts';
import { accessRoom, type SocketAccess } from '../access.ts';
import { TokenBuckets } from '../token-bucket.ts';
import {
  countRefusal,
  createCounters,
  dispatcher,
  type SocketCounters,
  type SocketHandler,
  socketHandler,
} from '../validate.ts';
import { parseConnect, parseConsultation, parseConsume, parseConsumer, parseProduce } from './schemas.ts';

interface ConsultSocketData {
  pass: ConsultationPass;
  /** The consultation whose room this socket sits in. */
  joined?: string | undefined;
}

export type ConsultNamespace = Namespace<
  ConsultClientToServer,
  ConsultServerToClient,
  Record<string, never>,
  ConsultSocketData
>;
type ConsultSocket = Socket<
  ConsultClientToServer,
  ConsultServerToClient,
  Record<string, never>,
  ConsultSocketData
>;

export interface ConsultNamespaceDeps {
  nsp: ConsultNamespace;
  rooms: ConsultationRooms;
  passes: ConsultationPasses;
  video: Pick<ConsultationVideo, 'check'>;
  access?: SocketAccess | undefined;
  logger: Logger;
  counters?: SocketCounters;
}

/** Signalling of a call is a few dozen events; a burst of 40, then 10 a second, protects the workers. */
const EVENTS_PER_SOCKET = { capacity: 40, refillPerSec: 10 };
/** setTimeout's ceiling; a pass lives at most a consultation plus its margins, far below it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const json = (v: unknown) => v as MediaJson;
const consultRoom = (consultationId: string) => `c:${consultationId}`;

function codedError(err: VitaliveError): Error & { data: unknown } {
  const e = new Error(err.message) as Error & { data: unknown };
  e.data = err.toJSON();
  return e;
}

export function registerConsultNamespace(deps: ConsultNamespaceDeps): { counters: SocketCounters } {
  const { nsp, rooms } = deps;
  const counters = deps.counters ?? createCounters();
  const buckets = new TokenBuckets(EVENTS_PER_SOCKET);
  const log = deps.logger.child({ nsp: '/consult' });

  nsp.use(async (socket, next) => {
    try {
      const pass = deps.passes.verify((socket.handshake.auth as { pass?: unknown } | undefined)?.pass);
      await deps.video.check(pass);
      // Logged out or with their sessions ended since the pass was issued: refused like an access token.
      await deps.access?.current({
        personId: pass.personId,
        roles: [],
        expiresAtMs: pass.expiresAtMs,
        issuedAtMs: Math.floor(pass.issuedAtMs / 1000) * 1000,
      });
      await socket.join(accessRoom(pass.personId));
      socket.data.pass = pass;
      next();
    } catch (err) {
      const coded = isVitaliveError(err) ? err : new VitaliveError('INTERNAL');
      countRefusal(counters, coded);
      next(codedError(coded));
    }
  });

  const peerSocket = (room: ConsultationRoom, side: 'member' | 'expert') => {
    const seat = room.seats().find((s) => s.side === side);
    return seat ? nsp.sockets.get(seat.peerId) : undefined;
  };
  rooms.on('producer', (id, side, info) => {
    const room = rooms.get(id);
    if (room) peerSocket(room, otherSide(side))?.emit('consult:producer', { consultationId: id, ...info });
  });
  rooms.on('producerclose', (id, side, producerId) => {
    const room = rooms.get(id);
    if (room)
      peerSocket(room, otherSide(side))?.emit('consult:producerClosed', { consultationId: id, producerId });
  });
  rooms.on('peerleft', (id, side, peerId) => {
    const gone = nsp.sockets.get(peerId);
    // Replaced by the same person's newer tab: the old one is out of the room.
    if (gone?.data.joined === id) {
      gone.data.joined = undefined;
      void gone.leave(consultRoom(id));
      gone.emit('consult:closed', { consultationId: id, reason: 'joined elsewhere' });
    }
    nsp.local.to(consultRoom(id)).emit('consult:peerLeft', { consultationId: id, side });
  });
  rooms.on('roomclose', (id) => {
    nsp.local.to(consultRoom(id)).emit('consult:closed', { consultationId: id, reason: 'closed' });
    for (const socket of nsp.sockets.values()) {
      if (socket.data.joined !== id) continue;
      socket.data.joined = undefined;
      void socket.leave(consultRoom(id));
    }
  });

  const onError = (err: unknown) => log.error({ err }, 'consult handler failed');
  /** Rate, the pass's expiry and the joined-room check, for every event. */
  const guarded = <T extends { consultationId: string }>(
    parse: (v: unknown) => T,
    fn: (socket: ConsultSocket, p: T, room: ConsultationRoom) => Promise<unknown>,
    opts: { joinedFirst: boolean } = { joinedFirst: true },
  ): SocketHandler<ConsultSocket> =>
    socketHandler(
      counters,
      parse,
      async (socket: ConsultSocket, p: T) => {
        const retry = buckets.take(socket.id);
        if (retry > 0) throw new VitaliveError('RATE_LIMITED', { retryAfterSec: retry });
        const pass = socket.data.pass;
        if (pass.expiresAtMs <= Date.now()) {
          socket.disconnect(true);
          throw new VitaliveError('AUTH_INVALID_TOKEN', { reason: 'expired' });
        }
        // Another consultation's id is as unknown as a made-up one.
        if (p.consultationId !== pass.consultationId)
          throw new VitaliveError('NOT_FOUND', { what: 'consultation' });
        if (!opts.joinedFirst) return fn(socket, p, undefined as unknown as ConsultationRoom);
        const room = socket.data.joined === p.consultationId ? rooms.get(p.consultationId) : undefined;
        if (!room?.sideOf(socket.id))
          throw new VitaliveError('MEDIA_NOT_JOINED', { sessionId: p.consultationId });
        return fn(socket, p, room);
      },
      onError,
    );

  const leave = (socket: ConsultSocket) => {
    const id = socket.data.joined;
    if (!id) return;
    socket.data.joined = undefined;
    void socket.leave(consultRoom(id));
    rooms.get(id)?.leave(socket.id);
  };

  const handlers: Record<keyof ConsultClientToServer, SocketHandler<ConsultSocket>> = {
    'consult:join': guarded(
      parseConsultation,
      async (socket, p) => {
        const pass = socket.data.pass;
        // The booking may have been cancelled or moved, or the expert demoted, since the handshake.
        await deps.video.check(pass);
        const room = await rooms.open(p.consultationId);
        room.join(socket.id, pass.side);
        socket.data.joined = p.consultationId;
        await socket.join(consultRoom(p.consultationId));
        return {
          side: pass.side,
          routerRtpCapabilities: json(room.routerRtpCapabilities),
          producers: room.producersFor(pass.side),
        };
      },
      { joinedFirst: false },
    ),
    'consult:createTransport': guarded(parseConsultation, async (socket, _p, room) => {
      const t = await room.createWebRtcTransport(socket.id);
      return {
        id: t.id,
        iceParameters: json(t.iceParameters),
        iceCandidates: t.iceCandidates.map(json),
        dtlsParameters: json(t.dtlsParameters),
      };
    }),
    'consult:connectTransport': guarded(parseConnect, async (socket, p, room) => {
      await room.connectTransport(socket.id, p.transportId, p.dtlsParameters as ms.DtlsParameters);
      return null;
    }),
    'consult:produce': guarded(parseProduce, async (socket, p, room) =>
      room.produce(socket.id, {
        transportId: p.transportId,
        kind: p.kind,
        rtpParameters: p.rtpParameters as ms.RtpParameters,
      }),
    ),
    'consult:consume': guarded(parseConsume, async (socket, p, room) => {
      const c = await room.consume(socket.id, {
        transportId: p.transportId,
        producerId: p.producerId,
        rtpCapabilities: p.rtpCapabilities as ms.RtpCapabilities,
      });
      return { id: c.id, producerId: c.producerId, kind: c.kind, rtpParameters: json(c.rtpParameters) };
    }),
    'consult:resume': guarded(parseConsumer, async (socket, p, room) => {
      await room.resume(socket.id, p.consumerId);
      return null;
    }),
    'consult:leave': guarded(parseConsultation, async (socket) => {
      leave(socket);
      return null;
    }),
  };
  const dispatch = dispatcher(handlers, counters);

  nsp.on('connection', (socket: ConsultSocket) => {
    // The pass ends the call for this socket when it expires, whatever the socket is doing.
    const left = Math.min(MAX_TIMER_MS, socket.data.pass.expiresAtMs - Date.now());
    const expiry = setTimeout(() => socket.disconnect(true), Math.max(0, left));
    socket.onAny(dispatch);
    socket.on('disconnect', () => {
      clearTimeout(expiry);
      leave(socket);
    });
  });
  return { counters };
}
