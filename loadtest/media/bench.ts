// `npm run bench:media`: how many consumers one mediasoup worker carries, and what a second worker
// behind pipeToRouter adds. One synthetic host (≈ 1 Mbps VP8-shaped video + Opus-shaped audio) feeds
// viewers on PlainTransports with SRTP AEAD_AES_128_GCM (what browsers negotiate) that send to local UDP
// sinks on the same machine. Then the viewer page's navigation → first decoded frame in headless
// Chromium, median of 5. Prints one JSON object on stdout; progress goes to stderr. Bounded: about
// 3-5 minutes. The SFU is driven in-process through the same room API the /media handlers call.
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { type LiveRoom, LiveRooms, WorkerPool, type WorkerSlot } from '../../media/index.ts';
import { buildWebPages, launchChromium } from '../clients/browser.ts';
import { publishFromHostPage, startMediaNode } from '../clients/media-node.ts';
import { ingestHost, type PlainViewer, plainViewer } from '../clients/sfu-clients.ts';
import type { SyntheticHost } from '../clients/synthetic-rtp.ts';
import { UdpSink } from '../clients/udp-sink.ts';
import { cascadeRun } from './cascade.ts';

const logger = pino({ level: 'silent' });
const LOSS_LIMIT = 0.001; // < 0.1 % loss
/** Viewers added per step; each viewer is 2 consumers (audio + video). */
const STEP_VIEWERS = 50;
const MAX_VIEWERS_ONE_WORKER = 500;
const WARMUP_MS = 1000;
const WINDOW_MS = 4000;
const DRAIN_MS = 400;
const FIRST_FRAME_RUNS = 5;
/** Hard stop for the whole run, so a stuck step cannot hold the machine. */
const DEADLINE_MS = 6 * 60_000;
const started = Date.now();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const progress = (msg: string, extra: object = {}) =>
  process.stderr.write(
    `${JSON.stringify({ t: Math.round((Date.now() - started) / 1000), msg, ...extra })}\n`,
  );
const overtime = () => Date.now() - started > DEADLINE_MS;

/** A UDP port the OS reports free (the worker's WebRtcServer binds UDP and TCP on it). */
async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function startPool(workers: number): Promise<WorkerPool> {
  const ports: number[] = [];
  for (let i = 0; i < workers; i++) ports.push(await freeUdpPort());
  const pool = new WorkerPool({
    ports,
    listenIp: '127.0.0.1',
    announcedAddress: undefined,
    rtcMinPort: 20000,
    rtcMaxPort: 39999,
    logLevel: 'none',
    logger,
  });
  await pool.start();
  return pool;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 102.4) / 10 : 0;
}

async function cpuMs(slot: WorkerSlot): Promise<number> {
  const u = await slot.worker!.getResourceUsage();
  return u.ru_utime + u.ru_stime;
}

interface WindowResult {
  consumers: number;
  lossFraction: number;
  worstConsumerLoss: number;
  /** Loss of consumers on each router (origin first). */
  lossByRouter: number[];
  cpuPercentByWorker: number[];
}

/** One measured window: the source pauses so counts can be taken at rest, then streams WINDOW_MS. */
async function measure(
  room: LiveRoom,
  host: SyntheticHost,
  viewers: PlainViewer[],
  slots: readonly WorkerSlot[],
): Promise<WindowResult> {
  host.pause();
  await sleep(DRAIN_MS);
  const before = viewers.map((v) => [...v.ssrcs.keys()].map((s) => v.sink.count(s).packets));
  const sentBefore = { ...host.sent };
  host.resume();
  const cpuBefore = await Promise.all(slots.map(cpuMs));
  const t0 = performance.now();
  await sleep(WINDOW_MS);
  const cpuAfter = await Promise.all(slots.map(cpuMs));
  const elapsed = performance.now() - t0;
  host.pause();
  await sleep(DRAIN_MS);
  const sent = { audio: host.sent.audio - sentBefore.audio, video: host.sent.video - sentBefore.video };
  const routers = room.routers;
  const lostBy = routers.map(() => ({ lost: 0, expected: 0 }));
  let lost = 0;
  let expected = 0;
  let worst = 0;
  viewers.forEach((v, i) => {
    const r = routers.indexOf(room.homeOf(v.peerId)!);
    [...v.ssrcs].forEach(([ssrc, kind], j) => {
      const want = sent[kind];
      const got = v.sink.count(ssrc).packets - before[i]![j]!;
      const miss = Math.max(0, want - got);
      lost += miss;
      expected += want;
      worst = Math.max(worst, want ? miss / want : 0);
      if (r >= 0) {
        lostBy[r]!.lost += miss;
        lostBy[r]!.expected += want;
      }
    });
  });
  return {
    consumers: room.consumerCount(),
    lossFraction: expected ? lost / expected : 1,
    worstConsumerLoss: worst,
    lossByRouter: lostBy.map((x) => (x.expected ? x.lost / x.expected : 0)),
    cpuPercentByWorker: slots.map((_, i) => ((cpuAfter[i]! - cpuBefore[i]!) / elapsed) * 100),
  };
}

