// The /media namespace's types: its sockets, the session directory it asks who hosts, and what it needs
// from the platform.
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import type { LiveRoom, LiveRooms, MediaStats } from '../../../media/index.ts';
import type { MediaClientToServer, MediaJson, MediaServerToClient } from '../../../protocols/index.ts';
import type { Principal } from '../../auth/index.ts';
import type { SocketAccess } from '../access.ts';
import type { SocketCounters, SocketHandler } from '../validate.ts';

/**
 * Who hosts a live session: the host's person id while the session is live, undefined otherwise
 * (unknown, scheduled or ended). Commerce's live sessions implement it.
 */
export interface SessionDirectory {
  hostOf(sessionId: string): Promise<string | undefined>;
}

/** The cascade between media nodes, on a node that is one of several (absent in the all-in-one node). */
export interface MediaCascadePort {
  /** The host joins here: claims the session's origin, or refuses with MEDIA_NOT_ORIGIN. */
  hostJoining(sessionId: string): Promise<void>;
  /** A viewer joined here: the node pulls the session from its origin. */
  viewerJoined(sessionId: string): void;
  /** The session's origin node is gone (not the session). */
  on(event: 'originlost', listener: (sessionId: string) => void): unknown;
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
export type MediaSocket = Socket<
  MediaClientToServer,
  MediaServerToClient,
  Record<string, never>,
  MediaSocketData
>;

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
  cascade?: MediaCascadePort | undefined;
}

/** A handler of an event about the room the socket joined (the socket's id is its peer id there). */
export type InRoom = <T extends { sessionId: string }>(
  parse: (v: unknown) => T,
  fn: (socket: MediaSocket, p: T, room: LiveRoom) => Promise<unknown>,
) => SocketHandler<MediaSocket>;

export const json = (v: unknown) => v as MediaJson;
