// npm run bench:edge: 1,000 simulated devices on loopback, QoS 1, against the edge (auth + validation +
// journal before PUBACK + forwarding into commerce's readings on SQLite), then the same drivers against
// a Mosquitto started on a free port as the baseline. Prints one JSON object.
//   --devices 1000 --drivers 2 --seconds 20 --window 4 [--sink commerce|discard] [--cpu-prof-dir DIR]
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { provisionDevices } from '../../gateway/index.ts';
import { freePort } from '../clients/ports.ts';
import { compiledNode } from '../compiled.ts';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000' },
    drivers: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '20' },
    window: { type: 'string', default: '4' },
    // commerce: forward into commerce's readings on SQLite (all-in-one path); discard: edge cost alone.
    sink: { type: 'string', default: 'commerce' },
    // Writes a V8 CPU profile of the edge process into this directory.
    'cpu-prof-dir': { type: 'string' },
  },
});
const DEVICES = Number(values.devices);
const DRIVERS = Number(values.drivers);
const DURATION_MS = Number(values.seconds) * 1000;
const WINDOW = Number(values.window);

type DriverResult = {
  connected: number;
  sent: number;
  acked: number;
  elapsedMs: number;
  cpuMs: number;
  latenciesMs: number[];
};

/** CPU time (user + system) a process has used so far, from /proc (loopback benches run on Linux). */
function procCpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in 1/100 s ticks
}

async function runDrivers(url: string, devices: { id: string; secret?: string }[]): Promise<DriverResult[]> {
  const per = Math.ceil(devices.length / DRIVERS);
  return Promise.all(
    Array.from({ length: DRIVERS }, (_, d) => {
      const arg = JSON.stringify({
        url,
        devices: devices.slice(d * per, (d + 1) * per),
        window: WINDOW,
        durationMs: DURATION_MS,
      });
      const child = spawn(process.execPath, ['--import', 'tsx', 'loadtest/edge/driver.ts', arg], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
      });
      return new Promise<DriverResult>((resolve, reject) =>
        child.once('exit', (code) =>
          code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`driver ${code}`)),
        ),
      );
    }),
  );
}

function summarise(results: DriverResult[]) {
  const lat = results.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  const q = (p: number) =>
    Math.round((lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0) * 100) / 100;
  const acked = results.reduce((a, r) => a + r.acked, 0);
  const elapsed = Math.max(...results.map((r) => r.elapsedMs));
  return {
    connected: results.reduce((a, r) => a + r.connected, 0),
    acked,
    ackedPerSec: Math.round(acked / (elapsed / 1000)),
    pubackP50Ms: q(0.5),
    pubackP99Ms: q(0.99),
    driverCpuUsPerMsg: Math.round((results.reduce((a, r) => a + r.cpuMs, 0) * 1000) / acked),
  };
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-edge-'));
const devices = provisionDevices(
  dataDir,
  Array.from({ length: DEVICES }, (_, i) => `bench-${i}`),
  'scale',
  'bench',
);

const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

// 1. The edge.
const edgePort = await freePort();
// Compiled, as `npm run edge` runs it: the TypeScript loader stays out of the edge's RSS and CPU.
const edge = await compiledNode('loadtest/edge/edge-server.ts', [dataDir, String(edgePort), values.sink!], {
  nodeArgs: values['cpu-prof-dir'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof-dir']}`] : [],
  stdio: ['ignore', 'pipe', 'inherit'],
});
children.push(edge);
const stats: {
  t: number;
  forwarded: number;
  accepted: number;
  depth: number;
  rssMb: number;
  cpuMs: number;
}[] = [];
await new Promise<void>((resolve) => {
  readline.createInterface({ input: edge.stdout! }).on('line', (l) => {
    const m = JSON.parse(l);
    if (m.ready) resolve();
    else stats.push(m);
  });
});
const edgeResults = await runDrivers(`mqtt://127.0.0.1:${edgePort}`, devices);
const edgeSummary = summarise(edgeResults);
// Let the forwarder finish, then read the window where devices were publishing.
await new Promise((r) => setTimeout(r, 1500));
const last = stats[stats.length - 1]!;
const afterConnect = stats.find((s) => s.accepted > 0) ?? stats[0]!;
const publishEnd = stats.filter((s) => s.t <= afterConnect.t + DURATION_MS).at(-1) ?? last;
const forwardedInWindow = publishEnd.forwarded - afterConnect.forwarded;
const windowSec = (publishEnd.t - afterConnect.t) / 1000;
const peakRss = Math.max(...stats.map((s) => s.rssMb));
const edgeCpuUsPerReading = Math.round(
  ((publishEnd.cpuMs - afterConnect.cpuMs) * 1000) / Math.max(1, forwardedInWindow),
);
edge.kill('SIGTERM');

// 2. Mosquitto, same drivers, no auth, no processing.
const mqPort = await freePort();
const mosquitto = spawn('mosquitto', ['-p', String(mqPort)], { stdio: 'ignore' });
children.push(mosquitto);
await new Promise((r) => setTimeout(r, 500));
const mqCpu0 = procCpuMs(mosquitto.pid!);
const mqSummary = summarise(
  await runDrivers(
    `mqtt://127.0.0.1:${mqPort}`,
    devices.map((d) => ({ id: d.id })),
  ),
);
const mqCpuUsPerMsg = Math.round(((procCpuMs(mosquitto.pid!) - mqCpu0) * 1000) / mqSummary.acked);
mosquitto.kill('SIGTERM');

const readingsPerSec = Math.round(forwardedInWindow / windowSec);
process.stdout.write(
  `${JSON.stringify(
    {
      devices: DEVICES,
      drivers: DRIVERS,
      windowPerDevice: WINDOW,
      seconds: DURATION_MS / 1000,
      sink: values.sink,
      cpus: os.availableParallelism(),
      edge: {
        readingsPerSec,
        ...edgeSummary,
        journalDepthAtEnd: last.depth,
        forwardedTotal: last.forwarded,
        acceptedTotal: last.accepted,
        edgeRssMb: peakRss,
        edgeCpuUsPerReading,
      },
      mosquitto: { ...mqSummary, brokerCpuUsPerMsg: mqCpuUsPerMsg },
      ratioVsMosquitto: Math.round((readingsPerSec / mqSummary.ackedPerSec) * 100) / 100,
    },
    null,
    2,
  )}\n`,
);
fs.rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