async function addViewers(room: LiveRoom, viewers: PlainViewer[], upTo: number, srtp: boolean) {
  while (viewers.length < upTo) {
    // 1 MiB of socket buffer per sink: the sinks share the machine's two cores with the workers.
    const sink = new UdpSink(1 << 20);
    await sink.bind();
    viewers.push(await plainViewer(room, `v${viewers.length}`, sink, { srtp }));
  }
  // New consumers wait for a keyframe (asked for on resume); let it arrive before measuring.
  await sleep(WARMUP_MS);
}

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

interface Step {
  viewers: number;
  consumers: number;
  lossPercent: number;
  worstConsumerLossPercent: number;
  cpuPercent: number[];
  cpuPercentPerConsumer: number;
  workerRssMb: number[];
}

async function runSteps(opts: {
  workers: number;
  budget: number;
  srtp: boolean;
  steps: number[];
}): Promise<{ steps: Step[]; lossByRouter: number[][] }> {
  const pool = await startPool(opts.workers);
  const rooms = new LiveRooms({ pool, logger, consumerBudget: opts.budget, layerUpgradeDelayMs: 0 });
  const room = await rooms.open('bench', 'host');
  const host = await ingestHost(room, 'host');
  await host.source.start();
  const viewers: PlainViewer[] = [];
  const steps: Step[] = [];
  const lossByRouter: number[][] = [];
  try {
    for (const n of opts.steps) {
      if (overtime()) break;
      await addViewers(room, viewers, n, opts.srtp);
      const w = await measure(room, host.source, viewers, pool.slots);
      const cpuTotal = w.cpuPercentByWorker.reduce((a, b) => a + b, 0);
      const step: Step = {
        viewers: n,
        consumers: w.consumers,
        lossPercent: round(w.lossFraction * 100, 3),
        worstConsumerLossPercent: round(w.worstConsumerLoss * 100, 2),
        cpuPercent: w.cpuPercentByWorker.map((c) => round(c, 1)),
        cpuPercentPerConsumer: round(cpuTotal / w.consumers, 3),
        workerRssMb: pool.slots.map((s) => rssMb(s.worker!.pid)),
      };
      steps.push(step);
      lossByRouter.push(w.lossByRouter);
      progress('step', { workers: opts.workers, srtp: opts.srtp, ...step, routers: room.routers.length });
      // Two steps in a row over the limit: the worker is saturated, more would only take longer.
      const last2 = steps.slice(-2);
      if (last2.length === 2 && last2.every((s) => s.lossPercent >= LOSS_LIMIT * 100)) break;
    }
  } finally {
    host.source.close();
    rooms.close();
    pool.close();
    for (const v of viewers) v.sink.close();
  }
  return { steps, lossByRouter };
}

const sustained = (steps: Step[]) =>
  steps
    .filter((s) => s.lossPercent < LOSS_LIMIT * 100)
    .reduce<Step | undefined>((best, s) => (!best || s.consumers > best.consumers ? s : best), undefined);

async function firstFrames(): Promise<number[]> {
  await buildWebPages();
  const node = await startMediaNode(2);
  const browser = await launchChromium();
  const out: number[] = [];
  try {
    const { context: hostCtx } = await publishFromHostPage(browser, node, 'FF', 'host-ff');
    // Let the encoder ramp up all three layers, as a host that has been live for a moment has.
    await sleep(3000);
    for (let i = 0; i < FIRST_FRAME_RUNS; i++) {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.goto(`${node.baseUrl}/web/viewer.html?session=FF`);
      const ms = await page.waitForFunction(
        () =>
          (globalThis as unknown as { vitaliveViewer?: { firstFrameMs?: number } }).vitaliveViewer
            ?.firstFrameMs,
        undefined,
        { timeout: 20_000, polling: 20 },
      );
      out.push(Math.round(Number(await ms.jsonValue())));
      progress('first frame', { run: i + 1, ms: out.at(-1) });
      await ctx.close();
    }
    await hostCtx.close();
  } finally {
    await browser.close();
    await node.close();
  }
  return out;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length
    ? s.length % 2
      ? s[(s.length - 1) / 2]!
      : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
    : 0;
};

