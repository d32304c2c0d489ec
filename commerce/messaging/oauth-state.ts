// The `state` of WeChat web authorisation (OAuth 2.0 CSRF protection, RFC 6749 §10.12): issued to a
// signed-in person, bound to them by an HMAC, valid for STATE_TTL_MS and usable once. Without it, an
// attacker could send a victim's browser to the bind step with the attacker's own code and have the
// victim's messages go to the attacker's WeChat.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import type { Database } from '../schema.ts';

/** Long enough to pass through WeChat's consent screen; short enough that a leaked state soon dies. */
export const STATE_TTL_MS = 10 * 60_000;
/** States one person may hold at once: opening "bind" many times keeps only the newest. */
const MAX_OPEN_STATES = 5;
const PURPOSE = 'vitalive-wechat-oauth-v1';
// WeChat passes `state` through only as [A-Za-z0-9], at most 128 bytes: fixed-width hex fields, no
// separators. 24 hex nonce + 13 digit expiry (epoch ms) + 40 hex MAC (160 bits of HMAC-SHA256).
const NONCE_HEX = 24;
const EXPIRY_DIGITS = 13;
const MAC_HEX = 40;
const STATE_RE = new RegExp(`^[0-9a-f]{${NONCE_HEX}}[0-9]{${EXPIRY_DIGITS}}[0-9a-f]{${MAC_HEX}}$`);

function mac(secret: string, personId: string, nonce: string, expiry: string): Buffer {
  return createHmac('sha256', secret)
    .update(`${PURPOSE}\n${personId}\n${nonce}\n${expiry}`)
    .digest()
    .subarray(0, MAC_HEX / 2);
}

export class OauthStates {
  readonly #db: Kysely<Database>;
  readonly #secret: string;
  readonly #now: () => number;

  constructor(db: Kysely<Database>, secret: string, now: () => number = Date.now) {
    this.#db = db;
    this.#secret = secret;
    this.#now = now;
  }

  /** A new state for this person (older ones past MAX_OPEN_STATES and expired ones are dropped). */
  async issue(personId: string): Promise<string> {
    const now = this.#now();
    const nonce = randomBytes(NONCE_HEX / 2).toString('hex');
    const expiresAtMs = now + STATE_TTL_MS;
    const expiry = String(expiresAtMs).padStart(EXPIRY_DIGITS, '0');
    await this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('oauth_states').where('expires_at_ms', '<=', now).execute();
      const open = await trx
        .selectFrom('oauth_states')
        .select('nonce')
        .where('person_id', '=', personId)
        .orderBy('expires_at_ms', 'desc')
        .offset(MAX_OPEN_STATES - 1)
        .limit(100)
        .execute();
      if (open.length > 0)
        await trx
          .deleteFrom('oauth_states')
          .where(
            'nonce',
            'in',
            open.map((r) => r.nonce),
          )
          .execute();
      await trx
        .insertInto('oauth_states')
        .values({ nonce, person_id: personId, expires_at_ms: expiresAtMs, created_at_ms: now })
        .execute();
    });
    return `${nonce}${expiry}${mac(this.#secret, personId, nonce, expiry).toString('hex')}`;
  }

  /**
   * Uses up a state: it must be well-formed, signed for this person, not expired and not used before.
   * Throws WECHAT_STATE_INVALID otherwise (with a reason for the log, not for telling states apart).
   */
  async consume(personId: string, state: string): Promise<void> {
    const fail = (reason: string) => new VitaliveError('WECHAT_STATE_INVALID', { reason });
    if (!STATE_RE.test(state)) throw fail('malformed');
    const nonce = state.slice(0, NONCE_HEX);
    const expiry = state.slice(NONCE_HEX, NONCE_HEX + EXPIRY_DIGITS);
    const given = Buffer.from(state.slice(NONCE_HEX + EXPIRY_DIGITS), 'hex');
    if (!timingSafeEqual(given, mac(this.#secret, personId, nonce, expiry))) throw fail('signature');
    const now = this.#now();
    if (Number(expiry) <= now) throw fail('expired');
    // Single use, across nodes: only the first delete of the row finds it.
    const res = await this.#db
      .deleteFrom('oauth_states')
      .where('nonce', '=', nonce)
      .where('person_id', '=', personId)
      .where('expires_at_ms', '>', now)
      .executeTakeFirst();
    if (Number(res.numDeletedRows) !== 1) throw fail('used');
  }
}
