// Orders, payments and the stock gate.
export type { Fulfilment, Order } from './order-view.ts';
export {
  countOrphanedPayments,
  type MyOrder,
  type OrderCounters,
  type OrderCredit,
  Orders,
  type OrdersOptions,
  type OrphanedPayment,
  type OrphanReason,
  type PlaceOrderInput,
  type PlaceOrderReply,
  type ProviderPaymentResult,
} from './orders.ts';
export {
  manualProvider,
  type PaymentProvider,
  signWebhook,
  type WebhookProvider,
  type WebhookProviderOptions,
  webhookProvider,
} from './payments.ts';
export {
  type GateTake,
  type GateVerdict,
  LocalStockGate,
  RedisStockGate,
  type StockGate,
} from './stock-gate.ts';
export { Sweeper, type SweeperOptions } from './sweeper.ts';
export type { OrderStatus, ProviderName } from './tables.ts';
