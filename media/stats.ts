// Media figures: per room (producers, consumers, bitrate in/out, loss, RTT) from mediasoup's own
// stats, and per worker (consumers, CPU share from the worker's resource usage between two samples).
import type { LiveRoom } from './live-room.ts';
import type { WorkerSlot, WorkerSlotState } from './worker-pool.ts';

export interface RoomStats {
  sessionId: string;
  producers: number;
  consumers: number;
  routers: number;
  bitrateInBps: number;
  bitrateOutBps: number;
  /** Mean fraction of packets lost as reported by receivers (0..1). */
  lossFraction: number;
  /** Mean round-trip time to receivers, ms; 0 when no receiver reported one yet. */
  rttMs: number;
}

export interface WorkerStats {
  index: number;
  pid: number | undefined;
  state: WorkerSlotState;
  deaths: number;
  consumers: number;
  routers: number;
  /** Share of one core used since the previous sample (0..100). */
  cpuPercent: number;
}

export interface MediaStats {
  rooms: RoomStats[];
  workers: WorkerStats[];
}

export async function roomStats(room: LiveRoom): Promise<RoomStats> {
  const { producers, consumers } = room.mediaObjects();
  let bitrateIn = 0;
  for (const p of producers) {
    const stats = await p.getStats().catch(() => []);
    for (const s of stats) bitrateIn += s.bitrate ?? 0;
  }
  let bitrateOut = 0;
  let loss = 0;
  let lossN = 0;
  let rtt = 0;
  let rttN = 0;
  for (const c of consumers) {
    const stats = await c.getStats().catch(() => []);
    for (const s of stats) {
      if (s.type !== 'outbound-rtp') continue;
      bitrateOut += s.bitrate ?? 0;
      if (typeof s.fractionLost === 'number') {
        loss += s.fractionLost / 256;
        lossN++;
      }
      if (typeof s.roundTripTime === 'number' && s.roundTripTime > 0) {
        rtt += s.roundTripTime;
        rttN++;
      }
    }
  }
  return {
    sessionId: room.sessionId,
    producers: producers.length,
    consumers: consumers.length,
    routers: room.routers.length,
    bitrateInBps: bitrateIn,
    bitrateOutBps: bitrateOut,
    lossFraction: lossN ? loss / lossN : 0,
    rttMs: rttN ? rtt / rttN : 0,
  };
}

/** CPU share of each worker process between successive samples. */
export class WorkerCpu {
  readonly #last = new Map<number, { pid: number; cpuMs: number; atMs: number }>();

  async sample(slot: WorkerSlot): Promise<number> {
    const worker = slot.worker;
    if (!worker || worker.closed) return 0;
    let usage: { ru_utime: number; ru_stime: number };
    try {
      usage = await worker.getResourceUsage();
    } catch {
      return 0;
    }
    const cpuMs = usage.ru_utime + usage.ru_stime;
    const now = Date.now();
    const prev = this.#last.get(slot.index);
    this.#last.set(slot.index, { pid: worker.pid, cpuMs, atMs: now });
    if (!prev || prev.pid !== worker.pid || now <= prev.atMs) return 0;
    return Math.max(0, ((cpuMs - prev.cpuMs) / (now - prev.atMs)) * 100);
  }
}
