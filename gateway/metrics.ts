// GET /metrics in Prometheus text format: process figures, coded HTTP refusals by code, plus the SFU's
// per-worker and per-room gauges, refreshed from mediasoup's stats on each scrape. One registry per
// platform instance. On the public port it answers only to the monitoring bearer token (METRICS_TOKEN);
// the loopback monitoring port (METRICS_PORT) serves the same text through `scrape`.

import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { OrderCounters } from '../commerce/index.ts';
import type { LiveRooms } from '../media/index.ts';
import { VitaliveError } from '../protocols/index.ts';
import type { App } from './http-app.ts';
import { errorCountsOf } from './http-errors.ts';
import { requireMonitoringToken } from './monitoring.ts';
import type { SocketCounters } from './sockets/validate.ts';

/** The broker's connection figures (its health), wherever it runs. */
export interface MqttFigures {
  clients?: number;
  pending?: number;
  restarts?: number;
  /** Connections closed by a limit since the broker process started, by error code. */
  refused?: Record<string, number>;
}

export interface MetricsSources {
  rooms: LiveRooms;
  /** Socket payload counters of the /media namespace. */
  mediaSockets: SocketCounters;
  /** The embedded MQTT broker, when this node runs one. */
  mqtt?: (() => Promise<MqttFigures>) | undefined;
  /** The embedded edge's reading counters; absent on nodes without one. */
  edge?: (() => Promise<EdgeReadingCounters>) | undefined;
  /** Order placement refusals, orphaned payments, stock-gate releases. */
  orders?: OrderCounters | undefined;
  /** Product photos on this node's disk. */
  images?: (() => Promise<{ files: number; bytes: number }>) | undefined;
  /** Live recordings and replays on this node's disk. */
  recordings?: (() => Promise<RecordingFigures>) | undefined;
  /** Counters of /live, /host and /staff (refusals by code, repeated card events), once registered. */
  realtimeSockets?: (() => SocketCounters | undefined) | undefined;
}

/** DATA_DIR/recordings: disk use, and (where lives are recorded) what is being recorded and transcoded. */
export interface RecordingFigures {
  sessions: number;
  files: number;
  bytes: number;
  recording?: number | undefined;
  replayQueue?: number | undefined;
}

/** Readings refused at the edge or by the core (see edge/quarantine.ts and edge/forwarder.ts). */
export interface EdgeReadingCounters {
  quarantined: number;
  quarantineStored: number;
  quarantineDropped: number;
  quarantineBytes: number;
  refusedByCore: number;
}

export interface MetricsScrape {
  contentType: string;
  text: string;
}

