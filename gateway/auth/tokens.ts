// Access tokens: short-lived HS256 JWTs carrying the person id and roles. Refresh tokens (opaque,
// stored hashed, revocable) live in commerce; this module only signs and verifies access tokens.
// One JWT library (fast-jwt) does both: its synchronous, cached verifier is the hot path of every
// authenticated request and socket (loadtest/tokens/bench.ts measures it).
import { createSigner, createVerifier } from 'fast-jwt';
import { isRole, type Role } from '../../commerce/index.ts';
import { VitaliveError } from '../../protocols/index.ts';
import { ConsultationPasses } from './consultation-passes.ts';
import { DeviceProofs } from './device-proof.ts';

export interface Principal {
  personId: string;
  roles: Role[];
  /** Token expiry, epoch ms; re-validated on socket recovery. */
  expiresAtMs: number;
  /** When the token was issued, epoch ms (whole seconds); a logout or password change ends older ones. */
  issuedAtMs?: number;
}

export interface TokenServiceOptions {
  /** At least 32 bytes of secret shared by every gateway node. */
  secret: Uint8Array;
  /** @default 900 (15 minutes) */
  accessTtlSec?: number;
  issuer?: string;
  /** Lifetime of device proofs (the cookie of a browser that logged in). @default 2592000 (30 days) */
  deviceTtlSec?: number;
  /** Verified tokens remembered (LRU, until they expire) so a repeat costs no signature check. @default 10000 */
  verifiedCacheSize?: number;
}

const ALG = 'HS256';

export class TokenService {
  /** Device proofs, signed with a key derived from the same secret. */
  readonly devices: DeviceProofs;
  /** Passes to one consultation's video call, signed with a key derived from the same secret. */
  readonly consultationPasses: ConsultationPasses;
  readonly #ttl: number;
  readonly #sign: (payload: { sub: string; roles: Role[]; iat: number; exp: number }) => string;
  readonly #verify: (token: string) => { sub?: unknown; exp?: unknown; iat?: unknown; roles?: unknown };

  constructor(opts: TokenServiceOptions) {
    if (opts.secret.byteLength < 32) throw new TypeError('token secret must be at least 32 bytes');
    this.#ttl = opts.accessTtlSec ?? 900;
    this.devices = new DeviceProofs(opts.secret, opts.deviceTtlSec ?? 2_592_000);
    this.consultationPasses = new ConsultationPasses(opts.secret);
    const issuer = opts.issuer ?? 'vitalive';
    // iat and exp come from the caller's clock (mintAccess takes `nowMs`), not the signer's.
    this.#sign = createSigner({
      key: Buffer.from(opts.secret),
      algorithm: ALG,
      iss: issuer,
      noTimestamp: true,
    });
    // Synchronous HMAC check (no WebCrypto round trip per request); a token is immutable, so its
    // verdict is cached until it expires.
    this.#verify = createVerifier({
      key: Buffer.from(opts.secret),
      algorithms: [ALG],
      allowedIss: issuer,
      requiredClaims: ['sub', 'exp'],
      cache: opts.verifiedCacheSize ?? 10_000,
      cacheTTL: this.#ttl * 1000,
    });
  }

  get accessTtlSec(): number {
    return this.#ttl;
  }

  async mintAccess(personId: string, roles: readonly Role[], nowMs = Date.now()): Promise<string> {
    const iat = Math.floor(nowMs / 1000);
    return this.#sign({ sub: personId, roles: [...roles], iat, exp: iat + this.#ttl });
  }

  /** Verifies signature, issuer and expiry; any failure is AUTH_INVALID_TOKEN. */
  async verifyAccess(token: string): Promise<Principal> {
    let payload: { sub?: unknown; exp?: unknown; iat?: unknown; roles?: unknown };
    try {
      payload = this.#verify(token);
    } catch (err) {
      throw new VitaliveError('AUTH_INVALID_TOKEN', {}, { cause: err });
    }
    if (typeof payload.sub !== 'string' || !payload.sub || typeof payload.exp !== 'number')
      throw new VitaliveError('AUTH_INVALID_TOKEN');
    const roles = Array.isArray(payload.roles) ? (payload.roles as unknown[]).filter(isRole) : [];
    return {
      personId: payload.sub,
      roles,
      expiresAtMs: payload.exp * 1000,
      ...(typeof payload.iat === 'number' ? { issuedAtMs: payload.iat * 1000 } : {}),
    };
  }
}
