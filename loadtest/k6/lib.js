// @ts-check
// What the k6 scenarios share: settings from `-e NAME=value`, JSON calls with coded errors, logins, and
// the staff/host setup of a live session with one pinned card. Runs inside k6 (goja), not Node.
import { check, fail } from 'k6';
import http from 'k6/http';

/**
 * A setting from `k6 run -e NAME=value` (or the environment), else the default.
 * @param {string} name
 * @param {string} fallback
 */
export function setting(name, fallback) {
  const v = __ENV[name];
  return v === undefined || v === '' ? fallback : v;
}

/** @param {string} name @param {number} fallback */
export function numberSetting(name, fallback) {
  const n = Number(setting(name, String(fallback)));
  if (!Number.isFinite(n)) fail(`${name} must be a number`);
  return n;
}

/** Base URL of the deployment, e.g. https://live.example.com (no trailing slash). */
export const BASE_URL = setting('BASE_URL', 'http://127.0.0.1:3000').replace(/\/+$/, '');

/**
 * @param {string | null | undefined} token
 * @param {Record<string, string>} [extra]
 * @returns {Record<string, string>}
 */
export function headers(token, extra = {}) {
  /** @type {Record<string, string>} */
  const h = { 'content-type': 'application/json', ...extra };
  if (token) h.authorization = `Bearer ${token}`;
  return h;
}

/**
 * The code of a coded error reply (`{"code":"CARD_SOLD_OUT","message":…,"params":…}`), else ''.
 * @param {import('k6/http').RefinedResponse<any>} res
 */
export function errorCode(res) {
  try {
    const body = /** @type {{ code?: string }} */ (res.json());
    return body?.code ?? '';
  } catch {
    return '';
  }
}

/**
 * A call that must succeed (setup steps): fails the whole run with the server's answer otherwise.
 * @param {'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} method
 * @param {string} path
 * @param {unknown} body
 * @param {string | null} token
 * @returns {any}
 */
export function call(method, path, body, token) {
  const res = http.request(method, `${BASE_URL}${path}`, body === undefined ? null : JSON.stringify(body), {
    headers: headers(token),
    tags: { name: `setup ${method} ${path.replace(/[0-9a-f-]{36}/g, ':id')}` },
  });
  if (res.status >= 300) fail(`${method} ${path} answered ${res.status}: ${String(res.body).slice(0, 300)}`);
  return res.json();
}

/**
 * Logs in and returns the access token.
 * @param {string} login
 * @param {string} password
 */
export function login(login, password) {
  const res = http.post(`${BASE_URL}/api/auth/login`, JSON.stringify({ login, password }), {
    headers: headers(null),
    tags: { name: 'POST /api/auth/login' },
  });
  const ok = check(res, { 'login 200': (r) => r.status === 200 });
  if (!ok) fail(`login ${login} answered ${res.status}: ${String(res.body).slice(0, 200)}`);
  return /** @type {{ accessToken: string }} */ (res.json()).accessToken;
}

/**
 * The n-th buyer's login from BUYER_LOGIN_PATTERN, where `{n}` is replaced by 1…BUYER_COUNT.
 * @param {number} n
 */
export function buyerLogin(n) {
  return setting('BUYER_LOGIN_PATTERN', 'buyer{n}@example.com').replace('{n}', String(n));
}

/**
 * @typedef {{ sessionId: string, cardId: string, units: number, hostToken: string }} Sale
 */

/**
 * Staff create a product with `units` in stock; the host opens a session, goes live, and puts a card
 * of all units (one per member) on it, pinned unless `pin` is false.
 * @param {number} units
 * @param {boolean} [pin]
 * @returns {Sale}
 */
export function liveSaleWithCard(units, pin = true) {
  const staff = login(setting('STAFF_LOGIN', 'staff@example.com'), setting('STAFF_PASSWORD', ''));
  const host = login(
    setting('HOST_LOGIN', setting('STAFF_LOGIN', 'staff@example.com')),
    setting('HOST_PASSWORD', setting('STAFF_PASSWORD', '')),
  );
  const stamp = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const product = call(
    'POST',
    '/api/products',
    {
      titles: { en: 'k6 sale item', 'zh-Hans': '压测商品', 'zh-Hant': '壓測商品' },
      skus: [{ code: `K6-${stamp}`, priceMinor: 9_900, currency: setting('CURRENCY', 'CNY'), stock: units }],
    },
    staff,
  );
  const session = call('POST', '/api/live-sessions', { title: `k6 ${stamp}` }, host);
  call('POST', `/api/live-sessions/${session.sessionId}/go-live`, {}, host);
  const card = call(
    'POST',
    `/api/live-sessions/${session.sessionId}/cards`,
    { skuId: product.skus[0].skuId, quantity: units, perMemberLimit: 1 },
    host,
  );
  if (pin) call('POST', `/api/live-sessions/${session.sessionId}/cards/${card.cardId}/pin`, {}, host);
  return { sessionId: session.sessionId, cardId: card.cardId, units, hostToken: host };
}

/**
 * The card as viewers see it now (`remaining`, `allotted`), from the session snapshot.
 * @param {Sale} sale
 * @returns {{ remaining: number, allotted: number } | undefined}
 */
export function cardNow(sale) {
  const snap = call('GET', `/api/live-sessions/${sale.sessionId}`, undefined, sale.hostToken);
  return (snap.cards ?? []).find((/** @type {{ cardId: string }} */ c) => c.cardId === sale.cardId);
}

/** An RFC 4122 version 4 id for Idempotency-Key headers (k6 has no crypto.randomUUID). */
export function uuid() {
  const hex = '0123456789abcdef';
  let s = '';
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) s += '-';
    else if (i === 14) s += '4';
    else if (i === 19) s += hex[8 + Math.floor(Math.random() * 4)];
    else s += hex[Math.floor(Math.random() * 16)];
  }
  return s;
}
