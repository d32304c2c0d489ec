// Edge tokens: issued by an admin for a standalone edge to post readings to the core. Random 256-bit
// tokens, shown once; only the SHA-256 is stored (no slow hash needed for random secrets).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Store } from '../store.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface EdgeTokenInfo {
  id: string;
  name: string;
  createdBy: string;
  createdAtMs: number;
  revokedAtMs: number | null;
}

export class EdgeTokens {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async issue(name: string, actorId: string): Promise<{ id: string; token: string }> {
    const id = randomUUID();
    const token = `edg_${randomBytes(32).toString('base64url')}`;
    await this.#store.db
      .insertInto('edge_tokens')
      .values({ id, name, token_sha256: sha256(token), created_by: actorId, created_at_ms: Date.now() })
      .execute();
    return { id, token };
  }

  /** The token's id when it is valid and not revoked. (Lookup by hash: the hash is the index key.) */
  async verify(token: string): Promise<string | undefined> {
    const row = await this.#store.db
      .selectFrom('edge_tokens')
      .select(['id', 'revoked_at_ms'])
      .where('token_sha256', '=', sha256(token))
      .executeTakeFirst();
    return row && row.revoked_at_ms === null ? row.id : undefined;
  }

  async revoke(id: string): Promise<boolean> {
    const res = await this.#store.db
      .updateTable('edge_tokens')
      .set({ revoked_at_ms: Date.now() })
      .where('id', '=', id)
      .where('revoked_at_ms', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async list(): Promise<EdgeTokenInfo[]> {
    const rows = await this.#store.db
      .selectFrom('edge_tokens')
      .selectAll()
      .orderBy('created_at_ms')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      createdBy: r.created_by,
      createdAtMs: Number(r.created_at_ms),
      revokedAtMs: r.revoked_at_ms === null ? null : Number(r.revoked_at_ms),
    }));
  }
}
