// What the people, auth and channel route files use.
import type { People } from '../../commerce/index.ts';
import type { Guards, TokenService } from '../auth/index.ts';

export interface PeopleRouteDeps {
  people: People;
  tokens: TokenService;
  guards: Guards;
}
