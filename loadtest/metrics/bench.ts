// npm run bench:metrics — conversion rollups and the follow-up list at a million events, on SQLite and
// PostgreSQL. Per store: seed BENCH_PEOPLE (100,000) people, 50 channels, 200 live sessions and 20
// offline events, a follow-up record per person and each event's invitees (40 % of its channels'
// people); stream
// BENCH_EVENTS (1,000,000) synthetic viewer and outbox events, through the rollups (viewer-event batches
// with the live funnel, outbox consumers) for up to BENCH_INGEST_SEC seconds and raw-only after that;
// then time the dashboard queries (channel funnel, session funnel, AARRR) BENCH_QUERY_RUNS times each,
// against the same figures computed by scanning raw events (the baseline, BENCH_BASELINE_RUNS times),
// and the follow-up list (a manager's list filtered by event and stage, a manager's whole list, staff's
// list filtered by event and stage, staff's whole list: first page of 50 with the total), each with
// its p50, p99 and CPU per query (this process: on SQLite that is the query itself).
// Then (alertLatency.ts) a whole node's alert path: a reading over a rule's threshold published over
// MQTT until the staff:alert frame reaches the booked expert's socket, BENCH_ALERT_READINGS (200) times.
// BENCH_STORES=sqlite,postgres and BENCH_QUERIES=dashboard,followUps,alerts narrow a run. Prints one
// JSON line per store and a summary, with the load average.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { openCommerce } from '../../gateway/index.ts';
import { DAY_MS, events, prng, SPAN_DAYS, type Synthetic } from '../clients/synthetic-traffic.ts';
import { createPgDatabase } from '../services.ts';
import { alertLatency } from './alert-latency.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const INGEST_SEC = Number(process.env.BENCH_INGEST_SEC ?? 90);
const QUERY_RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 200);
const BASELINE_RUNS = Number(process.env.BENCH_BASELINE_RUNS ?? 5);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',');
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 100_000);
const GROUPS = new Set((process.env.BENCH_QUERIES ?? 'dashboard,followUps,alerts').split(','));
const ALERT_READINGS = Number(process.env.BENCH_ALERT_READINGS ?? 200);
const STAGES = ['new', 'contacted', 'booked', 'consulted', 'bought', 'nurture', 'lost'] as const;
const BATCH = 500;
const logger = pino({ level: 'silent' });

function pct(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 100) / 100;
}

/** CPU ms per query of each timed group (this process, every thread), by the samples array. */
const cpuPerQuery = new WeakMap<number[], number>();

async function time(runs: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  const used = process.cpuUsage(cpu);
  cpuPerQuery.set(out, Math.round(((used.user + used.system) / 1000 / runs) * 100) / 100);
  return out;
}

