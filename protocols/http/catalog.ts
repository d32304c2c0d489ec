// /api/products and /api/skus on the wire: products with their SKUs, tags and reading ranges; stock.
import { type Static, Type } from 'typebox';
import {
  Currency,
  Id,
  Localised,
  LongLocalised,
  MetricName,
  MetricRangeSchema,
  Minor,
  PageQuery,
} from './common.ts';

/** Ranges of the readings a product suits; commerce checks them against the physical ranges. */
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
export type ProductChangesBody = Static<typeof ProductChangesBody>;

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
export type NewProductBody = Static<typeof NewProductBody>;

export const SkuSchema = Type.Object({
  skuId: Type.String(),
  productId: Type.String(),
  code: Type.String(),
  titles: Localised,
  priceMinor: Type.Integer(),
  currency: Type.String(),
  stockOnHand: Type.Integer(),
});
export type Sku = Static<typeof SkuSchema>;

/** The widths every product photo is stored at (WebP); each is served at /images/<hash>-<width>.webp. */
export const IMAGE_WIDTHS = [160, 480, 1080] as const;
export type ImageWidth = (typeof IMAGE_WIDTHS)[number];

/** The addresses of one photo, by width in CSS pixels. */
export const ImageUrlsSchema = Type.Object({
  160: Type.String(),
  480: Type.String(),
  1080: Type.String(),
});
export type ImageUrls = Static<typeof ImageUrlsSchema>;

export const ProductImageSchema = Type.Object({
  imageId: Type.String(),
  /** Width and height of the largest stored size. */
  width: Type.Integer(),
  height: Type.Integer(),
  urls: ImageUrlsSchema,
});
export type ProductImage = Static<typeof ProductImageSchema>;

export const ProductImageParams = Type.Object(
  { productId: Id, imageId: Id },
  { additionalProperties: false },
);
export type ProductImageParams = Static<typeof ProductImageParams>;

/** GET /images/:name — a stored size of a photo; anything else is NOT_FOUND. */
export const ImageFileParams = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
export const IMAGE_FILE_PATTERN = /^([0-9a-f]{64})-(160|480|1080)\.webp$/;

export const ProductSchema = Type.Object({
  productId: Type.String(),
  titles: Localised,
  descriptions: LongLocalised,
  tags: Type.Array(Type.String()),
  metrics: Type.Array(MetricRangeSchema),
  skus: Type.Array(SkuSchema),
  /** Photos, the product's main photo first. */
  images: Type.Array(ProductImageSchema),
  createdAtMs: Type.Integer(),
});
export type Product = Static<typeof ProductSchema>;

export const ProductListQuery = Type.Object(
  { ...PageQuery, tag: Type.Optional(Type.String({ maxLength: 48 })) },
  { additionalProperties: false },
);
export type ProductListQuery = Static<typeof ProductListQuery>;

export const ProductParams = Type.Object({ productId: Id }, { additionalProperties: false });
export type ProductParams = Static<typeof ProductParams>;

export const SkuParams = Type.Object({ skuId: Id }, { additionalProperties: false });
export type SkuParams = Static<typeof SkuParams>;

/** Receive (positive) or write off (negative) units on hand. */
export const StockAdjustBody = Type.Object(
  { delta: Type.Integer({ minimum: -100_000_000, maximum: 100_000_000 }) },
  { additionalProperties: false },
);
export type StockAdjustBody = Static<typeof StockAdjustBody>;

/** GET /api/reading-metrics: every metric with its physical range (the bounds of product ranges). */
export const ReadingMetricsSchema = Type.Array(MetricRangeSchema);
