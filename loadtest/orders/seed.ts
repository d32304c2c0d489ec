// Bench fixtures through commerce's seeding entry: members in bulk (no password hashing, no contact
// proof) with minted access tokens, and a staff member plus a host to set the sale up through the HTTP
// API.
import type { Commerce, TokenService } from '../../gateway/index.ts';

type Role = Parameters<TokenService['mintAccess']>[1][number];

export async function seedPeople(
  commerce: Pick<Commerce, 'fixtures'>,
  tokens: TokenService,
  n: number,
  roles: Role[] = ['member'],
): Promise<Array<{ id: string; token: string }>> {
  const ids = await commerce.fixtures.seedPeople(n, { roles });
  const out: Array<{ id: string; token: string }> = [];
  for (const id of ids) out.push({ id, token: await tokens.mintAccess(id, roles) });
  return out;
}
