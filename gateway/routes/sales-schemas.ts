// What the catalog, live-session and order routes share: their dependencies. Their request and response
// schemas are wire contracts in protocols/http/.
import type { Guards } from '../auth/index.ts';
import type { SalesServices } from '../sales-service.ts';

export interface SalesRouteDeps {
  services: SalesServices;
  guards: Guards;
}
