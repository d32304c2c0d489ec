// Port resolution for the composition root: a default port that is taken moves to the next free one
// (with a warning, reported by /healthz); an explicitly configured port that is taken is a start-up error.
import dgram from 'node:dgram';
import net from 'node:net';
import { VitaliveError } from '../protocols/index.ts';
import type { PortSetting } from './config.ts';

/** How far past a taken default port we look before giving up. */
const MAX_PORT_PROBES = 100;

export interface ResolvedPort {
  port: number;
  requested: number;
  movedFrom?: number;
}

function tcpFree(port: number, host: string): Promise<number | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(null));
    server.listen({ port, host, exclusive: true }, () => {
      const actual = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(actual));
    });
  });
}

function udpFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.unref();
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ port, address: host, exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

async function probe(port: number, host: string, udp: boolean): Promise<number | null> {
  const actual = await tcpFree(port, host);
  if (actual === null) return null;
  if (udp && !(await udpFree(actual, host))) return null;
  return actual;
}

/**
 * Finds the port to listen on. `udp` also requires the UDP port (mediasoup WebRtcServer uses both).
 * `avoid` lists ports already handed out in this process.
 */
export async function resolvePort(
  setting: PortSetting,
  what: string,
  opts: { host: string; udp?: boolean; avoid?: Set<number> },
): Promise<ResolvedPort> {
  const udp = opts.udp ?? false;
  const avoid = opts.avoid ?? new Set<number>();
  if (setting.port === 0) {
    for (let i = 0; i < MAX_PORT_PROBES; i++) {
      const found = await probe(0, opts.host, udp);
      if (found !== null && !avoid.has(found)) return { port: found, requested: 0 };
    }
    throw new VitaliveError('SERVICE_UNAVAILABLE', { what: `a free port for ${what}` });
  }
  for (
    let candidate = setting.port;
    candidate < setting.port + MAX_PORT_PROBES && candidate <= 65535;
    candidate++
  ) {
    const free = !avoid.has(candidate) && (await probe(candidate, opts.host, udp)) !== null;
    if (free) {
      return candidate === setting.port
        ? { port: candidate, requested: setting.port }
        : { port: candidate, requested: setting.port, movedFrom: setting.port };
    }
    if (setting.explicit) throw new VitaliveError('PORT_IN_USE', { port: candidate, what });
  }
  throw new VitaliveError('SERVICE_UNAVAILABLE', { what: `a free port for ${what} near ${setting.port}` });
}
