// CPU time spent by the platform process and by the driver during a scenario: on a machine shared with
// other work, throughput follows the share of the cores a run happens to get, while CPU time per
// request is what the code costs. Linux /proc; NaN elsewhere.
import fs from 'node:fs';

/** User + system CPU ms of a process so far (clock ticks of 10 ms). */
function processCpuMs(pid: number | undefined): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Starts measuring; the returned function gives µs of CPU per request for the server and this driver. */
export function cpuMeter(serverPid: number | undefined): (requests: number) => {
  serverCpuUsPerRequest: number;
  driverCpuUsPerRequest: number;
} {
  const server0 = processCpuMs(serverPid);
  const driver0 = process.cpuUsage();
  return (requests) => {
    const serverMs = processCpuMs(serverPid) - server0;
    const d = process.cpuUsage(driver0);
    const per = (us: number) => Math.round(us / Math.max(1, requests));
    return {
      serverCpuUsPerRequest: per(serverMs * 1000),
      driverCpuUsPerRequest: per(d.user + d.system),
    };
  };
}
