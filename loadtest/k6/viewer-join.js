// @ts-check
// A viewer join storm over socket.io's wire protocol (Engine.IO 4 frames over k6/ws): VIEWERS anonymous
// viewers connect to /live within RAMP, each joins the session and must receive its snapshot; once they
// are in, a host pins the card every PIN_EVERY and every viewer must receive each `card:pinned`. Pin
// latency is measured against the card's `pinnedAtMs` (the server's clock: run k6 on a host whose clock
// is synchronised with the deployment's, or read the figure as an upper bound).
//   k6 run -e BASE_URL=https://live.example.com -e STAFF_PASSWORD=… loadtest/k6/viewer-join.js
import { check, fail, sleep } from 'k6';
import http from 'k6/http';
import { Counter, Trend } from 'k6/metrics';
import ws from 'k6/ws';
import { BASE_URL, headers, liveSaleWithCard, numberSetting, setting } from './lib.js';

const VIEWERS = numberSetting('VIEWERS', 1_000);
const RAMP = setting('RAMP', '30s');
const HOLD_SEC = numberSetting('HOLD_SEC', 60);
const PIN_EVERY_SEC = numberSetting('PIN_EVERY_SEC', 10);
const rampSec = Number.parseInt(RAMP, 10) || 30;

const joinMs = new Trend('live_join_snapshot_ms', true);
const pinMs = new Trend('live_pin_receipt_ms', true);
const pinsReceived = new Counter('live_pins_received');
const joinsFailed = new Counter('live_joins_failed');

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    viewers: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [
        { duration: RAMP, target: VIEWERS },
        { duration: `${HOLD_SEC}s`, target: VIEWERS },
      ],
      gracefulRampDown: '0s',
      exec: 'viewer',
    },
    host: {
      executor: 'per-vu-iterations',
      vus: 1,
      iterations: 1,
      startTime: RAMP,
      maxDuration: `${HOLD_SEC + 30}s`,
      exec: 'host',
    },
  },
  // The fan-out targets of docs/performance.md: a join answers with its snapshot, a pin reaches every
  // viewer, p99 within a second on the deployment's own network.
  thresholds: {
    live_join_snapshot_ms: [`p(99)<${setting('JOIN_P99_MS', '1000')}`],
    live_pin_receipt_ms: [`p(99)<${setting('PIN_P99_MS', '1000')}`],
    live_joins_failed: ['count==0'],
    checks: ['rate>0.99'],
  },
};

/** @returns {import('./lib.js').Sale} */
export function setup() {
  // The card starts unpinned; the host scenario pins it once the viewers are in.
  return liveSaleWithCard(numberSetting('UNITS', 100), false);
}

const NSP = '/live';

/**
 * Engine.IO/socket.io frames: "0{…}" open, "2" ping → "3" pong, "40/live,{…}" namespace connected,
 * "42/live,[event, payload]" an event, "43/live,<id>[reply]" an acknowledgement.
 * @param {string} data
 * @returns {{ kind: 'open' | 'ping' | 'connected' | 'connect_error' | 'event' | 'ack' | 'other', id?: number, args?: any[] }}
 */
function parse(data) {
  if (data.startsWith('0')) return { kind: 'open' };
  if (data === '2') return { kind: 'ping' };
  if (!data.startsWith('4')) return { kind: 'other' };
  const type = data[1];
  let rest = data.slice(2);
  if (rest.startsWith(`${NSP},`)) rest = rest.slice(NSP.length + 1);
  else if (type !== '0' || rest.length > 0) return { kind: 'other' };
  if (type === '0') return { kind: 'connected' };
  if (type === '4') return { kind: 'connect_error' };
  const digits = /^\d+/.exec(rest);
  const id = digits ? Number(digits[0]) : undefined;
  const args = JSON.parse(digits ? rest.slice(digits[0].length) : rest);
  return { kind: type === '3' ? 'ack' : type === '2' ? 'event' : 'other', id, args };
}

/** @param {import('./lib.js').Sale} sale */
export function viewer(sale) {
  const url = `${BASE_URL.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
  const started = Date.now();
  let joined = false;
  const res = ws.connect(url, { tags: { name: 'socket.io /live' } }, (socket) => {
    socket.on('message', (data) => {
      const frame = parse(String(data));
      if (frame.kind === 'ping') socket.send('3');
      else if (frame.kind === 'open') socket.send(`40${NSP},{}`);
      else if (frame.kind === 'connected')
        socket.send(`42${NSP},1${JSON.stringify(['live:join', { sessionId: sale.sessionId }])}`);
      else if (frame.kind === 'connect_error') {
        joinsFailed.add(1);
        socket.close();
      } else if (frame.kind === 'ack' && frame.id === 1) {
        const reply = frame.args?.[0];
        joined = check(reply, {
          'join answered with a snapshot': (r) => r?.ok === true && r.data?.sessionId === sale.sessionId,
        });
        if (joined) joinMs.add(Date.now() - started);
        else {
          joinsFailed.add(1);
          socket.close();
        }
      } else if (frame.kind === 'event' && frame.args?.[0] === 'card:pinned') {
        const card = frame.args[1]?.card;
        if (card?.cardId === sale.cardId && typeof card.pinnedAtMs === 'number') {
          pinsReceived.add(1);
          pinMs.add(Math.max(0, Date.now() - card.pinnedAtMs));
        }
      }
    });
    // Stay until the run ends: this VU's share of the ramp plus the hold.
    socket.setTimeout(() => socket.close(), (rampSec + HOLD_SEC) * 1000);
  });
  check(res, { 'websocket upgraded (101)': (r) => r !== null && r.status === 101 });
  if (!joined) sleep(1); // a failed join is not retried in a tight loop
}

/** Pins, unpins and pins again every PIN_EVERY_SEC while the viewers hold. */
/** @param {import('./lib.js').Sale} sale */
export function host(sale) {
  const rounds = Math.max(1, Math.floor(HOLD_SEC / PIN_EVERY_SEC) - 1);
  for (let i = 0; i < rounds; i++) {
    for (const action of ['pin', 'unpin']) {
      const res = http.post(
        `${BASE_URL}/api/live-sessions/${sale.sessionId}/cards/${sale.cardId}/${action}`,
        '{}',
        {
          headers: headers(sale.hostToken),
          tags: { name: `POST card ${action}` },
        },
      );
      if (!check(res, { [`${action} 200`]: (r) => r.status === 200 }))
        fail(`${action} answered ${res.status}`);
      sleep(PIN_EVERY_SEC / 2);
    }
  }
}
