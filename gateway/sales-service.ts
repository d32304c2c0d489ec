// The live-sales services as the catalog, live-session and order routes see them: commerce's catalog,
// sessions and cards, orders, and the webhook payment provider when one is configured.
import type { Commerce } from '../commerce/index.ts';

export type SalesServices = Pick<Commerce, 'catalog' | 'sales' | 'orders' | 'webhook'>;
