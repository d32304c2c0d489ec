// A live's replay on the wire: whether it exists yet, where its HLS playlist is, its parts (each a run of
// the live between two gaps) and the moments cards were pinned and unpinned; the names of replay files.
import { type Static, Type } from 'typebox';
import { Id } from './common.ts';

export const ReplayStateSchema = Type.Union([
  Type.Literal('none'),
  Type.Literal('recording'),
  Type.Literal('processing'),
  Type.Literal('ready'),
]);
export type ReplayState = Static<typeof ReplayStateSchema>;

export const ReplayPartSchema = Type.Object({
  /** Epoch ms (UTC) of the live this part shows. */
  startedAtMs: Type.Integer(),
  endedAtMs: Type.Integer(),
  /** Where the part starts on the replay's timeline, seconds. */
  offsetSec: Type.Number(),
  durationSec: Type.Number(),
});

/** A card on the replay's timeline: shown from pinnedAtSec until unpinnedAtSec (null: to the end). */
export const ReplayCardMomentSchema = Type.Object({
  cardId: Type.String(),
  pinnedAtSec: Type.Number(),
  unpinnedAtSec: Type.Union([Type.Number(), Type.Null()]),
});
export type ReplayCardMoment = Static<typeof ReplayCardMomentSchema>;

/** GET /api/live-sessions/:sessionId/replay (public, as the session page is). */
export const ReplaySchema = Type.Object({
  sessionId: Type.String(),
  state: ReplayStateSchema,
  /** Set when ready: the HLS playlist (H.264 + AAC, fMP4 segments). */
  playlistUrl: Type.Union([Type.String(), Type.Null()]),
  durationSec: Type.Number(),
  parts: Type.Array(ReplayPartSchema),
  cards: Type.Array(ReplayCardMomentSchema),
});
export type Replay = Static<typeof ReplaySchema>;

/** A replay file: the playlist, an init section or a media segment; any other name is refused. */
export const ReplayFileParams = Type.Object(
  {
    sessionId: Id,
    file: Type.String({
      maxLength: 32,
      pattern: '^(replay\\.m3u8|init-\\d{2,4}\\.mp4|p\\d{2,4}-\\d{4,6}\\.m4s)$',
    }),
  },
  { additionalProperties: false },
);
export type ReplayFileParams = Static<typeof ReplayFileParams>;

/** A chat message as the replay shows it: the server-chosen name, never a viewer or person id. */
export const ReplayChatMessageSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  text: Type.String(),
  /** Where it appears on the replay's timeline, seconds. */
  atSec: Type.Number(),
});

/** GET /api/live-sessions/:sessionId/replay/chat: the chat as shown live, minus deletions and mutes. */
export const ReplayChatSchema = Type.Object({
  sessionId: Type.String(),
  messages: Type.Array(ReplayChatMessageSchema),
});
export type ReplayChat = Static<typeof ReplayChatSchema>;
