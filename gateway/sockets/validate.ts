// Payload validation for socket events: compiled TypeBox schemas, coded errors, and counters for bad
// payloads and unknown events (a client can send anything; nothing it sends may throw).

import type { Socket } from 'socket.io';
import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { type Ack, isVitaliveError, type PayloadOf, VitaliveError } from '../../protocols/index.ts';

export interface SocketCounters {
  invalidPayloads: number;
  unknownEvents: number;
  handlerErrors: number;
  /** Requests answered with a coded error (budgets, access checks, validation…), by code. */
  refusals: Record<string, number>;
  /** Impressions and clicks not counted again within their window (same viewer, same card). */
  repeatedCardEvents: number;
  /** /staff stream ticks in which one audience's figures could not be computed (the others still were). */
  staffAudienceFailures: number;
}

export function createCounters(): SocketCounters {
  return {
    invalidPayloads: 0,
    unknownEvents: 0,
    handlerErrors: 0,
    refusals: {},
    repeatedCardEvents: 0,
    staffAudienceFailures: 0,
  };
}

/** Counts a coded refusal (anything else is counted as a handler error where it is caught). */
export function countRefusal(counters: SocketCounters, err: unknown): void {
  if (!isVitaliveError(err)) return;
  counters.refusals[err.code] = (counters.refusals[err.code] ?? 0) + 1;
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

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * Compile-time only: each event's payload schema parses to exactly the payload its namespace's contract
 * (protocols/sockets/) declares, so a field changed on one side only fails `npm run typecheck`.
 * `oneWay` events only need the parsed value to fit the contract (where the contract types mediasoup's
 * parameter objects as plain objects and the schema spells them out).
 */
export function contractOf<M>() {
  return <P extends { [E in keyof M]: (value: unknown) => unknown }, OneWay extends keyof M = never>(
    parsers: P & {
      [E in keyof M]: E extends OneWay
        ? ReturnType<P[E]> extends PayloadOf<M, E>
          ? unknown
          : 'this schema does not fit the payload of the contract'
        : Same<ReturnType<P[E]>, PayloadOf<M, E>> extends true
          ? unknown
          : 'this schema and the payload of the contract differ';
    },
    _oneWay?: readonly OneWay[],
  ): void => {
    void parsers;
  };
}

function isAck(value: unknown): value is Ack<unknown> {
  return typeof value === 'function';
}

/** A handler shared by every socket of a namespace: it gets the socket and the event's arguments. */
export type SocketHandler<S> = (socket: S, args: unknown[]) => Promise<void>;

/**
 * Wraps a handler: validates the payload, runs it, answers the ack with `{ok, data}` or a coded error.
 * Errors never escape to socket.io (which would crash nothing but would lose the client's answer).
 * The wrapper is built once per namespace, not once per socket: 10,000 viewers share it.
 */
export function socketHandler<S, T>(
  counters: SocketCounters,
  parse: (value: unknown) => T,
  fn: (socket: S, payload: T) => Promise<unknown> | unknown,
  onError?: (err: unknown, socket: S) => void,
): SocketHandler<S> {
  return async (socket, args) => {
    const ack = args.find(isAck);
    try {
      let payload: T;
      try {
        payload = parse(args[0]);
      } catch (err) {
        counters.invalidPayloads++;
        throw err;
      }
      const data = await fn(socket, payload);
      ack?.({ ok: true, data: data ?? null });
    } catch (err) {
      const coded = isVitaliveError(err) ? err : new VitaliveError('INTERNAL');
      if (!isVitaliveError(err)) {
        counters.handlerErrors++;
        onError?.(err, socket);
      } else countRefusal(counters, err);
      ack?.({ ok: false, error: coded.toJSON() });
    }
  };
}

/** The per-socket form of socketHandler, for namespaces with few sockets (hosts, staff, media). */
export function handle<T>(
  counters: SocketCounters,
  parse: (value: unknown) => T,
  fn: (payload: T) => Promise<unknown> | unknown,
  onError?: (err: unknown) => void,
) {
  const shared = socketHandler<undefined, T>(counters, parse, (_socket, payload) => fn(payload), onError);
  return (...args: unknown[]): Promise<void> => shared(undefined, args);
}

/**
 * One `onAny` listener for a whole namespace: socket.io calls it with the socket as `this`, so a socket
 * costs no closures of its own. Events missing from the table are ignored and counted.
 */
export function dispatcher<S>(
  table: Readonly<Record<string, SocketHandler<S>>>,
  counters: SocketCounters,
): (this: S, event: string, ...args: unknown[]) => void {
  return function dispatch(this: S, event, ...args) {
    const handler = Object.hasOwn(table, event) ? table[event] : undefined;
    if (handler) void handler(this, args);
    else counters.unknownEvents++;
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
