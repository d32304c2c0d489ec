// Password hashing with scrypt (node:crypto): a random salt per hash, and the cost parameters stored
// with the hash so they can be raised later without invalidating existing passwords.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const KEY_BYTES = 32;
const SALT_BYTES = 16;
const BLOCK_SIZE = 8; // r
const PARALLELISM = 1; // p
// Bounds on stored parameters: a corrupted or hostile row must not make verification take minutes.
const MIN_LOG2_N = 10;
const MAX_LOG2_N = 20;

export interface ScryptParams {
  log2N: number;
  r: number;
  p: number;
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.log2N;
  // scrypt needs 128 × N × r bytes; leave headroom over node's 32 MiB default.
  const maxmem = 256 * N * params.r;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, { N, r: params.r, p: params.p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** 'scrypt$<log2N>$<r>$<p>$<salt b64url>$<hash b64url>' */
export async function hashPassword(password: string, log2N: number): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const params = { log2N, r: BLOCK_SIZE, p: PARALLELISM };
  const key = await derive(password, salt, params);
  return [
    'scrypt',
    log2N,
    BLOCK_SIZE,
    PARALLELISM,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

function parse(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [log2N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (!Number.isInteger(log2N) || log2N < MIN_LOG2_N || log2N > MAX_LOG2_N) return undefined;
  if (r !== BLOCK_SIZE || p !== PARALLELISM) return undefined;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const key = Buffer.from(parts[5]!, 'base64url');
  if (salt.length !== SALT_BYTES || key.length !== KEY_BYTES) return undefined;
  return { params: { log2N, r, p }, salt, key };
}

/** Constant-time comparison of the derived key; an unparsable hash never verifies. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return timingSafeEqual(key, parsed.key);
}

/** True when the hash was made with other parameters than the current ones (upgrade on next login). */
export function needsRehash(stored: string, log2N: number): boolean {
  return parse(stored)?.params.log2N !== log2N;
}

const dummies = new Map<number, Promise<string>>();

/**
 * A hash to verify against when the account does not exist, so a wrong login costs the same time as a
 * wrong password and response times do not reveal which accounts exist.
 */
export function dummyHash(log2N: number): Promise<string> {
  let hash = dummies.get(log2N);
  if (!hash) {
    hash = hashPassword(randomBytes(16).toString('hex'), log2N);
    dummies.set(log2N, hash);
  }
  return hash;
}
