// The mediasoup worker pool on this process's configured ports (a default port that is taken moves to
// the next free one, with a warning): shared by the all-in-one platform and a separate media node.
import type { Logger } from 'pino';
import { WorkerPool } from '../../media/index.ts';
import type { PlatformConfig } from '../config.ts';
import { type ResolvedPort, resolvePort } from '../ports.ts';

export async function resolveMediaPorts(config: PlatformConfig, logger: Logger): Promise<ResolvedPort[]> {
  const ports: ResolvedPort[] = [];
  const taken = new Set<number>();
  for (let i = 0; i < config.media.workers; i++) {
    const setting = {
      ...config.media.basePort,
      port: config.media.basePort.port && config.media.basePort.port + i,
    };
    const p = await resolvePort(setting, `media worker ${i}`, {
      host: config.media.listenIp,
      udp: true,
      avoid: taken,
    });
    if (p.movedFrom !== undefined) {
      logger.warn(
        { what: `media worker ${i}`, requested: p.movedFrom, port: p.port },
        `default media worker ${i} port is taken; using the next free port`,
      );
    }
    taken.add(p.port);
    ports.push(p);
  }
  return ports;
}

export function mediaWorkerPool(config: PlatformConfig, ports: ResolvedPort[], logger: Logger): WorkerPool {
  return new WorkerPool({
    ports: ports.map((p) => p.port),
    listenIp: config.media.listenIp,
    announcedAddress: config.media.announcedAddress,
    rtcMinPort: config.media.rtcMinPort,
    rtcMaxPort: config.media.rtcMaxPort,
    logLevel: config.media.logLevel,
    logger,
  });
}
