// Bench fixtures written straight into the store: members in bulk (no password hashing) with minted
// access tokens, and a staff member plus a host to set the sale up through the HTTP API.
import { randomUUID } from 'node:crypto';
import {
  MEMBER_CODE_LENGTH,
  REFERRAL_CODE_LENGTH,
  type Role,
  randomCode,
  type Store,
} from '../../commerce/index.ts';
import type { TokenService } from '../../gateway/index.ts';

/** Random codes that are unique within this run: 20,000 random 6-character codes collide now and then. */
const issued = new Set<string>();
function uniqueCode(length: number): string {
  for (;;) {
    const code = randomCode(length);
    if (!issued.has(code)) {
      issued.add(code);
      return code;
    }
  }
}

export async function seedPeople(store: Store, tokens: TokenService, n: number, roles: Role[] = ['member']) {
  const now = Date.now();
  const out: Array<{ id: string; token: string }> = [];
  for (let start = 0; start < n; start += 500) {
    const rows = Array.from({ length: Math.min(500, n - start) }, () => {
      const id = randomUUID();
      return {
        id,
        kind: 'member' as const,
        member_code: uniqueCode(MEMBER_CODE_LENGTH),
        referral_code: uniqueCode(REFERRAL_CODE_LENGTH),
        display_name: `Buyer ${id.slice(0, 6)}`,
        email: `${id}@bench.test`,
        phone: null,
        tier: 'basic',
        referred_by: null,
        channel_id: null,
        consent_marketing: 0,
        consent_marketing_at_ms: null,
        consent_health_data: 0,
        consent_health_data_at_ms: null,
        password_hash: null,
        must_change_password: 0,
        registered_at_ms: now,
        created_at_ms: now,
        updated_at_ms: now,
      };
    });
    await store.transaction(async (trx) => {
      await trx.insertInto('people').values(rows).execute();
      await trx
        .insertInto('person_roles')
        .values(
          rows.flatMap((r) =>
            roles.map((role) => ({ person_id: r.id, role, granted_by: null, granted_at_ms: now })),
          ),
        )
        .execute();
    });
    for (const r of rows) out.push({ id: r.id, token: await tokens.mintAccess(r.id, roles) });
  }
  return out;
}
