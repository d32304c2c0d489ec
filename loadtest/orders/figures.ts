// One JSON line of bench:orders.
export interface Figures {
  scenario: string;
  /** Storm only: an order's 201 → the staff console counting it (coalesced every 500 ms). */
  orderToStaffP50Ms?: number;
  orderToStaffP99Ms?: number;
  store: string;
  gate: string;
  /** `cluster` runs: platform nodes behind the balancer. */
  nodes?: number;
  attempts: number;
  attemptsPerSec: number;
  orders: number;
  ordersPerSec: number;
  p50Ms: number;
  p99Ms: number;
  oversold: number;
  seconds: number;
  /** CPU µs per attempt spent by the platform process and by the driver (load-independent cost). */
  serverCpuUsPerRequest?: number;
  driverCpuUsPerRequest?: number;
  /** CPU µs per attempt of the PostgreSQL server's processes for this node's database (0 on SQLite). */
  pgCpuUsPerRequest?: number;
  /** serverCpuUsPerRequest + pgCpuUsPerRequest: what an attempt costs the platform. */
  platformCpuUsPerRequest?: number;
  /** Behind a balancer: HAProxy's CPU µs per attempt (not counted in the platform's). */
  balancerCpuUsPerRequest?: number;
}
