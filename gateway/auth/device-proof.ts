// Device proofs: a browser that logged in to an account successfully keeps a signed note saying so (the
// device cookie). It lets the owner keep logging in while someone guesses at the account from many
// addresses (LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_IPS), which would otherwise lock everyone out.
import { createHmac, timingSafeEqual } from 'node:crypto';

const MAC_BYTES = 32;

export class DeviceProofs {
  readonly #key: Buffer;
  readonly #ttlSec: number;

  /** `secret`: the access-token key; a key of its own is derived from it. */
  constructor(secret: Uint8Array, ttlSec: number) {
    if (!Number.isInteger(ttlSec) || ttlSec <= 0) throw new TypeError('device proof lifetime must be > 0 s');
    this.#key = createHmac('sha256', secret).update('vitalive login device v1').digest();
    this.#ttlSec = ttlSec;
  }

  get ttlSec(): number {
    return this.#ttlSec;
  }

  #mac(body: string): Buffer {
    return createHmac('sha256', this.#key).update(body).digest();
  }

  /** A proof that this client logged in as the person now: `<personId>.<issued, epoch s>.<mac>`. */
  mint(personId: string, nowMs = Date.now()): string {
    const body = `${personId}.${Math.floor(nowMs / 1000)}`;
    return `${body}.${this.#mac(body).toString('base64url')}`;
  }

  /** The person a proof names, when its signature holds and it is younger than the lifetime. */
  personOf(proof: string | undefined, nowMs = Date.now()): string | undefined {
    if (!proof || proof.length > 200) return undefined;
    const m = /^([A-Za-z0-9_-]{1,64})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(proof);
    if (!m) return undefined;
    const mac = Buffer.from(m[3]!, 'base64url');
    if (mac.length !== MAC_BYTES || !timingSafeEqual(mac, this.#mac(`${m[1]}.${m[2]}`))) return undefined;
    const ageSec = nowMs / 1000 - Number(m[2]);
    // A minute of clock difference between gateway nodes is tolerated.
    return ageSec >= -60 && ageSec < this.#ttlSec ? m[1] : undefined;
  }
}
