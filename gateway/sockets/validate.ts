// Payload validation for socket events: compiled TypeBox schemas, coded errors, and counters for bad
// payloads and unknown events (a client can send anything; nothing it sends may throw).

import type { Socket } from 'socket.io';
import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { type Ack, isVitaliveError, VitaliveError } from '../../protocols/index.ts';

export interface SocketCounters {
  invalidPayloads: number;
  unknownEvents: number;
  handlerErrors: number;
}

export function createCounters(): SocketCounters {
  return { invalidPayloads: 0, unknownEvents: 0, handlerErrors: 0 };
}

export function compile<T extends TSchema>(schema: T): (value: unknown) => Static<T> {
  const validator = Compile(schema);
  return (value: unknown) => {
    if (validator.Check(value)) return value as Static<T>;
    const first = validator.Errors(value)[0];
    const reason = first ? `${first.instancePath || '/'} ${first.message}` : 'invalid payload';
    throw new VitaliveError('VALIDATION_FAILED', { reason });
  };
}

function isAck(value: unknown): value is Ack<unknown> {
  return typeof value === 'function';
}

/**
 * Wraps a handler: validates the payload, runs it, answers the ack with `{ok, data}` or a coded error.
 * Errors never escape to socket.io (which would crash nothing but would lose the client's answer).
 */
export function handle<T>(
  counters: SocketCounters,
  parse: (value: unknown) => T,
  fn: (payload: T) => Promise<unknown> | unknown,
  onError?: (err: unknown) => void,
) {
  return async (...args: unknown[]): Promise<void> => {
    const ack = args.find(isAck);
    try {
      let payload: T;
      try {
        payload = parse(args[0]);
      } catch (err) {
        counters.invalidPayloads++;
        throw err;
      }
      const data = await fn(payload);
      ack?.({ ok: true, data: data ?? null });
    } catch (err) {
      const coded = isVitaliveError(err) ? err : new VitaliveError('INTERNAL');
      if (!isVitaliveError(err)) {
        counters.handlerErrors++;
        onError?.(err);
      }
      ack?.({ ok: false, error: coded.toJSON() });
    }
  };
}

/** Counts (and otherwise ignores) events a namespace does not know. */
export function countUnknownEvents(
  socket: Socket,
  known: ReadonlySet<string>,
  counters: SocketCounters,
): void {
  socket.onAny((event: string) => {
    if (!known.has(event)) counters.unknownEvents++;
  });
}
