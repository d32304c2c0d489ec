// The edge under benchmark, in its own process (so its RSS is its own), composed with the platform's
// builders: the Edge with commerce's readings on SQLite as the in-process sink (the all-in-one path), or
// a sink that discards (argv[4] = 'discard'). Prints a JSON stats line every 500 ms.
import { pino } from 'pino';
import { buildEdge, commerceSink } from '../../gateway/compose/edge.ts';
import { openCommerce } from '../../gateway/compose/services.ts';

const [dataDir, port, sinkKind = 'commerce'] = [process.argv[2]!, Number(process.argv[3]), process.argv[4]];
const logger = pino({ level: 'warn' });
const core = await openCommerce({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, logger);
const edge = buildEdge({
  host: '127.0.0.1',
  port,
  dataDir,
  logger,
  // 'discard' leaves commerce out, to tell the edge's own cost from the ingest's.
  sink: sinkKind === 'discard' ? { write: async () => {} } : commerceSink(core.commerce),
});
await edge.start();
process.stdout.write(`${JSON.stringify({ ready: true, port: edge.port })}\n`);
setInterval(() => {
  const h = edge.health();
  const cpu = process.cpuUsage();
  process.stdout.write(
    `${JSON.stringify({
      t: Date.now(),
      forwarded: h.forwarded,
      accepted: edge.journal.accepted,
      depth: h.journalDepth,
      clients: h.clients,
      rssMb: Math.round(process.memoryUsage().rss / 1e6),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    })}\n`,
  );
}, 500);
process.on('SIGTERM', () => {
  void edge
    .close()
    .then(() => core.close())
    .then(() => process.exit(0));
});
