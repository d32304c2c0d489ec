// /api/lives and the share poster on the wire: what anyone may read of lives to come (no sign-in), the
// staff switch that makes a session's line-up public, and the poster's query (sharer codes, language).
import { type Static, Type } from 'typebox';
import { Id, Localised, Nullable, NullableMs } from './common.ts';
import { SessionStateSchema } from './live-sessions.ts';

/** A product of a public line-up: its name and list price. A card's live price and units never appear. */
export const LineupItemSchema = Type.Object({
  skuId: Type.String(),
  titles: Localised,
  listPriceMinor: Type.Integer(),
  currency: Type.String(),
});
export type LineupItem = Static<typeof LineupItemSchema>;

export const UpcomingLiveSchema = Type.Object({
  sessionId: Type.String(),
  title: Type.String(),
  hostName: Type.String(),
  state: SessionStateSchema,
  /** Epoch ms (UTC); the page shows it in the viewer's own time zone. */
  scheduledAtMs: NullableMs,
  startedAtMs: NullableMs,
  /** Null while staff keep the line-up private. */
  lineup: Nullable(Type.Array(LineupItemSchema)),
});
export type UpcomingLive = Static<typeof UpcomingLiveSchema>;

/** GET /api/lives: live now first, then scheduled in the next 14 days; `nowMs` lets clients fix their clock. */
export const UpcomingLivesSchema = Type.Object({
  nowMs: Type.Integer(),
  lives: Type.Array(UpcomingLiveSchema),
});
export type UpcomingLives = Static<typeof UpcomingLivesSchema>;

export const LineupVisibilityBody = Type.Object({ public: Type.Boolean() }, { additionalProperties: false });
export type LineupVisibilityBody = Static<typeof LineupVisibilityBody>;

/**
 * A sharer's code as it travels in links: a member's referral code or a channel's invite code, from the
 * unambiguous code alphabet (commerce/people/codes.ts). Anything else is refused before any rendering.
 */
export const ShareCode = Type.String({ minLength: 4, maxLength: 16, pattern: '^[2-9A-HJKMNP-Z]+$' });

export const PosterLang = Type.Union([Type.Literal('en'), Type.Literal('zh-Hans'), Type.Literal('zh-Hant')]);
export type PosterLang = Static<typeof PosterLang>;

/** An IANA time zone name (Asia/Taipei, America/Los_Angeles); the route also checks that it exists. */
export const TimeZoneName = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z][A-Za-z0-9_+/-]*$',
});

export const PosterQuery = Type.Object(
  {
    ref: Type.Optional(ShareCode),
    ch: Type.Optional(ShareCode),
    lang: Type.Optional(PosterLang),
    /** The zone the start time is written in; default Asia/Shanghai. */
    tz: Type.Optional(TimeZoneName),
  },
  { additionalProperties: false },
);
export type PosterQuery = Static<typeof PosterQuery>;

export const PosterParams = Type.Object({ sessionId: Id }, { additionalProperties: false });
export type PosterParams = Static<typeof PosterParams>;
