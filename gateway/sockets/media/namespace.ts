// The /media namespace: WebRTC signalling for live video. A socket joins one session's media room (as
// its host when the token's person hosts the session, else as a viewer), then creates transports,
// produces (host only) or consumes (only that room's producers). The SFU lives in media/.
import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import type { LiveRoom, LiveRooms, MediaStats } from '../../../media/index.ts';
import {
  type MediaClientToServer,
  type MediaJson,
  type MediaServerToClient,
  VitaliveError,
} from '../../../protocols/index.ts';
import type { Principal } from '../../auth/index.ts';
import type { SocketAccess } from '../access.ts';
import { countUnknownEvents, handle, type SocketCounters } from '../validate.ts';
import {
  parseConnect,
  parseConsume,
  parseConsumer,
  parseCreateTransport,
  parseLayers,
  parseProduce,
  parseSession,
  parseTransport,
} from './schemas.ts';

/**
 * Who hosts a live session: the host's person id while the session is live, undefined otherwise
 * (unknown, scheduled or ended). Commerce's live sessions implement it.
 */
export interface SessionDirectory {
  hostOf(sessionId: string): Promise<string | undefined>;
}

interface MediaSocketData {
  principal: Principal | undefined;
  /** The session whose media room this socket joined. */
  mediaSession?: string | undefined;
}

export type MediaNamespace = Namespace<
  MediaClientToServer,
  MediaServerToClient,
  Record<string, never>,
  MediaSocketData
>;
type MediaSocket = Socket<MediaClientToServer, MediaServerToClient, Record<string, never>, MediaSocketData>;

export const mediaRoom = (sessionId: string) => `m:${sessionId}`;

const KNOWN = new Set<string>([
  'media:join',
  'media:getRouterRtpCapabilities',
  'media:createTransport',
  'media:connectTransport',
  'media:produce',
  'media:consume',
  'media:resume',
  'media:setPreferredLayers',
  'media:restartIce',
  'media:leave',
  'media:stats',
]);

export interface MediaNamespaceDeps {
  nsp: MediaNamespace;
  rooms: LiveRooms;
  /** Room figures at most a couple of seconds old (shared with /staff, so the workers are asked rarely). */
  stats?: () => Promise<MediaStats>;
  sessions: SessionDirectory;
  logger: Logger;
  counters: SocketCounters;
  /** Re-checks the host's token and current state before host actions; absent → handshake only. */
  access?: SocketAccess | undefined;
}

const json = (v: unknown) => v as MediaJson;

export interface MediaNamespaceControl {
  /**
   * The session changed host: its room here closes (the former host's producers with it) and every peer
   * is asked to join again, so the room reopens for the new host and viewers keep watching.
   */
  handOver(sessionId: string): void;
}

