// GET /metrics in Prometheus text format: process figures plus the SFU's per-worker and per-room
// gauges, refreshed from mediasoup's stats on each scrape. One registry per platform instance.

import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { LiveRooms } from '../media/index.ts';
import type { App } from './http-app.ts';
import type { SocketCounters } from './sockets/validate.ts';

export interface MetricsSources {
  rooms: LiveRooms;
  /** Socket payload counters of the /media namespace. */
  mediaSockets: SocketCounters;
  /** Counters of /live, /host and /staff (refusals by code, repeated card events), once registered. */
  realtimeSockets?: (() => SocketCounters | undefined) | undefined;
}

export function registerMetrics(app: App, sources: MetricsSources): Registry {
  const register = new Registry();
  collectDefaultMetrics({ register, prefix: 'vitalive_' });
  const w = ['worker'] as const;
  const r = ['session'] as const;
  const g = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge({ name: `vitalive_media_${name}`, help, labelNames, registers: [register] });
  const workerUp = g('worker_up', 'Worker running (1) or not (0)', w);
  const workerConsumers = g('worker_consumers', 'Consumers on the worker', w);
  const workerCpu = g('worker_cpu_percent', 'Share of one core since the previous scrape', w);
  const workerDeaths = g('worker_deaths', 'Times the worker in this slot died', w);
  const rooms = g('rooms', 'Live rooms open on this node', []);
  const producers = g('room_producers', 'Host producers', r);
  const consumers = g('room_consumers', 'Viewer consumers', r);
  const routers = g('room_routers', 'Routers (origin + fan-out)', r);
  const bitrateIn = g('room_bitrate_in_bps', 'Bitrate received from the host', r);
  const bitrateOut = g('room_bitrate_out_bps', 'Bitrate sent to viewers', r);
  const loss = g('room_loss_fraction', 'Mean fraction lost reported by viewers', r);
  const rtt = g('room_rtt_ms', 'Mean round-trip time to viewers', r);
  const invalid = g('socket_invalid_payloads', '/media payloads rejected by validation', []);
  const unknown = g('socket_unknown_events', '/media events nobody handles', []);

  // Refusals (budgets, access checks) per namespace group and error code.
  const refusals = new Gauge({
    name: 'vitalive_socket_refusals',
    help: 'Socket requests answered with a coded error, by namespace group and code',
    labelNames: ['sockets', 'code'] as const,
    registers: [register],
  });
  const repeated = new Gauge({
    name: 'vitalive_live_repeated_card_events',
    help: 'Impressions and clicks not counted again within their window (same viewer and card)',
    registers: [register],
  });

  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    const realtime = sources.realtimeSockets?.();
    for (const [group, counters] of [
      ['media', sources.mediaSockets],
      ['realtime', realtime],
    ] as const) {
      for (const [code, n] of Object.entries(counters?.refusals ?? {}))
        refusals.set({ sockets: group, code }, n);
    }
    if (realtime) repeated.set(realtime.repeatedCardEvents);
    const stats = await sources.rooms.stats();
    for (const gauge of [producers, consumers, routers, bitrateIn, bitrateOut, loss, rtt]) gauge.reset();
    for (const s of stats.workers) {
      const labels = { worker: String(s.index) };
      workerUp.set(labels, s.state === 'ok' ? 1 : 0);
      workerConsumers.set(labels, s.consumers);
      workerCpu.set(labels, s.cpuPercent);
      workerDeaths.set(labels, s.deaths);
    }
    rooms.set(stats.rooms.length);
    for (const s of stats.rooms) {
      const labels = { session: s.sessionId };
      producers.set(labels, s.producers);
      consumers.set(labels, s.consumers);
      routers.set(labels, s.routers);
      bitrateIn.set(labels, s.bitrateInBps);
      bitrateOut.set(labels, s.bitrateOutBps);
      loss.set(labels, s.lossFraction);
      rtt.set(labels, s.rttMs);
    }
    invalid.set(sources.mediaSockets.invalidPayloads);
    unknown.set(sources.mediaSockets.unknownEvents);
    return reply.type(register.contentType).send(await register.metrics());
  });
  return register;
}
