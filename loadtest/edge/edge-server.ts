// The edge under benchmark, in its own process (so its RSS is its own): the Edge with commerce's
// Readings on SQLite as the in-process sink (the all-in-one path), or a sink that discards (argv[4] =
// 'discard'). Prints a JSON stats line every 500 ms.
import { pino } from 'pino';
import { Readings, Store } from '../../commerce/index.ts';
import { Edge } from '../../edge/index.ts';

const [dataDir, port, sinkKind = 'commerce'] = [process.argv[2]!, Number(process.argv[3]), process.argv[4]];
const logger = pino({ level: 'warn' });
const store = await Store.open({ dataDir, databaseUrl: undefined, logger, poolSize: 1 });
const readings = new Readings(store);
const edge = new Edge({
  host: '127.0.0.1',
  port,
  dataDir,
  logger,
  // 'discard' leaves commerce out, to tell the edge's own cost from the ingest's.
  sink:
    sinkKind === 'discard'
      ? { write: async () => {} }
      : { write: async (batch) => void (await readings.ingest(batch)) },
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
    .then(() => store.close())
    .then(() => process.exit(0));
});
