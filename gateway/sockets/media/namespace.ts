// The /media namespace: WebRTC signalling for live video. A socket joins one session's media room (as
// its host when the token's person hosts the session, else as a viewer), then creates transports,
// produces (host only) or consumes (only that room's producers). The SFU lives in media/. Each event's
// handler is in handlers/; peer.ts holds the joined-room check they all go through.
import type { MediaClientToServer } from '../../../protocols/index.ts';
import { dispatcher, type SocketHandler } from '../validate.ts';
import { connectTransportHandler } from './handlers/connect-transport.ts';
import { consumeHandler } from './handlers/consume.ts';
import { createTransportHandler } from './handlers/create-transport.ts';
import { getRouterRtpCapabilitiesHandler } from './handlers/get-router-rtp-capabilities.ts';
import { mediaJoinHandler } from './handlers/media-join.ts';
import { mediaLeaveHandler } from './handlers/media-leave.ts';
import { produceHandler } from './handlers/produce.ts';
import { restartIceHandler } from './handlers/restart-ice.ts';
import { resumeHandler } from './handlers/resume.ts';
import { setPreferredLayersHandler } from './handlers/set-preferred-layers.ts';
import { statsHandler } from './handlers/stats.ts';
import { inRoom as inRoomOf, leaveRoom, mediaRoom } from './peer.ts';
import type { MediaNamespaceDeps, MediaSocket } from './types.ts';

export { mediaRoom } from './peer.ts';
export type { MediaNamespace, MediaNamespaceDeps, SessionDirectory } from './types.ts';

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

  // The origin node of a session is gone: its producers here went with it, the session goes on.
  deps.cascade?.on('originlost', (sessionId) => {
    nsp.local.to(mediaRoom(sessionId)).emit('media:originLost', { sessionId });
  });

  // Built once for the namespace; each socket only points at this table.
  const inRoom = inRoomOf(deps);
  const handlers: Record<keyof MediaClientToServer, SocketHandler<MediaSocket>> = {
    'media:join': mediaJoinHandler(deps),
    'media:getRouterRtpCapabilities': getRouterRtpCapabilitiesHandler(inRoom),
    'media:createTransport': createTransportHandler(inRoom),
    'media:connectTransport': connectTransportHandler(inRoom),
    'media:produce': produceHandler(inRoom, deps),
    'media:consume': consumeHandler(inRoom),
    'media:resume': resumeHandler(inRoom),
    'media:setPreferredLayers': setPreferredLayersHandler(inRoom),
    'media:restartIce': restartIceHandler(inRoom),
    'media:stats': statsHandler(inRoom, deps),
    'media:leave': mediaLeaveHandler(inRoom, deps),
  };
  const dispatch = dispatcher(handlers, deps.counters);

  function onDisconnect(this: MediaSocket): void {
    leaveRoom(deps, this);
  }

  nsp.on('connection', (socket: MediaSocket) => {
    socket.onAny(dispatch);
    socket.on('disconnect', onDisconnect);
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
