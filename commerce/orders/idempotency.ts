// Idempotency keys per member: the request's hash and the exact response are stored in the order's own
// transaction, so a retry gets the same status and body without side effects, and the same key with a
// different body is refused.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import type { Database } from '../schema.ts';

export interface StoredResponse {
  status: number;
  body: unknown;
}

/** A stable hash of a JSON body: object keys sorted at every level. */
export function requestHash(body: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('hex');
}

/** The stored response for this key, or undefined; IDEMPOTENCY_KEY_REUSED when the body differs. */
export async function replay(
  db: Kysely<Database>,
  personId: string,
  key: string,
  hash: string | (() => string),
): Promise<StoredResponse | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'status_code', 'body'])
    .where('person_id', '=', personId)
    .where('key', '=', key)
    .executeTakeFirst();
  return storedReply(row, hash);
}

/** A stored key row → its response; IDEMPOTENCY_KEY_REUSED when it was stored for another body. */
export function storedReply(row: unknown, hash: string | (() => string)): StoredResponse | undefined {
  if (!row) return undefined;
  const r = row as { request_hash: string; status_code: number; body: string };
  if (r.request_hash !== (typeof hash === 'string' ? hash : hash()))
    throw new VitaliveError('IDEMPOTENCY_KEY_REUSED');
  return { status: Number(r.status_code), body: JSON.parse(r.body) as unknown };
}

export async function remember(
  trx: Kysely<Database>,
  personId: string,
  key: string,
  hash: string,
  response: StoredResponse,
  nowMs: number,
): Promise<void> {
  await trx
    .insertInto('idempotency_keys')
    .values({
      person_id: personId,
      key,
      request_hash: hash,
      status_code: response.status,
      body: JSON.stringify(response.body),
      created_at_ms: nowMs,
    })
    .execute();
}

/** Deletes keys older than `keepMs` (at least 24 h by default config). */
export async function pruneKeys(db: Kysely<Database>, keepMs: number, nowMs = Date.now()): Promise<number> {
  const res = await db
    .deleteFrom('idempotency_keys')
    .where('created_at_ms', '<', nowMs - keepMs)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}