async function main(): Promise<void> {
  // `-- --cascade`: only the cascade run (origin → 2 edge media nodes) with its one-node baseline.
  if (process.argv.includes('--cascade')) {
    const cascade = await cascadeRun(progress);
    process.stdout.write(
      `${JSON.stringify({ bench: 'media', cascade, durationSec: Math.round((Date.now() - started) / 1000) }, null, 2)}\n`,
    );
    return;
  }
  const range = (from: number, to: number) => {
    const xs: number[] = [];
    for (let n = from; n <= to; n += STEP_VIEWERS) xs.push(n);
    return xs;
  };

  // Baseline in the same run: the same 100 viewers without SRTP.
  progress('baseline: plain RTP, one worker');
  const plain = await runSteps({ workers: 1, budget: 1e6, srtp: false, steps: [100] });

  progress('one worker, SRTP AEAD_AES_128_GCM');
  const one = await runSteps({
    workers: 1,
    budget: 1e6,
    srtp: true,
    steps: range(STEP_VIEWERS, MAX_VIEWERS_ONE_WORKER),
  });
  const best = sustained(one.steps);
  const perWorker = best?.consumers ?? 0;

  // Two workers: the budget fills the origin, then pipeToRouter carries the host to the second.
  progress('two workers with pipeToRouter', { budget: perWorker });
  const budget = Math.max(100, perWorker);
  const twoFrom = Math.max(STEP_VIEWERS, Math.floor(budget / 2) + STEP_VIEWERS);
  const two = await runSteps({
    workers: 2,
    budget,
    srtp: true,
    steps: range(twoFrom, twoFrom + 6 * STEP_VIEWERS),
  });
  const bestTwo = sustained(two.steps);
  const firstTwo = two.lossByRouter[0] ?? [];

  progress('viewer first frame in headless Chromium');
  let frames: number[] = [];
  let browserError: string | undefined;
  try {
    frames = await firstFrames();
  } catch (err) {
    browserError = err instanceof Error ? err.message : String(err);
  }

  const plainCpu = plain.steps[0]?.cpuPercentPerConsumer ?? 0;
  const srtpAt100 = one.steps.find((s) => s.viewers === 100)?.cpuPercentPerConsumer ?? 0;
  const result = {
    bench: 'media',
    // SyntheticHost defaults: 30 fps × 3 packets of 1300 B payload; Opus-shaped 120 B every 20 ms.
    source: {
      videoKbps: round((30 * 3 * (1300 + 12) * 8) / 1000, 1),
      audioKbps: round((50 * (120 + 12) * 8) / 1000, 1),
      videoPacketsPerSec: 90,
      audioPacketsPerSec: 50,
    },
    srtp: 'AEAD_AES_128_GCM',
    lossLimitPercent: LOSS_LIMIT * 100,
    oneWorker: {
      consumersPerWorker: perWorker,
      viewers: best?.viewers ?? 0,
      cpuPercentPerConsumer: best?.cpuPercentPerConsumer ?? 0,
      workerCpuPercent: best?.cpuPercent[0] ?? 0,
      workerRssMb: best?.workerRssMb[0] ?? 0,
      steps: one.steps,
    },
    baseline: {
      plainRtpCpuPercentPerConsumer: plainCpu,
      srtpCpuPercentPerConsumer: srtpAt100,
      srtpOverPlainCpuRatio: plainCpu ? round(srtpAt100 / plainCpu, 2) : null,
    },
    twoWorkersPiped: {
      budgetPerRouter: budget,
      totalConsumers: bestTwo?.consumers ?? 0,
      viewers: bestTwo?.viewers ?? 0,
      cpuPercent: bestTwo?.cpuPercent ?? [],
      firstStepLossPercentOrigin: round((firstTwo[0] ?? 0) * 100, 3),
      firstStepLossPercentPiped: round((firstTwo[1] ?? 0) * 100, 3),
      steps: two.steps,
    },
    viewerFirstFrame: {
      runs: frames,
      medianMs: median(frames),
      simulcastLayers: 3,
      ...(browserError ? { error: browserError } : {}),
    },
    durationSec: Math.round((Date.now() - started) / 1000),
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:media failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
