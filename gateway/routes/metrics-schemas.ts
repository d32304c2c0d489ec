// Response shapes and query pieces of /api/metrics.
import { Type } from '@fastify/type-provider-typebox';
import type { Period } from '../../commerce/index.ts';
import { VitaliveError } from '../../protocols/index.ts';

const Int = Type.Integer();
const Ms = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 });

export const PeriodQuery = {
  /** Start of the period, epoch ms (its UTC day is included). @default 0 */
  from: Type.Optional(Ms),
  /** End of the period, epoch ms, exclusive. @default now */
  to: Type.Optional(Ms),
};

/** Longest period one query may cover: keeps every query to a bounded number of day buckets. */
const MAX_PERIOD_DAYS = 3660;

export function periodOf(
  q: { from?: number | undefined; to?: number | undefined },
  nowMs = Date.now(),
): Period {
  const toMs = q.to ?? nowMs + 1;
  const fromMs = q.from ?? Math.max(0, toMs - MAX_PERIOD_DAYS * 86_400_000);
  if (fromMs >= toMs) throw new VitaliveError('METRICS_PERIOD_INVALID', { reason: 'from must be before to' });
  if (toMs - fromMs > MAX_PERIOD_DAYS * 86_400_000)
    throw new VitaliveError('METRICS_PERIOD_INVALID', { reason: `at most ${MAX_PERIOD_DAYS} days` });
  return { fromMs, toMs };
}

export const ChannelFunnelSchema = Type.Object({
  channelId: Type.String(),
  invited: Int,
  attended: Int,
  tested: Int,
  bought: Int,
  ordersPaid: Int,
  refunds: Int,
  paidGmvMinor: Int,
  refundedGmvMinor: Int,
  netGmvMinor: Int,
  commissionMinor: Int,
  commissionReversedMinor: Int,
});

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
  currency: Type.Union([Type.String(), Type.Null()]),
  conversion: Type.Object({
    joinToClick: Type.Number(),
    clickToOrder: Type.Number(),
    orderToPaid: Type.Number(),
    joinToPaid: Type.Number(),
  }),
  peakViewers: Type.Optional(Int),
  viewersNow: Type.Optional(Int),
});

export const ReferrerSchema = Type.Object({
  referrerId: Type.String(),
  signups: Int,
  ordersPaid: Int,
  refunds: Int,
  paidGmvMinor: Int,
  refundedGmvMinor: Int,
  netGmvMinor: Int,
});

const PeriodSchema = Type.Object({ fromMs: Int, toMs: Int });

export const AarrrSchema = Type.Object({
  period: PeriodSchema,
  acquisition: Type.Object({
    newPeople: Int,
    byChannel: Type.Array(Type.Object({ channelId: Type.String(), newPeople: Int })),
  }),
  activation: Type.Object({ activated: Int }),
  retention: Type.Object({
    firstBuyers: Int,
    repeat30: Int,
    repeat90: Int,
    rate30: Type.Number(),
    rate90: Type.Number(),
  }),
  referral: Type.Object({ signups: Int, referredSignups: Int, referredShare: Type.Number() }),
  revenue: Type.Object({
    paidGmvMinor: Int,
    refundedGmvMinor: Int,
    netGmvMinor: Int,
    userBase: Int,
    arpuMinor: Int,
  }),
});

export const FollowUpSchema = Type.Object({
  personId: Type.String(),
  displayName: Type.String(),
  memberCode: Type.String(),
  channelId: Type.Union([Type.String(), Type.Null()]),
  referredBy: Type.Union([Type.String(), Type.Null()]),
  referrerName: Type.Union([Type.String(), Type.Null()]),
  lastTestAtMs: Int,
  lastTestEventId: Type.Union([Type.String(), Type.Null()]),
});
