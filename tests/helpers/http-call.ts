// A small fetch wrapper for API tests: JSON in and out, bearer tokens, cookies, and raw bodies for
// malformed-input tests.
export interface CallOptions {
  token?: string | undefined;
  body?: unknown;
  /** Sent as is (with content-type application/json unless headers say otherwise). */
  raw?: string;
  headers?: Record<string, string>;
  cookie?: string | undefined;
}

export interface CallResult<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  opts: CallOptions = {},
): Promise<CallResult<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.cookie) headers.cookie = opts.cookie;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
}

/** The name=value pair of a Set-Cookie header, for sending it back. */
export function cookiePair(setCookie: string | null): string | undefined {
  return setCookie?.split(';')[0];
}

/** POSTs JSON with a bearer token and returns the body; an answer of 300 or more fails with its body. */
export async function postOk(
  baseUrl: string,
  token: string,
  path: string,
  body: unknown = {},
): Promise<Record<string, unknown>> {
  const res = await call(baseUrl, 'POST', path, { token, body });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
