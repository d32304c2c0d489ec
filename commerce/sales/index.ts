// Catalog and live sales: products, SKUs, live sessions, product cards.
export { Catalog, type NewProduct, type NewSku, type ProductChanges } from './catalog.ts';
export {
  type LineupItem,
  LiveSales,
  type LiveSalesOptions,
  type NewCard,
  type NewSession,
  type SessionSnapshot,
  type UpcomingLive,
} from './live-sales.ts';
export type { CardState, SessionState } from './tables.ts';
export {
  type CardView,
  type LiveSession,
  LOCALES,
  type Locale,
  type Localised,
  type MetricRange,
  type Product,
  type Sku,
} from './views.ts';