export function registerMediaNamespace(deps: MediaNamespaceDeps): MediaNamespaceControl {
  const { nsp, rooms } = deps;

  // SFU events → the sockets concerned (the SFU runs in this process, so local delivery suffices).
  rooms.on('reconnect', (sessionId, peerId, reason) => {
    nsp.sockets.get(peerId)?.emit('media:reconnect', { sessionId, reason });
  });
  rooms.on('producer', (sessionId, info) => {
    nsp.local.to(mediaRoom(sessionId)).emit('media:producer', { sessionId, ...info });
  });
  rooms.on('producerclose', (sessionId, producerId) => {
    nsp.local.to(mediaRoom(sessionId)).emit('media:producerClosed', { sessionId, producerId });
  });
  rooms.on('consumerclose', (sessionId, peerId, consumerId) => {
    nsp.sockets.get(peerId)?.emit('media:consumerClosed', { sessionId, consumerId });
  });
  rooms.on('roomclose', (sessionId) => {
    nsp.local.to(mediaRoom(sessionId)).emit('media:roomClosed', { sessionId });
    for (const socket of nsp.sockets.values()) {
      if (socket.data.mediaSession !== sessionId) continue;
      socket.data.mediaSession = undefined;
      void socket.leave(mediaRoom(sessionId));
    }
  });

  nsp.on('connection', (socket: MediaSocket) => {
    countUnknownEvents(socket, KNOWN, deps.counters);
    const peerId = socket.id;
    const onError = (err: unknown) => deps.logger.error({ err }, 'media handler failed');

    /** The room this socket joined; any other session id is refused. */
    const joined = (sessionId: string): LiveRoom => {
      const room = socket.data.mediaSession === sessionId ? rooms.get(sessionId) : undefined;
      if (!room?.hasPeer(peerId)) throw new VitaliveError('MEDIA_NOT_JOINED', { sessionId });
      return room;
    };
    const on = <T extends { sessionId: string }>(
      event: keyof MediaClientToServer,
      parse: (v: unknown) => T,
      fn: (p: T, room: LiveRoom) => Promise<unknown>,
    ) => {
      socket.on(
        event,
        handle(deps.counters, parse, (p: T) => fn(p, joined(p.sessionId)), onError),
      );
    };

    const leave = () => {
      const sessionId = socket.data.mediaSession;
      if (!sessionId) return;
      socket.data.mediaSession = undefined;
      rooms.get(sessionId)?.leave(peerId);
      void socket.leave(mediaRoom(sessionId));
    };

    socket.on(
      'media:join',
      handle(
        deps.counters,
        parseSession,
        async ({ sessionId }) => {
          const hostId = await deps.sessions.hostOf(sessionId);
          if (hostId === undefined) throw new VitaliveError('MEDIA_SESSION_NOT_LIVE', { sessionId });
          if (socket.data.mediaSession && socket.data.mediaSession !== sessionId) leave();
          const room = await rooms.open(sessionId, hostId);
          const principal = socket.data.principal;
          const role = principal?.personId === hostId ? 'host' : 'viewer';
          if (role === 'host' && principal) await deps.access?.current(principal);
          room.join(peerId, role);
          socket.data.mediaSession = sessionId;
          await socket.join(mediaRoom(sessionId));
          return {
            role,
            routerRtpCapabilities: json(room.routerRtpCapabilities),
            producers: room.producers(),
          };
        },
        onError,
      ),
    );
    on('media:getRouterRtpCapabilities', parseSession, async (_p, room) => json(room.routerRtpCapabilities));
    on('media:createTransport', parseCreateTransport, async (p, room) => {
      if (p.type === 'webrtc') return room.createWebRtcTransport(peerId);
      // Plain RTP is for the host's encoder only (comedia: nothing is ever sent to a client-chosen
      // address, so this cannot be used to reflect media at a third party).
      if (room.roleOf(peerId) !== 'host')
        throw new VitaliveError('MEDIA_HOST_ONLY', { sessionId: p.sessionId });
      const t = await room.createPlainTransport(peerId);
      return { id: t.id, ip: t.ip, port: t.port };
    });
    on('media:connectTransport', parseConnect, async (p, room) => {
      await room.connectTransport(peerId, p.transportId, {
        dtlsParameters: p.dtlsParameters as ms.DtlsParameters,
      });
      return null;
    });
    on('media:produce', parseProduce, async (p, room) => {
      const principal = socket.data.principal;
      if (principal) await deps.access?.current(principal);
      return room.produce(peerId, {
        transportId: p.transportId,
        kind: p.kind,
        rtpParameters: p.rtpParameters as ms.RtpParameters,
      });
    });
    on('media:consume', parseConsume, async (p, room) => {
      const c = await room.consume(peerId, {
        transportId: p.transportId,
        producerId: p.producerId,
        rtpCapabilities: p.rtpCapabilities as ms.RtpCapabilities,
        hint: p.hint,
      });
      return { id: c.id, producerId: c.producerId, kind: c.kind, rtpParameters: json(c.rtpParameters) };
    });
    on('media:resume', parseConsumer, async (p, room) => {
      await room.resume(peerId, p.consumerId);
      return null;
    });
    on('media:setPreferredLayers', parseLayers, async (p, room) => {
      const { sessionId: _s, consumerId, ...hint } = p;
      return { spatialLayer: await room.setPreferredLayers(peerId, consumerId, hint) };
    });
    on('media:restartIce', parseTransport, async (p, room) => ({
      iceParameters: json(await room.restartIce(peerId, p.transportId)),
    }));
    on('media:stats', parseSession, async (p, room) => {
      if (room.roleOf(peerId) !== 'host')
        throw new VitaliveError('MEDIA_HOST_ONLY', { sessionId: p.sessionId });
      const all = await (deps.stats ?? (() => rooms.stats({ maxAgeMs: 2000 })))();
      const r = all.rooms.find((x) => x.sessionId === p.sessionId);
      return {
        sessionId: p.sessionId,
        producers: r?.producers ?? 0,
        consumers: r?.consumers ?? 0,
        bitrateInBps: r?.bitrateInBps ?? 0,
        bitrateOutBps: r?.bitrateOutBps ?? 0,
        lossFraction: r?.lossFraction ?? 0,
        rttMs: r?.rttMs ?? 0,
      };
    });
    on('media:leave', parseSession, async () => {
      leave();
      return null;
    });
    socket.on('disconnect', leave);
  });

  return {
    handOver(sessionId) {
      const peers: MediaSocket[] = [];
      for (const socket of nsp.sockets.values()) {
        if (socket.data.mediaSession !== sessionId) continue;
        // Out of the room before it closes: they are told to rejoin, not that the session ended.
        socket.data.mediaSession = undefined;
        void socket.leave(mediaRoom(sessionId));
        peers.push(socket);
      }
      rooms.closeRoom(sessionId);
      for (const socket of peers) socket.emit('media:reconnect', { sessionId, reason: 'host_changed' });
    },
  };
}
