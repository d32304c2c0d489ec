// TypeBox schemas shared by the catalog, live-session and order routes.
import { Type } from '@fastify/type-provider-typebox';
import { METRIC_NAMES } from '../../protocols/index.ts';
import type { Guards } from '../auth/index.ts';
import type { SalesServices } from '../sales-service.ts';

export interface SalesRouteDeps {
  services: SalesServices;
  guards: Guards;
}

export const Uuid = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Text = (max: number) => Type.String({ maxLength: max });
export const Localised = Type.Object(
  { en: Text(200), 'zh-Hans': Text(200), 'zh-Hant': Text(200) },
  { additionalProperties: false },
);
const LongLocalised = Type.Object(
  { en: Text(4000), 'zh-Hans': Text(4000), 'zh-Hant': Text(4000) },
  { additionalProperties: false },
);
export const Currency = Type.String({ pattern: '^[A-Za-z]{3}$' });
export const Minor = Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 });
export const Quantity = Type.Integer({ minimum: 1, maximum: 1_000_000 });
export const EpochMs = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 });
const NullableMs = Type.Union([EpochMs, Type.Null()]);

/** A reading metric the devices measure (protocols' list); ranges are checked further by commerce. */
const MetricName = Type.Union(METRIC_NAMES.map((m) => Type.Literal(m)));
const MetricRanges = Type.Array(
  Type.Object(
    { metric: MetricName, min: Type.Number(), max: Type.Number() },
    { additionalProperties: false },
  ),
  { maxItems: 20 },
);
const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 48, pattern: '^[a-z0-9-]+$' }), {
  maxItems: 20,
});

export const ProductChangesBody = Type.Object(
  { tags: Type.Optional(Tags), metrics: Type.Optional(MetricRanges) },
  { additionalProperties: false, minProperties: 1 },
);

export const NewProductBody = Type.Object(
  {
    titles: Localised,
    descriptions: Type.Optional(LongLocalised),
    tags: Type.Optional(Tags),
    metrics: Type.Optional(MetricRanges),
    skus: Type.Array(
      Type.Object(
        {
          code: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }),
          titles: Type.Optional(Localised),
          priceMinor: Minor,
          currency: Currency,
          stock: Type.Integer({ minimum: 0, maximum: 100_000_000 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 50 },
    ),
  },
  { additionalProperties: false },
);

const SkuSchema = Type.Object({
  skuId: Type.String(),
  productId: Type.String(),
  code: Type.String(),
  titles: Localised,
  priceMinor: Type.Integer(),
  currency: Type.String(),
  stockOnHand: Type.Integer(),
});

export const ProductSchema = Type.Object({
  productId: Type.String(),
  titles: Localised,
  descriptions: LongLocalised,
  tags: Type.Array(Type.String()),
  metrics: Type.Array(Type.Object({ metric: Type.String(), min: Type.Number(), max: Type.Number() })),
  skus: Type.Array(SkuSchema),
  createdAtMs: Type.Integer(),
});

export const SessionSchema = Type.Object({
  sessionId: Type.String(),
  hostPersonId: Type.String(),
  title: Type.String(),
  state: Type.Union([Type.Literal('scheduled'), Type.Literal('live'), Type.Literal('ended')]),
  scheduledAtMs: NullableMs,
  startedAtMs: NullableMs,
  endedAtMs: NullableMs,
});

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
  state: Type.String(),
  pinnedAtMs: NullableMs,
});

const Line = (max: number) => Type.String({ minLength: 1, maxLength: max });
export const FulfilmentSchema = Type.Union([
  Type.Object({ method: Type.Literal('pickup'), clinic: Line(120) }, { additionalProperties: false }),
  Type.Object(
    {
      method: Type.Literal('delivery'),
      address: Type.Object(
        {
          name: Line(80),
          phone: Line(32),
          line1: Line(200),
          line2: Type.Optional(Type.String({ maxLength: 200 })),
          city: Line(80),
          postcode: Type.Optional(Type.String({ maxLength: 16 })),
          country: Type.String({ pattern: '^[A-Z]{2}$' }),
        },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
]);

export const PlaceOrderBody = Type.Object(
  {
    cardId: Uuid,
    quantity: Type.Integer({ minimum: 1, maximum: 1000 }),
    provider: Type.Optional(Type.Union([Type.Literal('manual'), Type.Literal('webhook')])),
    fulfilment: FulfilmentSchema,
    redeemCreditMinor: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1_000_000_000_000,
        description:
          'Apply up to this much available referral credit (minor units of the card currency); capped at ' +
          'LEDGER_REDEEM_MAX_SHARE_BPS of the order; 409 CREDIT_UNAVAILABLE when the balance is 0 or less',
      }),
    ),
  },
  { additionalProperties: false },
);

export const OrderStatusSchema = Type.Union(
  ['placed', 'paid', 'fulfilled', 'completed', 'cancelled', 'expired', 'refunded'].map((s) =>
    Type.Literal(s),
  ),
);

export const OrderSchema = Type.Object({
  orderId: Type.String(),
  personId: Type.String(),
  sessionId: Type.String(),
  cardId: Type.String(),
  skuId: Type.String(),
  quantity: Type.Integer(),
  unitPriceMinor: Type.Integer(),
  totalMinor: Type.Integer(),
  creditMinor: Type.Integer(),
  payableMinor: Type.Integer(),
  currency: Type.String(),
  status: Type.String(),
  provider: Type.String(),
  fulfilment: FulfilmentSchema,
  reservedUntilMs: Type.Integer(),
  paidAtMs: NullableMs,
  createdAtMs: Type.Integer(),
  updatedAtMs: Type.Integer(),
});

export const ErrorSchema = Type.Object({ code: Type.String(), message: Type.String(), params: Type.Any() });
