// Login throttling per account (as tried from one IP) and per client IP. The counters live in the store, so every gateway node
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

/**
 * Keys are hashes, so the table holds no e-mail addresses, phone numbers or IPs. The account key is the
 * account as tried from one IP: failures from an attacker's address lock that address out of the
 * account, never the owner trying from elsewhere; the IP key bounds guessing across accounts.
 */
export function throttleKeys(login: string, ip: string, purpose = 'a'): { account: string; ip: string } {
  const h = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 32);
  return { account: `${purpose}:${h(`${login}\n${ip}`)}`, ip: `i:${h(ip)}` };
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
 * Counts an attempt for the account key and the IP. Throws AUTH_THROTTLED (with the seconds until the
 * window ends) when the IP is over its limit: that says nothing about any account. An account key over
 * its limit is only reported: the caller answers exactly as for a wrong password, so a locked account
 * cannot be told from a wrong guess.
 */
export async function countAttempt(
  db: Kysely<Database>,
  keys: { account: string; ip: string },
  limits: ThrottleLimits,
  nowMs: number,
): Promise<{ accountLocked: boolean }> {
  const [account, ip] = await Promise.all([
    hit(db, keys.account, nowMs, limits.windowMs),
    hit(db, keys.ip, nowMs, limits.windowMs),
  ]);
  if (ip.failures > limits.maxPerIp) {
    throw new VitaliveError('AUTH_THROTTLED', {
      retryAfterSec: Math.max(1, Math.ceil((ip.windowStartMs + limits.windowMs - nowMs) / 1000)),
    });
  }
  return { accountLocked: account.failures > limits.maxPerAccount };
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

/**
 * Takes one unit of a fixed-window budget (limit per window; 0 disables) and returns 0, or the seconds
 * until the window ends when the budget is spent. Shares the table (and its pruning) with login counts;
 * callers use their own key prefixes.
 */
export async function takeBudget(
  db: Kysely<Database>,
  key: string,
  limit: number,
  windowMs: number,
  nowMs: number,
): Promise<number> {
  if (limit <= 0) return 0;
  const w = await hit(db, key, nowMs, windowMs);
  if (w.failures <= limit) return 0;
  return Math.max(1, Math.ceil((w.windowStartMs + windowMs - nowMs) / 1000));
}

/** Gives one unit back (an attempt that turned out fine). */
export async function giveBack(db: Kysely<Database>, key: string): Promise<void> {
  await db
    .updateTable('login_throttle')
    .set({ failures: sql`failures - 1` })
    .where('key', '=', key)
    .where('failures', '>', 0)
    .execute();
}

/** A throttle key for any purpose: the prefix plus a hash, so no contact or IP is stored. */
export function budgetKey(prefix: string, value: string): string {
  return `${prefix}:${createHash('sha256').update(value).digest('base64url').slice(0, 32)}`;
}
