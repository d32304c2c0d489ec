// The HTTP API client and the signed-in session. The access token lives in memory only; the refresh
// token is the httpOnly cookie the browser sends to /api/auth. A call answered 401 refreshes once and
// is retried; every failure is an ApiError with the server's code.
import type { AuthSession, ContactProven, Person, RegisterBody } from '../../../../protocols/index.ts';
import { ApiError, toApiError } from './errors.ts';
import { getLang } from './i18n.ts';

export type { Person };

export interface Session {
  accessToken: string;
  person: Person;
  /** Local clock time when the access token stops working (refreshed a little before). */
  expiresAtMs: number;
}

const REQUEST_TIMEOUT_MS = 15_000;
/** Refresh this long before the access token expires, so calls in flight do not hit the edge. */
const REFRESH_MARGIN_MS = 30_000;

let session: Session | undefined;
const listeners = new Set<(s: Session | undefined) => void>();

function setSession(next: Session | undefined): void {
  session = next;
  for (const fn of listeners) fn(next);
}

function fromBody(body: AuthSession): Session {
  return {
    accessToken: body.accessToken,
    person: body.person,
    expiresAtMs: Date.now() + body.expiresInSec * 1000,
  };
}

export interface RequestOptions {
  /** JSON, or a Blob sent as is under its own type. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Send the access token (default true when signed in). */
  auth?: boolean;
  signal?: AbortSignal;
}

async function send(method: string, path: string, opts: RequestOptions, token: string | undefined) {
  // The app's own language (chosen, else the browser's): codes and notices the server sends follow it.
  const headers: Record<string, string> = {
    accept: 'application/json',
    'accept-language': getLang(),
    ...opts.headers,
  };
  // A Blob (a file the user picked) goes as it is, under its own type; anything else as JSON.
  const blob = opts.body instanceof Blob ? opts.body : undefined;
  if (blob) headers['content-type'] = blob.type || 'application/octet-stream';
  else if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: blob ?? (opts.body === undefined ? null : JSON.stringify(opts.body)),
      signal: opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout,
    });
  } catch (err) {
    if (timeout.aborted) throw new ApiError('TIMEOUT', 0, 'request timed out');
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError('NETWORK_ERROR', 0, String(err));
  }
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, body };
}

let refreshing: Promise<Session | undefined> | undefined;

/**
 * Exchanges the refresh cookie for a new access token. Concurrent callers share one request, and
 * tabs take turns (Web Locks): the cookie rotates, and a rotated cookie presented twice ends the session.
 */
export function refreshSession(): Promise<Session | undefined> {
  refreshing ??= (async () => {
    const run = async () => {
      const { status, body } = await send('POST', '/api/auth/refresh', {}, undefined);
      if (status === 200) {
        setSession(fromBody(body as AuthSession));
        return session;
      }
      if (status === 401 || status === 403) {
        setSession(undefined);
        return undefined;
      }
      throw toApiError(body, status);
    };
    const locks = (navigator as { locks?: LockManager }).locks;
    return locks ? locks.request('vl-refresh', run) : run();
  })().finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

/** Any API call: resolves with the JSON body of a 2xx answer, else throws the coded ApiError. */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const useAuth = opts.auth ?? true;
  if (useAuth && session && session.expiresAtMs - Date.now() < REFRESH_MARGIN_MS) {
    await refreshSession().catch(() => undefined);
  }
  const token = useAuth ? session?.accessToken : undefined;
  let { status, body } = await send(method, path, opts, token);
  if (status === 401 && useAuth && token) {
    const renewed = await refreshSession().catch(() => undefined);
    if (renewed) ({ status, body } = await send(method, path, opts, renewed.accessToken));
  }
  if (status >= 200 && status < 300) return body as T;
  throw toApiError(body, status);
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) =>
    request<T>('POST', path, { ...opts, body: body ?? {} }),
  patch: <T>(path: string, body: unknown, opts?: RequestOptions) =>
    request<T>('PATCH', path, { ...opts, body }),
  put: <T>(path: string, body: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, body }),
  delete: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
};

export type Registration = RegisterBody;

export const auth = {
  /** The signed-in session, if any. */
  get session(): Session | undefined {
    return session;
  },
  get person(): Person | undefined {
    return session?.person;
  },
  /** The current access token (for socket handshakes); undefined when signed out. */
  token(): string | undefined {
    return session?.accessToken;
  },
  hasRole(...roles: string[]): boolean {
    return Boolean(session?.person.roles.some((r) => roles.includes(r)));
  },
  onChange(fn: (s: Session | undefined) => void): () => void {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
  /** On page load: a refresh cookie, if present and valid, signs the page in. Never throws. */
  async restore(): Promise<Session | undefined> {
    try {
      return await refreshSession();
    } catch {
      return undefined;
    }
  },
  async login(login: string, password: string): Promise<Session> {
    const body = await request<AuthSession>('POST', '/api/auth/login', {
      body: { login, password },
      auth: false,
    });
    setSession(fromBody(body));
    return session!;
  },
  /** Starts a registration: the server sends a code to the contact; verifyContact finishes it. */
  async register(input: Registration): Promise<void> {
    await request('POST', '/api/auth/register', { body: input, auth: false });
  },
  /** Proves a contact with the code sent to it; a finished registration signs in. */
  async verifyContact(contact: string, code: string): Promise<Session | undefined> {
    const body = await request<AuthSession | ContactProven>('POST', '/api/auth/verify-contact', {
      body: { contact, code },
      auth: false,
    });
    if ('status' in body) return undefined;
    setSession(fromBody(body));
    return session!;
  },
  /** Asks for a new code for a contact waiting for one. */
  async requestContactCode(contact: string): Promise<void> {
    await request('POST', '/api/auth/contact-code', { body: { contact }, auth: false });
  },
  /** Replaces a single-use (or current) password and signs in. */
  async changePassword(login: string, currentPassword: string, newPassword: string): Promise<Session> {
    const body = await request<AuthSession>('POST', '/api/auth/password', {
      body: { login, currentPassword, newPassword },
      auth: false,
    });
    setSession(fromBody(body));
    return session!;
  },
  /** Sets a new password with a staff-issued reset code; the person then logs in. */
  async reset(login: string, code: string, newPassword: string): Promise<void> {
    await request('POST', '/api/auth/reset', { body: { login, code, newPassword }, auth: false });
  },
  async logout(): Promise<void> {
    try {
      await request('POST', '/api/auth/logout', { auth: false });
    } finally {
      setSession(undefined);
    }
  },
  /** Re-reads /api/me into the session (after a profile or consent change). */
  updatePerson(person: Person): void {
    if (session) setSession({ ...session, person });
  },
};
