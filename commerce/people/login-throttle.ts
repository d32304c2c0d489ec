// Login throttling per account (as tried from one IP), per account across every IP, and per client IP.
// The counters live in the store, so every gateway node behind a load balancer shares them and a restart
// does not reset them; no Redis is needed. An attempt is counted before the password is checked (one
// atomic upsert), so a burst of parallel guesses cannot slip past the limit; a successful login clears
// the account's count and forgives its own IP and cross-IP counts.
import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import type { Database } from '../schema.ts';

export interface ThrottleLimits {
  maxPerAccount: number;
  maxPerIp: number;
  /**
   * Failures per account from all IPs together, beyond which only a client proving an earlier successful
   * login on that account (a device proof) may still try; 0 disables.
   */
  maxPerAccountAllIps: number;
  windowMs: number;
}

export interface ThrottleKeys {
  account: string;
  ip: string;
  /** The account whatever the IP; absent where no cross-IP ceiling applies (reset codes). */
  everywhere?: string;
}

/**
 * Keys are hashes, so the table holds no e-mail addresses, phone numbers or IPs. The account key is the
 * account as tried from one IP: failures from an attacker's address lock that address out of the
 * account, never the owner trying from elsewhere; the IP key bounds guessing across accounts; the
 * everywhere key bounds guessing one account from many addresses. Keys name the login as typed
 * (normalised), not a person, so an unknown login is counted exactly like a real one.
 */
export function throttleKeys(login: string, ip: string, purpose = 'a'): ThrottleKeys {
  const h = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 32);
  return {
    account: `${purpose}:${h(`${login}\n${ip}`)}`,
    ip: `i:${h(ip)}`,
    ...(purpose === 'a' ? { everywhere: `g:${h(login)}` } : {}),
  };
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
 * Counts an attempt for the account key, the IP and the account everywhere. Throws AUTH_THROTTLED (with
 * the seconds until the window ends) when the IP is over its limit: that says nothing about any account.
 * Throws AUTH_ACCOUNT_THROTTLED when the account has failed too often across all IPs and the client has
 * no proof of an earlier successful login on it: the ceiling is keyed by the login as typed, so it says
 * nothing about whether an account exists either. An account key over its limit is only reported: the
 * caller answers exactly as for a wrong password, so a locked account cannot be told from a wrong guess.
 */
export async function countAttempt(
  db: Kysely<Database>,
  keys: ThrottleKeys,
  limits: ThrottleLimits,
  nowMs: number,
  opts: { knownDevice?: boolean } = {},
): Promise<{ accountLocked: boolean }> {
  const everywhere = keys.everywhere;
  const [account, ip, all] = await Promise.all([
    hit(db, keys.account, nowMs, limits.windowMs),
    hit(db, keys.ip, nowMs, limits.windowMs),
    everywhere && limits.maxPerAccountAllIps > 0 ? hit(db, everywhere, nowMs, limits.windowMs) : undefined,
  ]);
  const retryAfterSec = (w: { windowStartMs: number }) =>
    Math.max(1, Math.ceil((w.windowStartMs + limits.windowMs - nowMs) / 1000));
  if (ip.failures > limits.maxPerIp)
    throw new VitaliveError('AUTH_THROTTLED', { retryAfterSec: retryAfterSec(ip) });
  // A known device is let through: a distributed guess cannot lock the owner out of their own phone.
  if (all && all.failures > limits.maxPerAccountAllIps && !opts.knownDevice) {
    throw new VitaliveError('AUTH_ACCOUNT_THROTTLED', { retryAfterSec: retryAfterSec(all) });
  }
  return { accountLocked: account.failures > limits.maxPerAccount };
}

/** After a success: the account starts afresh, and neither the IP nor the account everywhere is charged. */
export async function attemptSucceeded(db: Kysely<Database>, keys: ThrottleKeys): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', keys.account).execute();
  await giveBack(db, keys.ip);
  // Given back, not cleared: the owner logging in must not hand an attacker a fresh allowance.
  if (keys.everywhere) await giveBack(db, keys.everywhere);
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
