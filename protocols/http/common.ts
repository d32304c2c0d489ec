// Pieces every HTTP contract shares: ids, money, times, paging, the error body and the bearer scheme.
// TypeBox schemas validate requests and describe replies in the OpenAPI document; `Static` gives the type.
import { type Static, type TSchema, Type } from 'typebox';
import { METRIC_NAMES } from '../device.ts';

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** Every id on the platform: 1–64 of `[A-Za-z0-9_-]`. */
export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
export type IdParams = Static<typeof IdParams>;
/** Ids minted as UUIDs (products, sessions, cards, orders); same charset as Id. */
export const Uuid = Id;

const Text = (max: number) => Type.String({ maxLength: max });
export const Localised = Type.Object(
  { en: Text(200), 'zh-Hans': Text(200), 'zh-Hant': Text(200) },
  { additionalProperties: false },
);
export type Localised = Static<typeof Localised>;
export const LongLocalised = Type.Object(
  { en: Text(4000), 'zh-Hans': Text(4000), 'zh-Hant': Text(4000) },
  { additionalProperties: false },
);

export const Currency = Type.String({ pattern: '^[A-Za-z]{3}$' });
/** Money in integer minor units of its currency. */
export const Minor = Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 });
export const Quantity = Type.Integer({ minimum: 1, maximum: 1_000_000 });
/** Epoch milliseconds (UTC), within what a JavaScript Date can hold. */
export const EpochMs = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 });
export const NullableMs = Nullable(EpochMs);

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
};

/** The body of every coded error (protocols/errors.ts). */
export const ErrorSchema = Type.Object({ code: Type.String(), message: Type.String(), params: Type.Any() });
export type ErrorBody = Static<typeof ErrorSchema>;

/** A reading metric the devices measure (device.ts's list). */
export const MetricName = Type.Union(METRIC_NAMES.map((m) => Type.Literal(m)));
/** A metric with a range: a product's suitable range, or the physical range devices may report. */
export const MetricRangeSchema = Type.Object({
  metric: Type.String(),
  min: Type.Number(),
  max: Type.Number(),
});
export type MetricRange = Static<typeof MetricRangeSchema>;

/** The OpenAPI security requirement of routes that take an access token. */
export const bearer = [{ bearer: [] }];
