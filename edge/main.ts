// Standalone edge at a venue: the broker + journal, forwarding to the core over HTTP.
//   npm run edge -- --core-url https://core.example --token <edge token> [--data-dir ./data-edge]
//                   [--host 0.0.0.0] [--port 1883] [--max-journal-rows 1000000]
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

const logger = pino({ level: values['log-level']! });
const edge = new Edge({
  host: values.host!,
  port,
  dataDir,
  logger,
  sink: new HttpReadingSink(coreUrl, token),
  journal: { maxRows },
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
