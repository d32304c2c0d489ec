// npm run bench:fanout — VIEWERS (10,000) socket.io viewers (websocket transport, DRIVERS driver
// processes) on loopback receive one pin. Targets, in one run with the same driver: a bare socket.io
// server (baseline), the gateway (one node), and two gateway nodes sharing Redis and PostgreSQL.
// Prints one JSON line per target and the ratios against the baseline.

import { startBareTarget } from './bare-target.ts';
import { startGatewayTarget } from './gateway-target.ts';
import type { FanoutResult, FanoutTarget } from './harness.ts';
import { runFanout } from './harness.ts';

const VIEWERS = Number(process.env.VIEWERS ?? 10_000);
const DRIVERS = Number(process.env.DRIVERS ?? 2);

async function measure(start: () => Promise<FanoutTarget>): Promise<FanoutResult> {
  const target = await start();
  try {
    const r = await runFanout(target, VIEWERS, DRIVERS);
    console.log(JSON.stringify(r));
    return r;
  } finally {
    await target.close();
  }
}

const bare = await measure(startBareTarget);
const one = await measure(() => startGatewayTarget(1));
const two = await measure(() => startGatewayTarget(2));
const ratio = (r: FanoutResult) => ({
  target: r.target,
  ratioP99VsBare: +(r.p99Ms / bare.p99Ms).toFixed(2),
  ratioRssVsBare: +(r.serverRssMb / bare.serverRssMb).toFixed(2),
  allReceived: r.received === r.viewers,
});
console.log(JSON.stringify({ viewers: VIEWERS, drivers: DRIVERS, vsBare: [ratio(one), ratio(two)] }));
process.exit(0);
