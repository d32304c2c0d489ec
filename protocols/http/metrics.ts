// /api/metrics on the wire: channel, offline-event and live-session funnels, referrers, AARRR and the
// follow-up list. The /staff stream carries the same funnel and AARRR shapes.
import { type Static, Type } from 'typebox';
import { EpochMs, Id, Nullable } from './common.ts';
import { BalanceSchema } from './ledger.ts';

const Int = Type.Integer();

/** A period in epoch ms: `from` (its UTC day is included) to `to` (exclusive). */
export const PeriodQuery = {
  /** @default 0 (or as far back as one query may reach) */
  from: Type.Optional(EpochMs),
  /** @default now */
  to: Type.Optional(EpochMs),
};
export const PeriodOnlyQuery = Type.Object({ ...PeriodQuery }, { additionalProperties: false });
export type PeriodOnlyQuery = Static<typeof PeriodOnlyQuery>;

export const PeriodSchema = Type.Object({ fromMs: Int, toMs: Int });
export type Period = Static<typeof PeriodSchema>;

export const ChannelFunnelSchema = Type.Object({
  channelId: Type.String(),
  invited: Int,
  attended: Int,
  tested: Int,
  consulted: Int,
  bought: Int,
  ordersPaid: Int,
  refunds: Int,
  paidGmvMinor: Int,
  refundedGmvMinor: Int,
  netGmvMinor: Int,
  commissionMinor: Int,
  commissionReversedMinor: Int,
});
export type ChannelFunnel = Static<typeof ChannelFunnelSchema>;

export const ChannelDaysSchema = Type.Object({
  total: ChannelFunnelSchema,
  days: Type.Array(Type.Intersect([ChannelFunnelSchema, Type.Object({ day: Type.Integer() })])),
});
export type ChannelDays = Static<typeof ChannelDaysSchema>;

export const EventFunnelSchema = Type.Object({
  eventId: Type.String(),
  total: ChannelFunnelSchema,
  channels: Type.Array(ChannelFunnelSchema),
});
export type EventFunnel = Static<typeof EventFunnelSchema>;

export const SessionFunnelSchema = Type.Object({
  sessionId: Type.String(),
  uniqueViewers: Int,
  impressions: Int,
  clickers: Int,
  clicks: Int,
  buyers: Int,
  ordersPlaced: Int,
  ordersPaid: Int,
  ordersRefunded: Int,
  paidGmvMinor: Int,
  refundedGmvMinor: Int,
  currency: Nullable(Type.String()),
  conversion: Type.Object({
    joinToClick: Type.Number(),
    clickToOrder: Type.Number(),
    orderToPaid: Type.Number(),
    joinToPaid: Type.Number(),
  }),
  peakViewers: Type.Optional(Int),
  viewersNow: Type.Optional(Int),
});
export type SessionFunnel = Static<typeof SessionFunnelSchema>;

export const SessionFunnelQuery = Type.Object(
  { channelId: Type.Optional(Id) },
  { additionalProperties: false },
);
export type SessionFunnelQuery = Static<typeof SessionFunnelQuery>;

export const ReferrerSchema = Type.Object({
  referrerId: Type.String(),
  signups: Int,
  ordersPaid: Int,
  refunds: Int,
  paidGmvMinor: Int,
  refundedGmvMinor: Int,
  netGmvMinor: Int,
});
export type Referrer = Static<typeof ReferrerSchema>;

export const ReferrersQuery = Type.Object(
  { ...PeriodQuery, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) },
  { additionalProperties: false },
);
export type ReferrersQuery = Static<typeof ReferrersQuery>;

export const ReferrerDetailSchema = Type.Intersect([
  ReferrerSchema,
  Type.Object({ credit: Type.Array(BalanceSchema) }),
]);
export type ReferrerDetail = Static<typeof ReferrerDetailSchema>;

export const AarrrSchema = Type.Object({
  period: PeriodSchema,
  acquisition: Type.Object({
    newPeople: Int,
    byChannel: Type.Array(Type.Object({ channelId: Type.String(), newPeople: Int })),
  }),
  /** People whose first test or first paid order fell in the period. */
  activation: Type.Object({ activated: Int }),
  /** Of the people whose first purchase fell in the period, how many bought again within 30 / 90 days. */
  retention: Type.Object({
    firstBuyers: Int,
    repeat30: Int,
    repeat90: Int,
    rate30: Type.Number(),
    rate90: Type.Number(),
  }),
  referral: Type.Object({ signups: Int, referredSignups: Int, referredShare: Type.Number() }),
  /** ARPU = net GMV of the period ÷ people acquired up to the end of the period. */
  revenue: Type.Object({
    paidGmvMinor: Int,
    refundedGmvMinor: Int,
    netGmvMinor: Int,
    userBase: Int,
    arpuMinor: Int,
  }),
});
export type Aarrr = Static<typeof AarrrSchema>;

export const AarrrQuery = Type.Object(
  { ...PeriodQuery, channelId: Type.Optional(Id) },
  { additionalProperties: false },
);
export type AarrrQuery = Static<typeof AarrrQuery>;

export const FollowUpSchema = Type.Object({
  personId: Type.String(),
  displayName: Type.String(),
  memberCode: Type.String(),
  channelId: Nullable(Type.String()),
  referredBy: Nullable(Type.String()),
  referrerName: Nullable(Type.String()),
  lastTestAtMs: Int,
  lastTestEventId: Nullable(Type.String()),
});
export type FollowUp = Static<typeof FollowUpSchema>;

export const FollowUpsQuery = Type.Object(
  {
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
    channelId: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);
export type FollowUpsQuery = Static<typeof FollowUpsQuery>;

/** Paid GMV over time: `from`/`to` as for every period; `bucket` its step; one point per bucket. */
export const GmvSeriesQuery = Type.Object(
  {
    ...PeriodQuery,
    bucket: Type.Union([Type.Literal('minute'), Type.Literal('hour'), Type.Literal('day')]),
    channelId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type GmvSeriesQuery = Static<typeof GmvSeriesQuery>;

export const GmvSeriesSchema = Type.Object({
  fromMs: Int,
  toMs: Int,
  bucketMs: Int,
  currency: Nullable(Type.String()),
  /** Every bucket of the period from `fromMs`, the empty ones with 0. */
  points: Type.Array(Type.Object({ atMs: Int, paidGmvMinor: Int, ordersPaid: Int })),
});
export type GmvSeries = Static<typeof GmvSeriesSchema>;
