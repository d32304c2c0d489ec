// Coded errors in the browser: ApiError carries the server's code (protocols/errors.ts) and params, and
// errorText() renders it in the person's language. Codes without a translation fall back to a generic
// sentence with the code, never to a blank.
import type { ErrorCode } from '../../../../protocols/index.ts';
import type { ClientErrorCode } from './error-texts.ts';
import { ERROR_TEXTS } from './error-texts.ts';
import { fill, getLang, type Params } from './i18n.ts';

export type { ClientErrorCode };
export { ERROR_TEXTS };

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ErrorCode | ClientErrorCode | (string & {}),
    /** HTTP status, 0 when no answer came. */
    readonly status: number,
    message: string,
    readonly params: Params = {},
  ) {
    super(message);
  }
}

/** Reads `{ code, message, params }` (HTTP bodies and socket acks) into an ApiError. */
export function toApiError(body: unknown, status: number): ApiError {
  const b = body as { code?: unknown; message?: unknown; params?: unknown } | null;
  if (b && typeof b.code === 'string') {
    const params = b.params && typeof b.params === 'object' ? (b.params as Params) : {};
    return new ApiError(b.code, status, typeof b.message === 'string' ? b.message : b.code, params);
  }
  return new ApiError(status >= 500 ? 'INTERNAL' : 'UNEXPECTED_RESPONSE', status, `HTTP ${status}`);
}

/** Any thrown value as one sentence in the current language. */
export function errorText(err: unknown): string {
  const table = ERROR_TEXTS[getLang()];
  const coded =
    err instanceof ApiError ? err : new ApiError('UNEXPECTED_RESPONSE', 0, String(err ?? 'unknown'));
  const template = table[coded.code as ErrorCode] ?? table.FALLBACK;
  return fill(template, { code: coded.code, ...coded.params });
}

export function errorCode(err: unknown): string {
  return err instanceof ApiError ? err.code : 'UNEXPECTED_RESPONSE';
}
