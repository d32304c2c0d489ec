// What the people, auth and channel routes share: their dependencies. Their request and response
// schemas are wire contracts in protocols/http/ (a column not listed there never leaves the server).
import type { People } from '../../commerce/index.ts';
import type { Guards, TokenService } from '../auth/index.ts';

export interface PeopleRouteDeps {
  people: People;
  tokens: TokenService;
  guards: Guards;
}
