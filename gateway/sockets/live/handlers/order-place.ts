// order:place — a signed-in viewer orders from the session they watch. Answers with exactly what
// POST /api/orders would (status and body), not the {ok, data} envelope, so one idempotency key gets
// one answer over either path.
import { type HttpLikeReply, isVitaliveError, VitaliveError } from '../../../../protocols/index.ts';
import type { SocketHandler } from '../../validate.ts';
import type { LiveContext } from '../context.ts';
import { parseOrder } from '../schemas.ts';
import type { LiveSocket } from '../types.ts';

function errorReply(err: unknown): HttpLikeReply {
  const coded = isVitaliveError(err) ? err : new VitaliveError('INTERNAL');
  return { status: coded.statusCode, body: coded.toJSON() };
}

export function orderPlaceHandler(ctx: LiveContext): SocketHandler<LiveSocket> {
  const { deps } = ctx;
  const { counters } = deps;
  return async (socket, [raw, ack]) => {
    if (typeof ack !== 'function') {
      counters.invalidPayloads++;
      return;
    }
    const reply = ack as (r: HttpLikeReply) => void;
    try {
      let p: ReturnType<typeof parseOrder>;
      try {
        p = parseOrder(raw);
      } catch (err) {
        counters.invalidPayloads++;
        throw err;
      }
      ctx.joined(socket, p.sessionId);
      const principal = socket.data.principal;
      if (!principal) throw new VitaliveError('AUTH_REQUIRED');
      if (principal.expiresAtMs <= Date.now()) throw new VitaliveError('AUTH_INVALID_TOKEN');
      reply(await deps.orders.place(principal, p.order, p.idempotencyKey));
    } catch (err) {
      if (!isVitaliveError(err)) {
        counters.handlerErrors++;
        ctx.onError(err, socket);
      }
      reply(errorReply(err));
    }
  };
}
