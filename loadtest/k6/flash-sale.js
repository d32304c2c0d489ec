// @ts-check
// Flash sale over HTTP against a running deployment, as members do it: log in, order the pinned card with
// an Idempotency-Key, and retry a reply with the same key. Two scenarios (SCENARIO=storm|sale|both):
//   storm — BUYER_COUNT members hammer a card of STORM_UNITS units for DURATION; after the sell-out every
//           attempt must answer 409 CARD_SOLD_OUT (or ORDER_LIMIT_EXCEEDED for a member who already has one);
//   sale  — every member orders once from a card with a unit for each: every attempt becomes an order.
// Accounts: BUYER_COUNT members whose logins follow BUYER_LOGIN_PATTERN ({n} = 1…BUYER_COUNT) and share
// BUYER_PASSWORD; STAFF_LOGIN/STAFF_PASSWORD (staff: creates the product) and HOST_LOGIN/HOST_PASSWORD
// (host: runs the session; defaults to the staff account). See docs/performance.md, "k6 scenarios".
//   k6 run -e BASE_URL=https://live.example.com -e STAFF_PASSWORD=… -e BUYER_PASSWORD=… loadtest/k6/flash-sale.js
import { check, fail } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter, Rate } from 'k6/metrics';
import {
  BASE_URL,
  buyerLogin,
  call,
  cardNow,
  errorCode,
  headers,
  liveSaleWithCard,
  login,
  numberSetting,
  setting,
  uuid,
} from './lib.js';

const SCENARIO = setting('SCENARIO', 'both');
const BUYERS = numberSetting('BUYER_COUNT', 5_000);
const VUS = numberSetting('VUS', 128);
const DURATION = setting('DURATION', '30s');
const STORM_UNITS = numberSetting('STORM_UNITS', 500);
/** Share of placed orders retried with the same key and body, which must give the same answer. */
const REPLAY_SHARE = numberSetting('REPLAY_SHARE', 0.05);

const ordersPlaced = new Counter('orders_placed');
const soldOut = new Counter('card_sold_out');
const unexpected = new Rate('unexpected_answers');
const replayDiffers = new Rate('idempotent_replay_differs');

/** @type {Record<string, import('k6/options').Scenario>} */
const scenarios = {};
if (SCENARIO === 'storm' || SCENARIO === 'both') {
  scenarios.storm = {
    executor: 'constant-vus',
    vus: VUS,
    duration: DURATION,
    exec: 'storm',
    tags: { phase: 'storm' },
  };
}
if (SCENARIO === 'sale' || SCENARIO === 'both') {
  scenarios.sale = {
    executor: 'shared-iterations',
    vus: VUS,
    iterations: BUYERS,
    maxDuration: setting('SALE_MAX_DURATION', '10m'),
    exec: 'sale',
    startTime: SCENARIO === 'both' ? DURATION : '0s',
    tags: { phase: 'sale' },
  };
}
if (Object.keys(scenarios).length === 0) fail(`SCENARIO must be storm, sale or both, not ${SCENARIO}`);

/** @type {import('k6/options').Options} */
export const options = {
  scenarios,
  setupTimeout: setting('SETUP_TIMEOUT', '10m'),
  // The targets of docs/performance.md (Orders): a sold-out attempt answers within 50 ms at p99; an order
  // is written within a second at p99 under the sale; nothing answers other than 201/409/429.
  thresholds: {
    'http_req_duration{phase:storm,name:POST /api/orders}': [`p(99)<${setting('STORM_P99_MS', '50')}`],
    'http_req_duration{phase:sale,name:POST /api/orders}': [`p(99)<${setting('SALE_P99_MS', '1000')}`],
    unexpected_answers: ['rate<0.001'],
    idempotent_replay_differs: ['rate==0'],
    checks: ['rate>0.99'],
  },
};

// 201 and 409 are the answers a flash sale is made of; 429 is a member's own rate limit.
http.setResponseCallback(http.expectedStatuses(201, 409, 429));

/** @typedef {{ storm?: import('./lib.js').Sale, sale?: import('./lib.js').Sale, tokens: string[] }} SetupData */

