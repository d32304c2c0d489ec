// CPU time of the PostgreSQL server's processes during a scenario, from the kernel's per-process
// counters (/proc/<pid>/stat): the connections to the scenario's database plus the server's own
// processes (postmaster, WAL writer, checkpointer, background writer…). Connections to other
// databases of the same server are left out, so other work on a shared machine stays off the meter.
// Work moved into a server-side function is counted here. Linux only; NaN elsewhere.
import fs from 'node:fs';

interface PgProcess {
  pid: number;
  cpuMs: number;
}

/** Clock ticks are 10 ms on Linux (USER_HZ = 100). */
const TICK_MS = 10;

function postgresProcesses(database: string): PgProcess[] {
  const out: PgProcess[] = [];
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm !== 'postgres') continue;
      const title = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      // A client connection's title names its database: "postgres: 15/main: user db host(port) state".
      const isClient = /\d+\.\d+\.\d+\.\d+\(\d+\)|\[local\]/.test(title);
      if (isClient && !title.includes(` ${database} `)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(pid), cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return out;
}

/** Starts measuring; the returned function gives the CPU ms the server spent for `database` since. */
export function pgCpuMeter(database: string | undefined): () => number {
  if (!database) return () => 0;
  const before = new Map(postgresProcesses(database).map((p) => [p.pid, p.cpuMs]));
  if (before.size === 0) return () => Number.NaN;
  return () => {
    let ms = 0;
    // Connections opened during the scenario count from zero.
    for (const p of postgresProcesses(database)) ms += p.cpuMs - (before.get(p.pid) ?? 0);
    return ms;
  };
}
