// What the order operations share: the resolved options of Orders and its counters.
import type { Actor } from '../people/person-model.ts';
import type { OrdersOptions } from './orders.ts';

/** What placement and payments refused or set aside since start (exported as metrics by the gateway). */
export interface OrderCounters {
  /** Placement refusals per error code (stored or not). */
  refused: Record<string, number>;
  /** Verified payments recorded as orphaned (to refund). */
  orphanedPayments: number;
  /** Attempts that took units from the stock gate and gave them back. */
  gateReleases: number;
}

export type OrdersContext = Required<Omit<OrdersOptions, 'onEvents' | 'credit'>> &
  Pick<OrdersOptions, 'onEvents' | 'credit'> & { readonly counters: OrderCounters };

export const isStaff = (a: Actor) => a.roles.includes('staff') || a.roles.includes('admin');