async function runStore(kind: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-bench-metrics-'));
  const pg = kind === 'postgres' ? await createPgDatabase() : undefined;
  const core = await openCommerce({ DATA_DIR: dataDir, DATABASE_URL: pg?.url }, logger);
  const { fixtures, metrics, followUps } = core.commerce;
  try {
    const t0 = Date.UTC(2026, 0, 1);
    const world = await fixtures.seedMetricsWorld(
      { people: PEOPLE, channels: 50, sessions: 200, offlineEvents: 20 },
      t0,
      prng(7),
    );
    const followUpWorld = await fixtures.seedFollowUpWorld(world, { invitedShare: 0.4 }, prng(11));
    // Ingest: through the rollups until the budget is spent, then raw rows only.
    let batch: Synthetic[] = [];
    let throughRollups = 0;
    let rawOnly = 0;
    const start = performance.now();
    let rollupMs = 0;
    let rawMs = 0;
    for (const e of events(world, EVENTS)) {
      batch.push(e);
      if (batch.length < BATCH) continue;
      const rollups = performance.now() - start < INGEST_SEC * 1000;
      const t = performance.now();
      await fixtures.loadSynthetic(batch, rollups);
      if (rollups) {
        rollupMs += performance.now() - t;
        throughRollups += batch.length;
      } else {
        rawMs += performance.now() - t;
        rawOnly += batch.length;
      }
      batch = [];
    }
    if (batch.length) {
      await fixtures.loadSynthetic(batch, false);
      rawOnly += batch.length;
    }
    await fixtures.analyze();
    const staff = { personId: 'p0', roles: ['staff' as const] };
    const rnd = prng(99);
    const end = t0 + SPAN_DAYS * DAY_MS;
    const window30 = () => {
      const from = t0 + Math.floor(rnd() * (SPAN_DAYS - 30)) * DAY_MS;
      return { fromMs: from, toMs: from + 30 * DAY_MS };
    };
    const session = () => `s${Math.floor(rnd() * 200)}`;
    const dashboard = GROUPS.has('dashboard');
    const queries: Record<string, number[]> = dashboard
      ? {
          channelFunnel: await time(QUERY_RUNS, () => metrics.channels(staff, { fromMs: t0, toMs: end })),
          sessionFunnel: await time(QUERY_RUNS, () => metrics.session(staff, session())),
          aarrr: await time(QUERY_RUNS, () => metrics.aarrr(staff, window30())),
        }
      : {};
    const baselines: Record<string, number[]> = dashboard
      ? {
          channelFunnel: await time(BASELINE_RUNS, () => fixtures.raw.channelFunnel(t0, end)),
          sessionFunnel: await time(BASELINE_RUNS * 4, () => fixtures.raw.sessionFunnel(session())),
          aarrr: await time(BASELINE_RUNS, () => {
            const w = window30();
            return fixtures.raw.aarrr(w.fromMs, w.toMs);
          }),
        }
      : {};
    if (GROUPS.has('followUps')) {
      const managers = [...followUpWorld.managers];
      const events = [...followUpWorld.eventChannels];
      const manager = () => {
        const [personId, channels] = managers[Math.floor(rnd() * managers.length)]!;
        const theirs = events.filter(([, cs]) => cs.some((c) => channels.includes(c)));
        const eventId = theirs.length > 0 ? theirs[Math.floor(rnd() * theirs.length)]![0] : undefined;
        return { actor: { personId, roles: ['channel_manager' as const] }, eventId };
      };
      const stage = () => STAGES[Math.floor(rnd() * STAGES.length)]!;
      const page = { limit: 50, offset: 0 };
      Object.assign(queries, {
        followUpManagerEventStage: await time(QUERY_RUNS, () => {
          const m = manager();
          return followUps.list(m.actor, { eventId: m.eventId, stage: stage(), ...page });
        }),
        followUpManagerAll: await time(QUERY_RUNS, () => followUps.list(manager().actor, page)),
        followUpStaffEventStage: await time(QUERY_RUNS, () =>
          followUps.list(staff, {
            eventId: events[Math.floor(rnd() * events.length)]![0],
            stage: stage(),
            ...page,
          }),
        ),
        followUpStaffAll: await time(QUERY_RUNS, () => followUps.list(staff, page)),
      });
    }
    const figures = Object.fromEntries(
      Object.entries(queries).map(([name, samples]) => {
        const base = baselines[name];
        return [
          name,
          {
            p50Ms: pct(samples, 50),
            p99Ms: pct(samples, 99),
            cpuMsPerQuery: cpuPerQuery.get(samples),
            ...(base && {
              baselineP50Ms: pct(base, 50),
              baselineP99Ms: pct(base, 99),
              speedupP50: Math.round((pct(base, 50) / Math.max(pct(samples, 50), 0.01)) * 10) / 10,
            }),
          },
        ];
      }),
    );
    return {
      store: kind,
      people: PEOPLE,
      events: throughRollups + rawOnly,
      eventsThroughRollups: throughRollups,
      ingestEventsPerSec: Math.round(throughRollups / (rollupMs / 1000)),
      rawLoadEventsPerSec: rawOnly ? Math.round(rawOnly / (rawMs / 1000)) : null,
      rollupRows: await fixtures.rollupRows(),
      queries: figures,
      loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
      allP99Under100Ms: Object.values(figures).every((f) => f.p99Ms < 100),
    };
  } finally {
    await core.close();
    await pg?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const results = [];
const alerts = [];
for (const kind of STORES) {
  if (GROUPS.has('dashboard') || GROUPS.has('followUps')) {
    const r = await runStore(kind);
    console.log(JSON.stringify(r));
    results.push(r);
  }
  if (GROUPS.has('alerts')) {
    const a = { ...(await alertLatency(kind, ALERT_READINGS)), loadAvg1m: os.loadavg()[0] };
    console.log(JSON.stringify({ alerts: a }));
    alerts.push(a);
  }
}
console.log(
  JSON.stringify({
    loadAvg: os.loadavg(),
    summary: results.map((r) => ({
      store: r.store,
      ingestEventsPerSec: r.ingestEventsPerSec,
      ...Object.fromEntries(
        Object.entries(r.queries).map(([k, v]) => [
          k,
          `${v.p50Ms}/${v.p99Ms} ms${v.baselineP50Ms === undefined ? '' : ` (raw ${v.baselineP50Ms} ms)`}`,
        ]),
      ),
    })),
    alerts: alerts.map((a) => ({
      store: a.store,
      readingToExpertFrame: `${a.publishToExpertFrameP50Ms}/${a.publishToExpertFrameP99Ms} ms`,
      nodeCpuMsPerAlert: a.nodeCpuMsPerAlert,
    })),
  }),
);
