// The cascade run of `npm run bench:media`: 1 synthetic host → origin media node → 2 edge media nodes →
// N viewers (SRTP consumers into local UDP sinks), against the same machine's one media node with two
// workers measured in the same run. All nodes share this machine, so the figure is the cascade's
// efficiency: consumers carried at ≤ 0.1 % loss by the three nodes over those of one node. Also counts
// the keyframe requests reaching the host while a burst of viewers joins.
import { pino } from 'pino';
import type { MediaNodeProcess } from '../../gateway/compose/media-node.ts';
import { startMediaCluster } from '../clients/media-cluster.ts';
import { ingestHost, type PlainViewer, subscribe } from '../clients/sfu-clients.ts';
import { UdpSink } from '../clients/udp-sink.ts';
import { waitFor } from '../clients/wait-for.ts';

const logger = pino({ level: 'silent' });
const LOSS_LIMIT = 0.001;
const STEP_VIEWERS = 50;
const WARMUP_MS = 1200;
const WINDOW_MS = 4000;
const DRAIN_MS = 400;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

type Host = Awaited<ReturnType<typeof ingestHost>>;
type Room = Awaited<ReturnType<MediaNodeProcess['rooms']['open']>>;

interface Step {
  viewers: number;
  consumers: number;
  lossPercent: number;
  /** Every worker of every node in the run (origin and edges), per consumer served, % of a core. */
  cpuPercentPerConsumer: number;
  viewersPerNode: Record<string, number>;
}

async function addViewers(
  room: Room,
  node: MediaNodeProcess,
  list: PlainViewer[],
  n: number,
  tag: string,
  deadline = Number.POSITIVE_INFINITY,
) {
  while (list.length < n && Date.now() < deadline) {
    const sink = new UdpSink(1 << 20);
    await sink.bind();
    const v: PlainViewer = { peerId: `${tag}-${list.length}`, sink, ssrcs: new Map() };
    room.join(v.peerId, 'viewer');
    node.cascade.viewerJoined(room.sessionId);
    await subscribe(room, v, { srtp: true });
    list.push(v);
  }
}

/** CPU time of every worker of the given nodes, ms (user + system). */
async function workersCpuMs(nodes: MediaNodeProcess[]): Promise<number> {
  let ms = 0;
  for (const n of nodes)
    for (const slot of n.pool.slots) {
      const u = await slot.worker!.getResourceUsage();
      ms += u.ru_utime + u.ru_stime;
    }
  return ms;
}

/** Loss over one window of steady stream, for every viewer given, and the workers' CPU share. */
async function measure(
  host: Host,
  viewers: PlainViewer[],
  nodes: MediaNodeProcess[],
): Promise<{ loss: number; cpuPercent: number }> {
  host.source.pause();
  await sleep(DRAIN_MS);
  const before = viewers.map((v) => [...v.ssrcs.keys()].map((s) => v.sink.count(s).packets));
  const sentBefore = { ...host.source.sent };
  host.source.resume();
  const cpu0 = await workersCpuMs(nodes);
  const t0 = performance.now();
  await sleep(WINDOW_MS);
  const cpuPercent = (((await workersCpuMs(nodes)) - cpu0) / (performance.now() - t0)) * 100;
  host.source.pause();
  await sleep(DRAIN_MS);
  const sent = {
    audio: host.source.sent.audio - sentBefore.audio,
    video: host.source.sent.video - sentBefore.video,
  };
  let lost = 0;
  let expected = 0;
  viewers.forEach((v, i) => {
    [...v.ssrcs].forEach(([ssrc, kind], j) => {
      expected += sent[kind];
      lost += Math.max(0, sent[kind] - (v.sink.count(ssrc).packets - before[i]![j]!));
    });
  });
  host.source.resume();
  return { loss: expected ? lost / expected : 1, cpuPercent };
}

/** Steps up viewers spread evenly over `edges` (the origin itself when none) until loss passes the limit twice. */
async function steps(
  origin: MediaNodeProcess,
  edges: MediaNodeProcess[],
  sessionId: string,
  maxViewers: number,
  deadline: number,
  progress: (m: string, e?: object) => void,
): Promise<{ steps: Step[]; host: Host; rooms: Room[]; viewers: PlainViewer[][] }> {
  await origin.cascade.hostJoining(sessionId);
  const host = await ingestHost(await origin.rooms.open(sessionId, 'host'), 'host');
  await host.source.start();
  const serving = edges.length > 0 ? edges : [origin];
  const rooms = await Promise.all(serving.map((n) => n.rooms.open(sessionId, 'host')));
  const viewers = serving.map(() => [] as PlainViewer[]);
  if (edges.length > 0) {
    for (const [i, n] of serving.entries()) {
      rooms[i]!.join(`${n.nodeId}-probe`, 'viewer');
      n.cascade.viewerJoined(sessionId);
    }
    await waitFor(() => rooms.every((r) => r.producers().length === 2), { what: 'the pipes' });
  }
  const out: Step[] = [];
  for (let n = STEP_VIEWERS; n <= maxViewers && Date.now() < deadline; n += STEP_VIEWERS) {
    for (const [i, node] of serving.entries()) {
      const share = Math.floor(n / serving.length) + (i < n % serving.length ? 1 : 0);
      await addViewers(rooms[i]!, node, viewers[i]!, share, node.nodeId, deadline);
    }
    // A loaded machine can make one step outlast the run: it is not measured then.
    if (Date.now() >= deadline) break;
    await sleep(WARMUP_MS);
    const { loss, cpuPercent } = await measure(host, viewers.flat(), [origin, ...edges]);
    const consumers = rooms.reduce((s, r) => s + r.consumerCount(), 0);
    const step: Step = {
      viewers: n,
      consumers,
      lossPercent: round(loss * 100, 3),
      cpuPercentPerConsumer: round(cpuPercent / consumers, 4),
      viewersPerNode: Object.fromEntries(serving.map((s, i) => [s.nodeId, viewers[i]!.length])),
    };
    out.push(step);
    progress('cascade step', { edges: edges.length, ...step });
    const last2 = out.slice(-2);
    if (last2.length === 2 && last2.every((s) => s.lossPercent > LOSS_LIMIT * 100)) break;
  }
  return { steps: out, host, rooms, viewers };
}

