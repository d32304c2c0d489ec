// Catalog and live sales: products, SKUs, live sessions, product cards.

export { type Bag, type BagItem, isOpenCard, OPEN_CARD_STATES } from './bag.ts';
export { Catalog, type NewProduct, type NewSku, type ProductChanges } from './catalog.ts';
export {
  type CardMoment,
  type ChatLog,
  type ChatLogEntry,
  type LineupItem,
  LiveSales,
  type LiveSalesOptions,
  type NewCard,
  type NewSession,
  type ReplayChatMessage,
  type SaleLine,
  type SalesTotal,
  type SessionSales,
  type SessionSnapshot,
  type UpcomingLive,
} from './live-sales.ts';
export { ProductImages, type StoredImage } from './product-images.ts';
export type { CardState, SessionState } from './tables.ts';
export {
  type CardView,
  type ImageUrls,
  imageUrls,
  type LiveSession,
  LOCALES,
  type Locale,
  type Localised,
  type MetricRange,
  type Product,
  type ProductImage,
  type Sku,
} from './views.ts';
