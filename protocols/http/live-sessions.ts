// /api/live-sessions on the wire: sessions, their product cards, and the public snapshot. The same
// session and card shapes travel over /live (protocols/sockets/live.ts).
import { type Static, Type } from 'typebox';
import { ImageUrlsSchema } from './catalog.ts';
import { EpochMs, Id, Localised, Minor, Nullable, NullableMs, PageQuery, Quantity } from './common.ts';

export const SessionStateSchema = Type.Union([
  Type.Literal('scheduled'),
  Type.Literal('live'),
  Type.Literal('ended'),
]);
export type SessionState = Static<typeof SessionStateSchema>;

export const LiveSessionSchema = Type.Object({
  sessionId: Type.String(),
  hostPersonId: Type.String(),
  title: Type.String(),
  state: SessionStateSchema,
  scheduledAtMs: NullableMs,
  startedAtMs: NullableMs,
  endedAtMs: NullableMs,
  /** Staff made the line-up public (GET /api/lives shows it). */
  lineupPublic: Type.Boolean(),
});
export type LiveSession = Static<typeof LiveSessionSchema>;

/** A product card; frames and snapshots carry it whole (absolute values, never deltas). */
export const CardSchema = Type.Object({
  cardId: Type.String(),
  sessionId: Type.String(),
  skuId: Type.String(),
  titles: Localised,
  priceMinor: Type.Integer(),
  currency: Type.String(),
  allotted: Type.Integer(),
  remaining: Type.Integer(),
  perMemberLimit: Type.Integer(),
  startsAtMs: NullableMs,
  endsAtMs: NullableMs,
  /** draft, pinned, unpinned, sold_out or expired. */
  state: Type.String(),
  pinnedAtMs: NullableMs,
});
export type Card = Static<typeof CardSchema>;

export const SessionParams = Type.Object({ sessionId: Id }, { additionalProperties: false });
export type SessionParams = Static<typeof SessionParams>;
export const CardParams = Type.Object({ sessionId: Id, cardId: Id }, { additionalProperties: false });
export type CardParams = Static<typeof CardParams>;

export const NewSessionBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    hostPersonId: Type.Optional(Id),
    scheduledAtMs: Type.Optional(EpochMs),
  },
  { additionalProperties: false },
);
export type NewSessionBody = Static<typeof NewSessionBody>;

export const SessionListQuery = Type.Object(
  { ...PageQuery, state: Type.Optional(SessionStateSchema) },
  { additionalProperties: false },
);
export type SessionListQuery = Static<typeof SessionListQuery>;

/** GET /api/live-sessions/:sessionId: the session and its pinned cards with live stock. */
export const SessionSnapshotSchema = Type.Object({
  session: LiveSessionSchema,
  cards: Type.Array(CardSchema),
});
export type SessionSnapshot = Static<typeof SessionSnapshotSchema>;

/**
 * GET /api/live-sessions/:sessionId/bag: every card of the session that has been pinned at least once,
 * pinned now first; draft cards never appear. `buyable` follows the "open card" rule: the session is live
 * and the card is pinned or unpinned, inside its window, with units left.
 */
export const BagItemSchema = Type.Object({
  cardId: Type.String(),
  productId: Type.String(),
  titles: Localised,
  /** The card's (live) price, and the SKU's list price. */
  priceMinor: Type.Integer(),
  listPriceMinor: Type.Integer(),
  currency: Type.String(),
  remaining: Type.Integer(),
  /** Units held by orders on the card (allotted − remaining). */
  bought: Type.Integer(),
  perMemberLimit: Type.Integer(),
  state: Type.String(),
  pinnedNow: Type.Boolean(),
  buyable: Type.Boolean(),
  startsAtMs: NullableMs,
  endsAtMs: NullableMs,
  /** The product's main photo by width, or null. */
  image: Nullable(ImageUrlsSchema),
});
export type BagItem = Static<typeof BagItemSchema>;
export const BagSchema = Type.Object({
  sessionId: Type.String(),
  sessionState: SessionStateSchema,
  items: Type.Array(BagItemSchema),
});
export type Bag = Static<typeof BagSchema>;

export const HostChangeBody = Type.Object({ hostPersonId: Id }, { additionalProperties: false });
export type HostChangeBody = Static<typeof HostChangeBody>;

export const NewCardBody = Type.Object(
  {
    skuId: Id,
    quantity: Quantity,
    priceMinor: Type.Optional(Minor),
    perMemberLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    startsAtMs: Type.Optional(EpochMs),
    endsAtMs: Type.Optional(EpochMs),
  },
  { additionalProperties: false },
);
export type NewCardBody = Static<typeof NewCardBody>;

export const CountdownBody = Type.Object(
  { startsAtMs: EpochMs, endsAtMs: EpochMs },
  { additionalProperties: false },
);
export type CountdownBody = Static<typeof CountdownBody>;
