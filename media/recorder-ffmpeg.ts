// One ffmpeg process writing one recording segment: it listens for RTP on loopback ports described by
// an SDP file and stores the packets as they are (stream copy, no transcoding on the live path) in a
// Matroska file. stop() asks it to finish the file (SIGINT), then kills it if it hangs.
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { readFile, writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';

/** Time ffmpeg gets to bind its ports before the segment is given up. */
const BIND_TIMEOUT_MS = 5000;
/** After SIGINT, wait this long for a packet to arrive before sending ffmpeg one. */
const WAKE_AFTER_MS = 300;
/** Time ffmpeg gets to write the file's index after SIGINT before it is killed. */
const STOP_TIMEOUT_MS = 5000;

export interface FfmpegSegmentOptions {
  ffmpegPath: string;
  sdpPath: string;
  sdp: string;
  outPath: string;
  /** Ports ffmpeg must have bound (the RTP port of each track) before packets are sent. */
  ports: readonly number[];
  logger: Logger;
}

export class FfmpegSegment {
  readonly #proc: ChildProcess;
  readonly #log: Logger;
  readonly #ports: readonly number[];
  readonly exited: Promise<number | null>;
  #exitCode: number | null | undefined;
  #stderrTail = '';

  private constructor(proc: ChildProcess, log: Logger, ports: readonly number[]) {
    this.#proc = proc;
    this.#log = log;
    this.#ports = ports;
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => {
      this.#stderrTail = (this.#stderrTail + chunk).slice(-2000);
    });
    this.exited = new Promise((resolve) => {
      proc.once('exit', (code) => {
        this.#exitCode = code;
        resolve(code);
      });
      proc.once('error', (err) => {
        this.#log.error({ err }, 'ffmpeg could not start');
        this.#exitCode = -1;
        resolve(-1);
      });
    });
  }

  static async start(opts: FfmpegSegmentOptions): Promise<FfmpegSegment> {
    await writeFile(opts.sdpPath, opts.sdp);
    const args = [
      ...['-hide_banner', '-nostdin', '-loglevel', 'warning'],
      ...['-protocol_whitelist', 'file,udp,rtp'],
      ...['-i', opts.sdpPath],
      ...['-map', '0', '-c', 'copy'],
      // Each packet is written as it comes: if ffmpeg has to be killed, the file lacks only its index.
      ...['-flush_packets', '1', '-f', 'matroska', opts.outPath],
    ];
    const proc = spawn(opts.ffmpegPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const segment = new FfmpegSegment(proc, opts.logger, opts.ports);
    const deadline = Date.now() + BIND_TIMEOUT_MS;
    while (!(await udpPortsBound(opts.ports))) {
      if (segment.#exitCode !== undefined || Date.now() > deadline) {
        segment.kill();
        throw new Error(`ffmpeg did not listen on ${opts.ports.join(', ')}: ${segment.stderrTail}`);
      }
      await new Promise((r) => setTimeout(r, 30));
    }
    return segment;
  }

  get pid(): number | undefined {
    return this.#proc.pid;
  }

  get running(): boolean {
    return this.#exitCode === undefined;
  }

  get stderrTail(): string {
    return this.#stderrTail.trim();
  }

  /** CPU seconds this ffmpeg has used so far (user + system), from /proc. */
  async cpuSeconds(): Promise<number> {
    return processCpuSeconds(this.#proc.pid);
  }

  /**
   * Finishes the file; idempotent. ffmpeg looks at SIGINT between two packets (a second SIGINT would
   * abort the file's index); when packets no longer come (the worker died) a datagram to each of its
   * ports wakes the read, so it still ends cleanly.
   */
  async stop(): Promise<void> {
    if (this.#exitCode !== undefined) return;
    this.#proc.kill('SIGINT');
    const wake = setTimeout(() => {
      if (this.#exitCode === undefined) wakeUp(this.#ports);
    }, WAKE_AFTER_MS);
    const timer = setTimeout(() => this.kill(), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(wake);
    clearTimeout(timer);
  }

  kill(): void {
    if (this.#exitCode === undefined) this.#proc.kill('SIGKILL');
  }
}

/** An empty RTCP receiver report (RFC 3550 §6.4.2) to each port: harmless, and it ends a blocked read. */
function wakeUp(ports: readonly number[]): void {
  const socket = dgram.createSocket('udp4');
  const rr = Buffer.from([0x80, 201, 0x00, 0x01, 0, 0, 0, 1]);
  let left = ports.length;
  for (const port of ports) {
    socket.send(rr, port, '127.0.0.1', () => {
      if (--left === 0) socket.close();
    });
  }
}

/** user + system CPU seconds of a process (0 once it is gone). */
export async function processCpuSeconds(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of proc(5) (utime, stime), counted after the command name.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** A loopback UDP port whose next port is free too (ffmpeg takes port + 1 for RTCP). */
export async function freeUdpPortPair(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const a = dgram.createSocket('udp4');
    const port = await new Promise<number>((resolve, reject) => {
      a.once('error', reject);
      a.bind(0, host, () => resolve(a.address().port));
    });
    const b = dgram.createSocket('udp4');
    const ok = await new Promise<boolean>((resolve) => {
      b.once('error', () => resolve(false));
      b.bind(port + 1, host, () => resolve(true));
    });
    await new Promise<void>((r) => a.close(() => r()));
    if (ok) {
      await new Promise<void>((r) => b.close(() => r()));
      return port;
    }
    b.close();
  }
  throw new Error('no free UDP port pair on loopback');
}

async function udpPortsBound(ports: readonly number[]): Promise<boolean> {
  const text = await readFile('/proc/net/udp', 'utf8').catch(() => '');
  const bound = new Set<number>();
  for (const line of text.split('\n').slice(1)) {
    const local = line.trim().split(/\s+/)[1];
    const hex = local?.split(':')[1];
    if (hex) bound.add(Number.parseInt(hex, 16));
  }
  return ports.every((p) => bound.has(p));
}
