// What every socket.io acknowledgement carries: a result, or a coded error (protocols/errors.ts).
import type { ErrorCode, ErrorParams } from '../errors.ts';

export type AckReply<T> =
  | { ok: true; data: T }
  | { ok: false; error: { code: ErrorCode; message: string; params: ErrorParams } };

export type Ack<T> = (response: AckReply<T>) => void;

/** The payload of an event of map M: its first argument. */
export type PayloadOf<M, E extends keyof M> = M[E] extends (payload: infer P, ...rest: never[]) => void
  ? P
  : never;

/** What an event's ack answers on success, for events of map M that take an `Ack<T>`. */
export type AckDataOf<M, E extends keyof M> = M[E] extends (payload: never, ack: infer A) => void
  ? NonNullable<A> extends Ack<infer T>
    ? T
    : never
  : never;

/** The events of map M whose last argument is an `Ack<T>`. */
export type AckedEvents<M> = {
  [E in keyof M]: M[E] extends (payload: never, ack: infer A) => void
    ? NonNullable<A> extends Ack<infer _T>
      ? E
      : never
    : never;
}[keyof M];