/** @returns {SetupData} */
export function setup() {
  const password = setting('BUYER_PASSWORD', '');
  if (!password) fail('BUYER_PASSWORD is required (the password the BUYER_COUNT test members share)');
  /** @type {string[]} */
  const tokens = [];
  for (let n = 1; n <= BUYERS; n++) tokens.push(login(buyerLogin(n), password));
  return {
    tokens,
    storm: scenarios.storm ? liveSaleWithCard(STORM_UNITS) : undefined,
    sale: scenarios.sale ? liveSaleWithCard(BUYERS) : undefined,
  };
}

/**
 * One order attempt; returns the response.
 * @param {string} cardId
 * @param {string} token
 * @param {string} key
 */
function order(cardId, token, key) {
  return http.post(
    `${BASE_URL}/api/orders`,
    JSON.stringify({
      cardId,
      quantity: 1,
      fulfilment: { method: 'pickup', clinic: setting('CLINIC', 'Clinic 1') },
    }),
    { headers: headers(token, { 'idempotency-key': key }), tags: { name: 'POST /api/orders' } },
  );
}

/**
 * @param {string} cardId
 * @param {string} token
 * @param {'storm' | 'sale'} phase
 */
function attempt(cardId, token, phase) {
  const key = uuid();
  const res = order(cardId, token, key);
  const code = res.status === 201 ? '' : errorCode(res);
  const expected =
    res.status === 201 ||
    (res.status === 409 && (code === 'CARD_SOLD_OUT' || code === 'ORDER_LIMIT_EXCEEDED')) ||
    (res.status === 429 && code === 'RATE_LIMITED');
  unexpected.add(!expected);
  check(res, {
    'order answered 201, 409 CARD_SOLD_OUT/ORDER_LIMIT_EXCEEDED or 429': () => expected,
    ...(phase === 'sale' ? { 'sale: every attempt is an order': (r) => r.status === 201 } : {}),
  });
  if (res.status === 201) {
    ordersPlaced.add(1, { phase });
    if (Math.random() < REPLAY_SHARE) {
      const again = order(cardId, token, key);
      const same = again.status === 201 && again.json('orderId') === res.json('orderId');
      replayDiffers.add(!same);
      check(again, { 'same key, same body → same order': () => same });
    }
  } else if (code === 'CARD_SOLD_OUT') soldOut.add(1, { phase });
}

/** @param {SetupData} data */
export function storm(data) {
  if (!data.storm) return;
  attempt(data.storm.cardId, data.tokens[Math.floor(Math.random() * data.tokens.length)], 'storm');
}

/** @param {SetupData} data */
export function sale(data) {
  if (!data.sale) return;
  // Each iteration is one member: shared-iterations numbers them 0…BUYER_COUNT-1 across VUs.
  attempt(data.sale.cardId, data.tokens[exec.scenario.iterationInTest % data.tokens.length], 'sale');
}

/**
 * Units sold through live orders of the card (cancelled and expired orders gave theirs back; nothing is refunded during the run).
 * @param {import('./lib.js').Sale} sale
 * @param {string} staffToken
 */
function unitsSold(sale, staffToken) {
  let sold = 0;
  for (let offset = 0; ; offset += 100) {
    const page = /** @type {Array<{ cardId: string, quantity: number, status: string }>} */ (
      call('GET', `/api/orders?sessionId=${sale.sessionId}&limit=100&offset=${offset}`, undefined, staffToken)
    );
    for (const o of page) if (o.cardId === sale.cardId && !GIVEN_BACK.has(o.status)) sold += o.quantity;
    if (page.length < 100) return sold;
  }
}

const GIVEN_BACK = new Set(['cancelled', 'expired']);

/** Oversold must be 0 on every card: orders never exceed the units the card was given. */
/** @param {SetupData} data */
export function teardown(data) {
  const staff = login(setting('STAFF_LOGIN', 'staff@example.com'), setting('STAFF_PASSWORD', ''));
  for (const sale of [data.storm, data.sale]) {
    if (!sale) continue;
    const sold = unitsSold(sale, staff);
    const card = cardNow(sale);
    console.log(
      JSON.stringify({ cardId: sale.cardId, units: sale.units, sold, remaining: card?.remaining ?? 0 }),
    );
    check(sold, { 'oversold 0': (n) => n <= sale.units });
  }
}
