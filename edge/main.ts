// Standalone edge at a venue: the broker + journal, forwarding to the core over HTTP.
//   npm run edge -- --core-url https://core.example --token <edge token> [--data-dir ./data-edge]
//                   [--host 0.0.0.0] [--port 1883] [--max-journal-rows 1000000]
//                   [--mqtt-max-connect-bytes 2048] [--mqtt-max-packet-bytes 8192]
//                   [--mqtt-connect-timeout-ms 5000] [--mqtt-max-pending-connections 100]
//                   [--mqtt-connects-per-ip-per-sec 20]
//                   [--quarantine-max-per-device-per-min 60] [--quarantine-max-bytes 67108864]
//                   [--quarantine-max-age-ms 2592000000] [--quarantine-flush-ms 100]
//   (each quarantine option may also come from the environment variable of the same name in capitals,
//   e.g. QUARANTINE_MAX_BYTES, as on the platform)
//   npm run edge -- register-device <id> <kind> <location>   (prints the secret once)
//   npm run edge -- rotate-secret <id>
// This is the edge process's composition root and its only reader of arguments and environment.
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { openEdgeDb } from './db.ts';
import { DeviceRegistry } from './devices.ts';
import { Edge } from './edge.ts';
import { HttpReadingSink } from './http-sink.ts';

export const EDGE_DEFAULTS = {
  host: '0.0.0.0',
  port: 1883,
  dataDir: './data-edge',
  maxJournalRows: 1_000_000,
  logLevel: 'info',
  // MQTT connection limits, the same settings and defaults as the platform's MQTT_* (gateway/config.ts).
  /** Largest CONNECT packet (remaining length) before authentication, bytes; 0 disables. 2 KiB. */
  mqttMaxConnectBytes: 2048,
  /** Largest packet after CONNECT, bytes; 0 disables. 8 KiB: a reading payload over the 1 KiB
   * readings limit but under this cap is still acknowledged and quarantined. */
  mqttMaxPacketBytes: 8192,
  /** Time from accepting a connection to its successful CONNACK, ms; 0 disables. 5 s. */
  mqttConnectTimeoutMs: 5000,
  /** Connections accepted and not yet acknowledged at once; 0 disables. */
  mqttMaxPendingConnections: 100,
  /** New connections per remote address per second; 0 disables. */
  mqttConnectsPerIpPerSec: 20,
  // The quarantine of refused readings, as on the platform (gateway/config.ts).
  /** Refused readings stored per device per minute; the excess is counted, not stored. 0 disables. */
  quarantineMaxPerDevicePerMin: 60,
  /** Disk the quarantine may use, bytes (64 MiB); the oldest entries go first. 0 disables. */
  quarantineMaxBytes: 67_108_864,
  /** Quarantined readings older than this are deleted, ms (30 days). 0 disables. */
  quarantineMaxAgeMs: 2_592_000_000,
  /** Quarantine entries are written together, with one fsync, once per this interval, ms. */
  quarantineFlushMs: 100,
};

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'core-url': { type: 'string' },
    token: { type: 'string' },
    'data-dir': { type: 'string', default: EDGE_DEFAULTS.dataDir },
    host: { type: 'string', default: EDGE_DEFAULTS.host },
    port: { type: 'string', default: String(EDGE_DEFAULTS.port) },
    'max-journal-rows': { type: 'string', default: String(EDGE_DEFAULTS.maxJournalRows) },
    'log-level': { type: 'string', default: EDGE_DEFAULTS.logLevel },
    'mqtt-max-connect-bytes': { type: 'string', default: String(EDGE_DEFAULTS.mqttMaxConnectBytes) },
    'mqtt-max-packet-bytes': { type: 'string', default: String(EDGE_DEFAULTS.mqttMaxPacketBytes) },
    'mqtt-connect-timeout-ms': { type: 'string', default: String(EDGE_DEFAULTS.mqttConnectTimeoutMs) },
    'mqtt-max-pending-connections': {
      type: 'string',
      default: String(EDGE_DEFAULTS.mqttMaxPendingConnections),
    },
    'mqtt-connects-per-ip-per-sec': {
      type: 'string',
      default: String(EDGE_DEFAULTS.mqttConnectsPerIpPerSec),
    },
    'quarantine-max-per-device-per-min': { type: 'string' },
    'quarantine-max-bytes': { type: 'string' },
    'quarantine-max-age-ms': { type: 'string' },
    'quarantine-flush-ms': { type: 'string' },
  },
});

