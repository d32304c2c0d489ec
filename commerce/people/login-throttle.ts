// Login throttling per account and per client IP. The counters live in the store, so every gateway node
// behind a load balancer shares them and a restart does not reset them; no Redis is needed. An attempt
// is counted before the password is checked (one atomic upsert), so a burst of parallel guesses cannot
// slip past the limit; a successful login clears the account's count and forgives its own IP count.
import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import type { Database } from '../schema.ts';

export interface ThrottleLimits {
  maxPerAccount: number;
  maxPerIp: number;
  windowMs: number;
}

/** Keys are hashes, so the table holds no e-mail addresses, phone numbers or IPs. */
export function throttleKeys(login: string, ip: string): { account: string; ip: string } {
  const h = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 32);
  return { account: `a:${h(login)}`, ip: `i:${h(ip)}` };
}

/** Counts one attempt in a fixed window starting at the key's first attempt; returns the window's state. */
async function hit(
  db: Kysely<Database>,
  key: string,
  nowMs: number,
  windowMs: number,
): Promise<{ failures: number; windowStartMs: number }> {
  const expired = sql<boolean>`login_throttle.window_start_ms <= ${nowMs - windowMs}`;
  const row = await db
    .insertInto('login_throttle')
    .values({ key, failures: 1, window_start_ms: nowMs })
    .onConflict((oc) =>
      // Every SET expression reads the row as it was before the update, on both backends.
      oc.column('key').doUpdateSet({
        failures: sql`case when ${expired} then 1 else login_throttle.failures + 1 end`,
        window_start_ms: sql`case when ${expired} then ${nowMs} else login_throttle.window_start_ms end`,
      }),
    )
    .returning(['failures', 'window_start_ms'])
    .executeTakeFirstOrThrow();
  return { failures: Number(row.failures), windowStartMs: Number(row.window_start_ms) };
}

/**
 * Counts an attempt for the account and the IP and throws AUTH_THROTTLED (with the seconds until the
 * later window ends) when either is over its limit.
 */
export async function countAttempt(
  db: Kysely<Database>,
  keys: { account: string; ip: string },
  limits: ThrottleLimits,
  nowMs: number,
): Promise<void> {
  const [account, ip] = await Promise.all([
    hit(db, keys.account, nowMs, limits.windowMs),
    hit(db, keys.ip, nowMs, limits.windowMs),
  ]);
  let retryAtMs = 0;
  if (account.failures > limits.maxPerAccount) retryAtMs = account.windowStartMs + limits.windowMs;
  if (ip.failures > limits.maxPerIp) retryAtMs = Math.max(retryAtMs, ip.windowStartMs + limits.windowMs);
  if (retryAtMs > 0) {
    throw new VitaliveError('AUTH_THROTTLED', {
      retryAfterSec: Math.max(1, Math.ceil((retryAtMs - nowMs) / 1000)),
    });
  }
}

/** After a success: the account starts afresh, and the IP is not charged for this attempt. */
export async function attemptSucceeded(
  db: Kysely<Database>,
  keys: { account: string; ip: string },
): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', keys.account).execute();
  await db
    .updateTable('login_throttle')
    .set({ failures: sql`failures - 1` })
    .where('key', '=', keys.ip)
    .where('failures', '>', 0)
    .execute();
}

/** Drops windows that ended; called now and then so the table stays small. */
export async function pruneThrottle(db: Kysely<Database>, nowMs: number, windowMs: number): Promise<void> {
  await db
    .deleteFrom('login_throttle')
    .where('window_start_ms', '<=', nowMs - windowMs)
    .execute();
}
