// The one way an order is placed, over HTTP or over the /live socket: a per-member rate limit (not per IP:
// a whole venue may share one address), then commerce's idempotent placement. Both transports answer
// with exactly the status and body returned here.
import type { Actor, Orders, PlaceOrderInput, PlaceOrderReply } from '../commerce/index.ts';
import { VitaliveError } from '../protocols/index.ts';
import { TokenBuckets } from './sockets/token-bucket.ts';

export class OrderPlacement {
  readonly #orders: Orders;
  readonly #buckets: TokenBuckets;

  constructor(orders: Orders, perMemberPerMin: number) {
    this.#orders = orders;
    this.#buckets = new TokenBuckets({ capacity: perMemberPerMin, refillPerSec: perMemberPerMin / 60 });
  }

  async place(
    actor: Actor,
    body: PlaceOrderInput,
    idempotencyKey: string | undefined,
  ): Promise<PlaceOrderReply> {
    const waitSec = this.#buckets.take(actor.personId);
    if (waitSec > 0) {
      const err = new VitaliveError('RATE_LIMITED', { retryAfterSec: Math.ceil(waitSec) });
      return { status: err.statusCode, body: err.toJSON() };
    }
    return this.#orders.place(actor, body, idempotencyKey);
  }
}
