// The order as the API shows it, and its legal status transitions.
import type { Selectable } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import type { OrderStatus, OrdersTable, ProviderName } from './tables.ts';

export type Fulfilment =
  | { method: 'pickup'; clinic?: string | undefined; clinicId?: string | undefined }
  | {
      method: 'delivery';
      address: {
        name: string;
        phone: string;
        line1: string;
        line2?: string;
        city: string;
        postcode?: string;
        country: string;
      };
    };

export interface Order {
  orderId: string;
  personId: string;
  sessionId: string;
  cardId: string;
  skuId: string;
  quantity: number;
  unitPriceMinor: number;
  totalMinor: number;
  /** Referral credit applied to the order. */
  creditMinor: number;
  /** What the buyer pays: totalMinor - creditMinor. */
  payableMinor: number;
  currency: string;
  status: OrderStatus;
  provider: ProviderName;
  fulfilment: Fulfilment;
  reservedUntilMs: number;
  paidAtMs: number | null;
  createdAtMs: number;
  updatedAtMs: number;
}

export function orderView(row: Selectable<OrdersTable>): Order {
  return {
    orderId: row.id,
    personId: row.person_id,
    sessionId: row.session_id,
    cardId: row.card_id,
    skuId: row.sku_id,
    quantity: Number(row.quantity),
    unitPriceMinor: Number(row.unit_price_minor),
    totalMinor: Number(row.total_minor),
    creditMinor: Number(row.credit_minor),
    payableMinor: Number(row.total_minor) - Number(row.credit_minor),
    currency: row.currency,
    status: row.status,
    provider: row.provider,
    fulfilment: JSON.parse(row.fulfilment) as Fulfilment,
    reservedUntilMs: Number(row.reserved_until_ms),
    paidAtMs: row.paid_at_ms === null ? null : Number(row.paid_at_ms),
    createdAtMs: Number(row.created_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
  };
}

const LEGAL: Record<OrderStatus, readonly OrderStatus[]> = {
  placed: ['paid', 'cancelled', 'expired'],
  paid: ['fulfilled', 'refunded'],
  fulfilled: ['completed', 'refunded'],
  completed: ['refunded'],
  cancelled: [],
  expired: [],
  refunded: [],
};

export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!LEGAL[from].includes(to)) throw new VitaliveError('ORDER_INVALID_TRANSITION', { from, to });
}