const dataDir = values['data-dir']!;
const [command, ...rest] = positionals;

if (command === 'register-device' || command === 'rotate-secret') {
  const db = openEdgeDb(dataDir);
  const registry = new DeviceRegistry(db);
  const [id, kind = 'unknown', location = ''] = rest;
  const secret = id
    ? command === 'register-device'
      ? registry.register(id, kind, location)
      : registry.rotate(id)
    : undefined;
  db.close();
  if (!secret) {
    process.stderr.write(`${command}: failed (missing, taken or unknown id)\n`);
    process.exit(1);
  }
  process.stdout.write(`${secret}\n`);
  process.exit(0);
}

const coreUrl = values['core-url'];
const token = values.token ?? process.env.EDGE_TOKEN;
if (!coreUrl || !token) {
  process.stderr.write('usage: edge --core-url URL --token TOKEN (or EDGE_TOKEN) [--data-dir DIR]\n');
  process.exit(2);
}
const port = Number(values.port);
const maxRows = Number(values['max-journal-rows']);
if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isInteger(maxRows) || maxRows < 1) {
  process.stderr.write('edge: --port and --max-journal-rows must be integers\n');
  process.exit(2);
}

const limitFlags = [
  'mqtt-max-connect-bytes',
  'mqtt-max-packet-bytes',
  'mqtt-connect-timeout-ms',
  'mqtt-max-pending-connections',
  'mqtt-connects-per-ip-per-sec',
] as const;
const [maxConnectBytes, maxPacketBytes, connectTimeoutMs, maxPendingConnections, connectsPerIpPerSec] =
  limitFlags.map((flag) => {
    const v = Number(values[flag]);
    if (!Number.isInteger(v) || v < 0) {
      process.stderr.write(`edge: --${flag} must be an integer ≥ 0\n`);
      process.exit(2);
    }
    return v;
  }) as [number, number, number, number, number];
/** An integer setting from its option, else its environment variable, else its default. */
function setting(option: string, fallback: number, min: number, max: number): number {
  const env = option.toUpperCase().replaceAll('-', '_');
  const raw = (values as Record<string, string | undefined>)[option] ?? process.env[env];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    process.stderr.write(`edge: --${option} (${env}) must be an integer in ${min}..${max}\n`);
    process.exit(2);
  }
  return value;
}
const quarantine = {
  maxPerDevicePerMin: setting(
    'quarantine-max-per-device-per-min',
    EDGE_DEFAULTS.quarantineMaxPerDevicePerMin,
    0,
    1_000_000,
  ),
  maxBytes: setting('quarantine-max-bytes', EDGE_DEFAULTS.quarantineMaxBytes, 0, 2 ** 40),
  maxAgeMs: setting('quarantine-max-age-ms', EDGE_DEFAULTS.quarantineMaxAgeMs, 0, 3650 * 86_400_000),
  flushMs: setting('quarantine-flush-ms', EDGE_DEFAULTS.quarantineFlushMs, 1, 60_000),
};

const logger = pino({ level: values['log-level']! });
const edge = new Edge({
  host: values.host!,
  port,
  dataDir,
  logger,
  sink: new HttpReadingSink(coreUrl, token),
  journal: { maxRows },
  mqttLimits: {
    maxConnectBytes,
    maxPacketBytes,
    connectTimeoutMs,
    maxPendingConnections,
    connectsPerIpPerSec,
  },
  quarantine,
});
await edge.start();
process.stdout.write(`${JSON.stringify({ ready: true, port: edge.port })}\n`);

const report = setInterval(() => {
  const h = edge.health();
  logger.info(
    { clients: h.clients, journalDepth: h.journalDepth, oldestUnforwardedAgeMs: h.oldestUnforwardedAgeMs },
    'edge status',
  );
}, 60_000);
report.unref();

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    clearInterval(report);
    edge.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