const best = (xs: Step[]) =>
  xs
    .filter((s) => s.lossPercent <= LOSS_LIMIT * 100)
    .reduce<Step | undefined>((b, s) => (!b || s.consumers > b.consumers ? s : b), undefined);

function cpuRatio(one: Step[], cascade: Step[]): number | null {
  const shared = cascade.filter((s) => one.some((o) => o.viewers === s.viewers)).at(-1);
  const base = shared && one.find((o) => o.viewers === shared.viewers);
  return shared && base?.cpuPercentPerConsumer
    ? round(shared.cpuPercentPerConsumer / base.cpuPercentPerConsumer, 2)
    : null;
}

export async function cascadeRun(progress: (m: string, e?: object) => void, budgetMs = 3 * 60_000) {
  const deadline = Date.now() + budgetMs;
  // Directory timeouts as in production: a loaded machine's late heartbeat must not drop a node.
  const cluster = await startMediaCluster({
    logger,
    pipeGraceMs: 60_000,
    consumerBudget: 100_000,
    heartbeatMs: 2000,
    timeoutMs: 6000,
  });
  try {
    cluster.sessions.live.set('one', 'host');
    cluster.sessions.live.set('cascade', 'host');
    // Baseline: one node, two workers, no cascade (viewers on the origin node itself).
    const single = await cluster.startNode({ id: 'single', workers: 2 });
    progress('cascade baseline: one node with two workers');
    const one = await steps(single, [], 'one', 1200, Date.now() + budgetMs / 2, progress);
    one.host.source.close();
    for (const v of one.viewers.flat()) v.sink.close();
    await single.close();

    const origin = await cluster.startNode({ id: 'origin' });
    const edges = [await cluster.startNode({ id: 'edge-1' }), await cluster.startNode({ id: 'edge-2' })];
    progress('cascade: origin → 2 edges');
    const c = await steps(origin, edges, 'cascade', 1200, deadline, progress);
    const bestOne = best(one.steps);
    const bestCascade = best(c.steps);

    // A join burst of 100 viewers on each edge while the host streams: keyframe requests at the host.
    c.host.source.resume();
    await sleep(1500);
    const kfBefore = c.host.source.sent.keyframeRequests;
    const t0 = performance.now();
    await Promise.all(
      edges.map((e, i) =>
        addViewers(c.rooms[i]!, e, c.viewers[i]!, c.viewers[i]!.length + 100, `${e.nodeId}-burst`),
      ),
    );
    await sleep(1000);
    const burstSec = (performance.now() - t0) / 1000;
    const kfRequests = c.host.source.sent.keyframeRequests - kfBefore;
    const pipes = origin.cascade.edgesOf('cascade').length;
    c.host.source.close();
    for (const v of c.viewers.flat()) v.sink.close();
    await cluster.endSession('cascade');
    return {
      nodes: { origin: 1, edges: 2, workersPerNode: 1 },
      oneNode: { workers: 2, consumers: bestOne?.consumers ?? 0, steps: one.steps },
      consumers: bestCascade?.consumers ?? 0,
      vsOneNode: bestOne?.consumers ? round((bestCascade?.consumers ?? 0) / bestOne.consumers, 2) : null,
      lossPercent: bestCascade?.lossPercent ?? null,
      // Noise-resistant efficiency: worker CPU per consumer at the largest step both runs reached.
      cpuPerConsumerVsOneNode: cpuRatio(one.steps, c.steps),
      viewersPerNode: bestCascade?.viewersPerNode ?? {},
      pipeCount: pipes,
      joinBurst: { viewers: 200, seconds: round(burstSec, 2), keyframeRequestsAtHost: kfRequests },
      // The synthetic host sends one layer.
      keyframeRequestsPerSecPerLayer: round(kfRequests / burstSec, 2),
      steps: c.steps,
    };
  } finally {
    await cluster.close();
  }
}
