// Row types of the order tables (migration 0008-orders).

export type OrderStatus =
  | 'placed'
  | 'paid'
  | 'fulfilled'
  | 'completed'
  | 'cancelled'
  | 'expired'
  | 'refunded';
export type ProviderName = 'manual' | 'webhook';

export interface OrdersTable {
  id: string;
  person_id: string;
  session_id: string;
  card_id: string;
  sku_id: string;
  quantity: number;
  unit_price_minor: number;
  total_minor: number;
  currency: string;
  status: OrderStatus;
  provider: ProviderName;
  fulfilment: string;
  reserved_until_ms: number;
  paid_at_ms: number | null;
  /** Referral credit applied at placement (0009-ledger); the buyer pays total_minor - credit_minor. */
  credit_minor: number;
  created_at_ms: number;
  updated_at_ms: number;
}

export interface CardHoldingsTable {
  card_id: string;
  person_id: string;
  quantity: number;
}

export interface IdempotencyKeysTable {
  person_id: string;
  key: string;
  request_hash: string;
  status_code: number;
  body: string;
  created_at_ms: number;
}

export interface PaymentEventsTable {
  provider: string;
  event_id: string;
  order_id: string;
  kind: string;
  amount_minor: number;
  received_at_ms: number;
  /** 0015: the paid currency (ISO 4217), why a `payment.orphaned` could not be applied, when staff settled it. */
  currency: string | null;
  reason: string | null;
  resolved_at_ms: number | null;
}
