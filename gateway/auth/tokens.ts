// Access tokens: short-lived HS256 JWTs carrying the person id and roles. Refresh tokens (opaque,
// stored hashed, revocable) live in commerce; this module only signs and verifies access tokens.
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { isRole, type Role } from '../../commerce/index.ts';
import { VitaliveError } from '../../protocols/index.ts';

export interface Principal {
  personId: string;
  roles: Role[];
  /** Token expiry, epoch ms; re-validated on socket recovery. */
  expiresAtMs: number;
}

export interface TokenServiceOptions {
  /** At least 32 bytes of secret shared by every gateway node. */
  secret: Uint8Array;
  /** @default 900 (15 minutes) */
  accessTtlSec?: number;
  issuer?: string;
}

const ALG = 'HS256';

export class TokenService {
  readonly #key: Uint8Array;
  readonly #ttl: number;
  readonly #issuer: string;

  constructor(opts: TokenServiceOptions) {
    if (opts.secret.byteLength < 32) throw new TypeError('token secret must be at least 32 bytes');
    this.#key = opts.secret;
    this.#ttl = opts.accessTtlSec ?? 900;
    this.#issuer = opts.issuer ?? 'vitalive';
  }

  get accessTtlSec(): number {
    return this.#ttl;
  }

  async mintAccess(personId: string, roles: readonly Role[], nowMs = Date.now()): Promise<string> {
    const iat = Math.floor(nowMs / 1000);
    return new SignJWT({ roles: [...roles] })
      .setProtectedHeader({ alg: ALG })
      .setSubject(personId)
      .setIssuer(this.#issuer)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.#ttl)
      .sign(this.#key);
  }

  /** Verifies signature, issuer and expiry; any failure is AUTH_INVALID_TOKEN. */
  async verifyAccess(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify(token, this.#key, { issuer: this.#issuer, algorithms: [ALG] });
      const roles = Array.isArray(payload.roles) ? payload.roles.filter(isRole) : [];
      if (!payload.sub || payload.exp === undefined) throw new Error('missing claims');
      return { personId: payload.sub, roles, expiresAtMs: payload.exp * 1000 };
    } catch (err) {
      if (err instanceof joseErrors.JOSEError || err instanceof Error) {
        throw new VitaliveError('AUTH_INVALID_TOKEN', {}, { cause: err });
      }
      throw err;
    }
  }
}
