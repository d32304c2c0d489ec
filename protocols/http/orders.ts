// /api/orders and /api/payments on the wire: placing an order (also over /live's `order:place`), the
// order record, the staff's orphaned payments and the provider's webhook answer.
import { type Static, Type } from 'typebox';
import { ImageUrlsSchema } from './catalog.ts';
import { Id, Localised, Nullable, NullableMs, PageQuery } from './common.ts';

const Line = (max: number) => Type.String({ minLength: 1, maxLength: max });
export const FulfilmentSchema = Type.Union([
  // Pickup names a clinic record (clinicId, from GET /api/clinics) or, as older clients do, the clinic as
  // free text; with clinicId the order keeps the clinic's name in `clinic` too.
  Type.Object(
    { method: Type.Literal('pickup'), clinic: Type.Optional(Line(120)), clinicId: Type.Optional(Id) },
    { additionalProperties: false, minProperties: 2 },
  ),
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
export type Fulfilment = Static<typeof FulfilmentSchema>;

export const PlaceOrderBody = Type.Object(
  {
    cardId: Id,
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
export type PlaceOrderBody = Static<typeof PlaceOrderBody>;

/** Same Idempotency-Key and same body → the same answer; another body → IDEMPOTENCY_KEY_REUSED. */
export const IdempotencyKey = Type.String({ minLength: 8, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' });
export const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(IdempotencyKey) });

export const ORDER_STATUSES = [
  'placed',
  'paid',
  'fulfilled',
  'completed',
  'cancelled',
  'expired',
  'refunded',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const OrderStatusSchema = Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s)));

export const OrderSchema = Type.Object({
  orderId: Type.String(),
  personId: Type.String(),
  sessionId: Type.String(),
  cardId: Type.String(),
  skuId: Type.String(),
  quantity: Type.Integer(),
  unitPriceMinor: Type.Integer(),
  totalMinor: Type.Integer(),
  /** Referral credit applied to the order. */
  creditMinor: Type.Integer(),
  /** What the buyer pays: totalMinor - creditMinor. */
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
export type Order = Static<typeof OrderSchema>;

/** GET /api/orders: each order with the buyer's name and the product's titles, so pages show names, not ids. */
export const ListedOrderSchema = Type.Intersect([
  OrderSchema,
  Type.Object({ buyerName: Type.String(), productTitles: Localised }),
]);
export type ListedOrder = Static<typeof ListedOrderSchema>;

/** 201 of POST /api/orders: the order and where to pay it (null: a manual payment). */
export const PlacedOrderSchema = Type.Intersect([
  OrderSchema,
  Type.Object({ checkoutUrl: Nullable(Type.String()) }),
]);
export type PlacedOrder = Static<typeof PlacedOrderSchema>;

/**
 * GET /api/me/orders: the member's own orders with what they bought and how to pay an unpaid one
 * (a manual order: the instructions staff configure; a webhook order: the provider's pay link).
 */
export const MyOrderSchema = Type.Intersect([
  OrderSchema,
  Type.Object({
    productId: Type.String(),
    titles: Localised,
    image: Nullable(ImageUrlsSchema),
    /** Present while the order is unpaid (placed). */
    pay: Nullable(
      Type.Object({
        checkoutUrl: Nullable(Type.String()),
        instructions: Nullable(Type.String()),
      }),
    ),
    cancellable: Type.Boolean(),
  }),
]);
export type MyOrder = Static<typeof MyOrderSchema>;
export const MyOrdersQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export type MyOrdersQuery = Static<typeof MyOrdersQuery>;

export const OrderParams = Type.Object({ orderId: Id }, { additionalProperties: false });
export type OrderParams = Static<typeof OrderParams>;

export const OrderListQuery = Type.Object(
  {
    ...PageQuery,
    personId: Type.Optional(Id),
    sessionId: Type.Optional(Id),
    status: Type.Optional(OrderStatusSchema),
  },
  { additionalProperties: false },
);
export type OrderListQuery = Static<typeof OrderListQuery>;

export const OrphanParams = Type.Object(
  {
    provider: Type.Union([Type.Literal('webhook'), Type.Literal('manual')]),
    eventId: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
);
export type OrphanParams = Static<typeof OrphanParams>;

/** Why a verified payment could not be applied to its order. */
export const ORPHAN_REASONS = [
  'order_not_payable',
  'order_unknown',
  'amount_mismatch',
  'provider_mismatch',
] as const;
export type OrphanReason = (typeof ORPHAN_REASONS)[number];

/** A verified payment no order could take (expired, cancelled, double, mismatched): to refund. */
export const OrphanedPaymentSchema = Type.Object({
  provider: Type.String(),
  eventId: Type.String(),
  orderId: Type.String(),
  personId: Nullable(Type.String()),
  orderStatus: Nullable(Type.String()),
  amountMinor: Type.Integer(),
  currency: Type.String(),
  reason: Type.Unsafe<OrphanReason>({ type: 'string', enum: [...ORPHAN_REASONS] }),
  receivedAtMs: Type.Integer(),
  resolvedAtMs: Nullable(Type.Integer()),
});
export type OrphanedPayment = Static<typeof OrphanedPaymentSchema>;

export const OrphanedPaymentsQuery = Type.Object(
  { ...PageQuery, unresolved: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type OrphanedPaymentsQuery = Static<typeof OrphanedPaymentsQuery>;

export const WebhookHeaders = Type.Object({
  'x-vitalive-signature': Type.Optional(Type.String({ maxLength: 200 })),
});

/** Every verified event is acknowledged, so the provider stops retrying. */
export const WebhookReceiptSchema = Type.Object({
  received: Type.Literal(true),
  duplicate: Type.Boolean(),
  orphaned: Nullable(Type.Unsafe<OrphanReason>({ type: 'string', enum: [...ORPHAN_REASONS] })),
  orderId: Type.String(),
  status: Nullable(Type.String()),
});
export type WebhookReceipt = Static<typeof WebhookReceiptSchema>;
