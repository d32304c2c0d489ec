// One benchmark driver process: reads {url, devices, window, durationMs} as JSON from argv[2], runs the
// fleet and prints one JSON line with counts and latencies (sorted, sampled) for the parent.
import { runFleet } from './fleet.ts';

const opts = JSON.parse(process.argv[2]!);
const cpu0 = process.cpuUsage();
const r = await runFleet({ ...opts, rate: 0 });
const cpu = process.cpuUsage(cpu0);
const sorted = r.latenciesMs.sort((a, b) => a - b);
const step = Math.max(1, Math.floor(sorted.length / 2000));
process.stdout.write(
  `${JSON.stringify({ ...r, cpuMs: (cpu.user + cpu.system) / 1000, latenciesMs: sorted.filter((_, i) => i % step === 0) })}\n`,
  () => process.exit(0),
);
