// What media nodes and the core say to each other over Redis: a node's directory entry, the messages
// that open and feed a pipe between two nodes, the broadcasts every node hears, and the core's answers
// (who hosts a session, a person's current access). Each is checked where it is read.
import { type Static, Type } from 'typebox';

const NodeId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });
const SessionId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });
const Json = Type.Record(Type.String({ maxLength: 64 }), Type.Unknown());

/** A media node as the directory lists it (refreshed by its heartbeat). */
export const MediaNodeSchema = Type.Object({
  nodeId: NodeId,
  /** Base URL clients open `/media` on (https://media-1.example.com). */
  url: Type.String({ minLength: 1, maxLength: 512 }),
  region: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  /** Consumers the node takes before it counts as full. */
  capacity: Type.Integer({ minimum: 1 }),
  /** Consumers open now. */
  load: Type.Integer({ minimum: 0 }),
  /** Pipes open to or from other nodes. */
  pipes: Type.Integer({ minimum: 0 }),
  heartbeatAtMs: Type.Integer({ minimum: 0 }),
});
export type MediaNodeInfo = Static<typeof MediaNodeSchema>;

const Endpoint = Type.Object({
  ip: Type.String({ minLength: 1, maxLength: 64 }),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  srtpParameters: Type.Optional(
    Type.Object({
      cryptoSuite: Type.String({ maxLength: 32 }),
      keyBase64: Type.String({ maxLength: 128 }),
    }),
  ),
});

const Piped = Type.Object({
  producerId: Type.String({ minLength: 1, maxLength: 64 }),
  kind: Type.Union([Type.Literal('audio'), Type.Literal('video')]),
  rtpParameters: Json,
  paused: Type.Boolean(),
});

/** Messages sent to one node's own channel; `from` is the sender's node id. */
export const PipeMessageSchema = Type.Union([
  // Edge → origin: here is my end of a pipe for this session; connect to it and send me the host.
  Type.Object({ type: Type.Literal('pipe.open'), sessionId: SessionId, from: NodeId, endpoint: Endpoint }),
  // Origin → edge: my end, and the host's producers already on the pipe.
  Type.Object({
    type: Type.Literal('pipe.opened'),
    sessionId: SessionId,
    from: NodeId,
    endpoint: Endpoint,
    producers: Type.Array(Piped, { maxItems: 16 }),
  }),
  // Origin → edge: the session is not (or no longer) hosted here.
  Type.Object({
    type: Type.Literal('pipe.refused'),
    sessionId: SessionId,
    from: NodeId,
    reason: Type.String({ maxLength: 64 }),
  }),
  Type.Object({ type: Type.Literal('pipe.producer'), sessionId: SessionId, from: NodeId, producer: Piped }),
  Type.Object({
    type: Type.Literal('pipe.producerClosed'),
    sessionId: SessionId,
    from: NodeId,
    producerId: Type.String({ minLength: 1, maxLength: 64 }),
  }),
  // Either way: this pipe is closed (the edge's last viewer left, or the origin's room closed).
  Type.Object({ type: Type.Literal('pipe.close'), sessionId: SessionId, from: NodeId }),
]);
export type PipeMessage = Static<typeof PipeMessageSchema>;

/** Messages every media node hears. */
export const MediaBroadcastSchema = Type.Union([
  // A node became the session's origin (its host published there).
  Type.Object({ type: Type.Literal('origin.up'), sessionId: SessionId, nodeId: NodeId }),
  // The session ended: every node closes its room and pipes.
  Type.Object({ type: Type.Literal('room.close'), sessionId: SessionId }),
  // The session changed host: every node closes its room and asks its peers to join again.
  Type.Object({ type: Type.Literal('room.handOver'), sessionId: SessionId }),
]);
export type MediaBroadcast = Static<typeof MediaBroadcastSchema>;

/** A media node's question to the core. */
export const CoreQuestionSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  replyTo: Type.String({ minLength: 1, maxLength: 128, pattern: '^vl:media:core-answers:[A-Za-z0-9_.:-]+$' }),
  /** The core ignores questions older than this (the asker gave up). */
  deadlineMs: Type.Integer({ minimum: 0 }),
  ask: Type.Union([
    Type.Object({ type: Type.Literal('hostOf'), sessionId: SessionId }),
    Type.Object({ type: Type.Literal('access'), personId: Type.String({ minLength: 1, maxLength: 64 }) }),
  ]),
});
export type CoreQuestion = Static<typeof CoreQuestionSchema>;

export const CoreAnswerSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  /** hostOf: the host's person id or null; access: roles and when sessions were revoked. */
  hostId: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
  access: Type.Optional(
    Type.Object({
      roles: Type.Array(Type.String({ maxLength: 32 }), { maxItems: 16 }),
      sessionsRevokedAtMs: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
  error: Type.Optional(Type.String({ maxLength: 64 })),
});
export type CoreAnswer = Static<typeof CoreAnswerSchema>;