export function registerMetrics(
  app: App,
  sources: MetricsSources,
): { register: Registry; scrape: () => Promise<MetricsScrape> } {
  const register = new Registry();
  collectDefaultMetrics({ register, prefix: 'vitalive_' });
  const errorCounts = errorCountsOf(app);
  new Counter({
    name: 'vitalive_http_errors_total',
    help: 'Coded HTTP error answers (refusals included), by registry code',
    labelNames: ['code'] as const,
    registers: [register],
    // The error handler counts in a plain map (no prom-client on the request path); copied per scrape.
    collect() {
      this.reset();
      for (const [code, n] of errorCounts) this.inc({ code }, n);
    },
  });
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
  const e = (name: string, help: string) =>
    new Gauge({ name: `vitalive_edge_${name}`, help, registers: [register] });
  const edgeGauges = sources.edge
    ? {
        quarantined: e('quarantined', 'Readings refused since start (edge checks or the core)'),
        quarantineStored: e('quarantine_stored', 'Refused readings written to the quarantine'),
        quarantineDropped: e('quarantine_dropped', 'Refused readings over the per-device cap, not stored'),
        quarantineBytes: e('quarantine_bytes', 'Disk used by the quarantine'),
        refusedByCore: e('readings_refused_by_core', 'Forwarded readings the core refused (quarantined)'),
      }
    : undefined;

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
  const staffFailures = new Gauge({
    name: 'vitalive_staff_audience_failures',
    help: '/staff stream audiences whose figures could not be computed in a tick (the others were sent)',
    registers: [register],
  });

  // Orders and payments: what was refused or set aside since start.
  const o = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge({ name: `vitalive_${name}`, help, labelNames, registers: [register] });
  const ordersRefused = o('orders_refused', 'Order placements refused, per error code', ['code']);
  const paymentsOrphaned = o('payments_orphaned', 'Verified payments no order could take (to refund)', []);
  const gateReleases = o('stock_gate_releases', 'Placements that gave units back to the stock gate', []);

  const m = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge({ name: `vitalive_mqtt_${name}`, help, labelNames, registers: [register] });
  const mqttClients = m('clients', 'MQTT clients connected and authenticated', []);
  const mqttPending = m('pending_connections', 'MQTT connections accepted and not yet acknowledged', []);
  const mqttRefused = m('refused_connections', 'MQTT connections closed by a limit, by error code', ['code']);
  const mqttRestarts = m('broker_restarts', 'Times the broker child process died and was restarted', []);

  const imageFiles = o('image_files', 'Product photo files under DATA_DIR/images', []);
  const imageBytes = o('image_bytes', 'Bytes of product photo files under DATA_DIR/images', []);

  const recordingSessions = o(
    'recording_sessions',
    'Sessions with a recording under DATA_DIR/recordings',
    [],
  );
  const recordingBytes = o(
    'recording_bytes',
    'Bytes of recordings and replays under DATA_DIR/recordings',
    [],
  );
  const recordingActive = o('recording_active', 'Lives being recorded now on this node', []);
  const replayQueue = o('replay_queue', 'Replays waiting for or in their transcode job', []);

  async function scrape(): Promise<MetricsScrape> {
    if (sources.recordings) {
      const r = await sources.recordings().catch(() => undefined);
      if (r) {
        recordingSessions.set(r.sessions);
        recordingBytes.set(r.bytes);
        recordingActive.set(r.recording ?? 0);
        replayQueue.set(r.replayQueue ?? 0);
      }
    }
    if (sources.images) {
      const u = await sources.images().catch(() => undefined);
      if (u) {
        imageFiles.set(u.files);
        imageBytes.set(u.bytes);
      }
    }
    if (sources.mqtt) {
      const f = await sources.mqtt().catch(() => ({}) as MqttFigures);
      mqttClients.set(f.clients ?? 0);
      mqttPending.set(f.pending ?? 0);
      mqttRestarts.set(f.restarts ?? 0);
      for (const [code, n] of Object.entries(f.refused ?? {})) mqttRefused.set({ code }, n);
    }
    const realtime = sources.realtimeSockets?.();
    for (const [group, counters] of [
      ['media', sources.mediaSockets],
      ['realtime', realtime],
    ] as const) {
      for (const [code, n] of Object.entries(counters?.refusals ?? {}))
        refusals.set({ sockets: group, code }, n);
    }
    if (realtime) {
      repeated.set(realtime.repeatedCardEvents);
      staffFailures.set(realtime.staffAudienceFailures);
    }
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
    if (sources.orders) {
      for (const [code, n] of Object.entries(sources.orders.refused)) ordersRefused.set({ code }, n);
      paymentsOrphaned.set(sources.orders.orphanedPayments);
      gateReleases.set(sources.orders.gateReleases);
    }
    if (edgeGauges && sources.edge) {
      const c = await sources.edge();
      for (const key of Object.keys(edgeGauges) as (keyof EdgeReadingCounters)[]) edgeGauges[key].set(c[key]);
    }
    return { contentType: register.contentType, text: await register.metrics() };
  }
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    // Without a token configured, /metrics is not served on the public port at all.
    const token = app.monitoringToken;
    if (token === undefined) throw new VitaliveError('NOT_FOUND', { what: 'GET /metrics' });
    requireMonitoringToken(request.headers.authorization, token);
    const { contentType, text } = await scrape();
    return reply.type(contentType).send(text);
  });
  return { register, scrape };
}
