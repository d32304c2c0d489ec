// Viewer ids are minted by the server and signed, so a client cannot make up ids to inflate the
// unique-viewer figures: `<random>.<mac>`, the MAC an HMAC-SHA256 of the random part under a key
// derived from the auth secret. The browser keeps the id it was given; any other id is replaced.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** 16 random bytes → 22 base64url characters; the MAC is cut to 16 bytes (128 bits) as well. */
const RANDOM_BYTES = 16;
const MAC_BYTES = 16;
const SHAPE = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$/;

export class ViewerIds {
  readonly #key: Buffer;

  constructor(secret: Uint8Array) {
    if (secret.byteLength < 32) throw new TypeError('viewer id secret must be at least 32 bytes');
    // A key of its own, so a viewer id's MAC can never stand in for any other signature of the secret.
    this.#key = createHmac('sha256', secret).update('vitalive viewer id v1').digest();
  }

  #mac(random: string): Buffer {
    return createHmac('sha256', this.#key).update(random).digest().subarray(0, MAC_BYTES);
  }

  mint(): string {
    const random = randomBytes(RANDOM_BYTES).toString('base64url');
    return `${random}.${this.#mac(random).toString('base64url')}`;
  }

  /** True for an id this platform minted (any node sharing the secret). */
  verify(id: string): boolean {
    const m = SHAPE.exec(id);
    if (!m) return false;
    const given = Buffer.from(m[2]!, 'base64url');
    return given.length === MAC_BYTES && timingSafeEqual(given, this.#mac(m[1]!));
  }

  /** The id itself when it is genuine, else a fresh one. */
  accept(id: string | undefined): { viewerId: string; minted: boolean } {
    return id !== undefined && this.verify(id)
      ? { viewerId: id, minted: false }
      : { viewerId: this.mint(), minted: true };
  }
}
