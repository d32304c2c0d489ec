// Records every live room of this node: the host's audio and the top simulcast layer of its video are
// consumed over PlainTransports (comedia off: mediasoup sends to ffmpeg's loopback ports) and stored by
// stream copy, one segment per unbroken run. A producer change (host reconnect), the recorder's
// transports dying (worker death, re-home) or the room closing ends the segment; the next producers
// start a new one with a keyframe request at once and again shortly after.
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import type { LiveRoom } from './live-room.ts';
import type { LiveRooms } from './live-rooms.ts';
import { FfmpegSegment, freeUdpPortPair } from './recorder-ffmpeg.ts';
import {
  type RecordingManifest,
  type RecordingSegment,
  readManifest,
  sessionRecordingDir,
  writeManifest,
} from './recorder-manifest.ts';
import { RECORDABLE_MIME_TYPES, recordingSdp, type SdpTrack } from './recorder-sdp.ts';

export interface RecordersOptions {
  rooms: LiveRooms;
  /** DATA_DIR/recordings: one folder per session. */
  dir: string;
  ffmpegPath: string;
  logger: Logger;
  /** Quiet time after a producer change before a segment starts (the host adds audio and video). @default 300 ms */
  settleMs?: number;
}

export interface RecordersEvents {
  segmentstart: [sessionId: string, segment: RecordingSegment];
  segmentend: [sessionId: string, segment: RecordingSegment];
}

/** The recorder joins each room as this peer; never counted as a viewer. */
export const recorderPeerId = (sessionId: string): string => `recorder:${sessionId}`;

/** Keyframe requests after a segment starts, so the file opens on one even if the first is lost. */
const KEYFRAME_RETRY_MS = [1000, 3000];
/** Wait before starting again when ffmpeg ended a segment by itself (e.g. no packets for 10 s). */
const RESTART_DELAY_MS = 2000;

interface ActiveSegment {
  room: LiveRoom;
  producerIds: Set<string>;
  ffmpeg: FfmpegSegment;
  entry: RecordingSegment;
  broken: boolean;
  timers: NodeJS.Timeout[];
}

interface SessionState {
  chain: Promise<void>;
  settle: NodeJS.Timeout | undefined;
  active: ActiveSegment | undefined;
  ended: boolean;
  manifest: RecordingManifest | undefined;
}

export class Recorders extends EventEmitter<RecordersEvents> {
  readonly #opts: RecordersOptions;
  readonly #log: Logger;
  readonly #sessions = new Map<string, SessionState>();
  /** Sessions that ended in this process: never recorded again here (a late producer event is ignored). */
  readonly #finished = new Set<string>();
  #closed = false;

  constructor(opts: RecordersOptions) {
    super();
    this.#opts = opts;
    this.#log = opts.logger.child({ room: 'recorder' });
    const { rooms } = opts;
    rooms.on('producer', this.#onChange);
    rooms.on('producerclose', this.#onChange);
    rooms.on('roomclose', this.#onChange);
    rooms.on('reconnect', this.#onPeer);
    rooms.on('consumerclose', this.#onPeer);
  }

  readonly #onChange = (sessionId: string): void => this.#schedule(sessionId);
  readonly #onPeer = (sessionId: string, peerId: string): void => {
    if (peerId !== recorderPeerId(sessionId)) return;
    const active = this.#sessions.get(sessionId)?.active;
    if (active) active.broken = true;
    this.#schedule(sessionId);
  };

  /** Sessions with a segment being written now. */
  get recording(): number {
    let n = 0;
    for (const s of this.#sessions.values()) if (s.active) n++;
    return n;
  }

  /** ffmpeg processes running, for CPU figures. */
  pids(): number[] {
    const pids: number[] = [];
    for (const s of this.#sessions.values()) if (s.active?.ffmpeg.pid) pids.push(s.active.ffmpeg.pid);
    return pids;
  }

  /** The session ended: its last segment is finished and no new one starts. Returns its recording. */
  async finish(sessionId: string): Promise<RecordingManifest> {
    const state = this.#state(sessionId);
    state.ended = true;
    this.#finished.add(sessionId);
    clearTimeout(state.settle);
    await this.#enqueue(sessionId, state, async () => {
      await this.#stopSegment(sessionId, state, 'end');
      const manifest = await this.#manifest(sessionId, state);
      // A session that never had a recording leaves no folder behind.
      if (manifest.segments.length === 0) return;
      manifest.endedAtMs = Date.now();
      await writeManifest(this.#dirOf(sessionId), manifest);
    });
    this.#sessions.delete(sessionId);
    return readManifest(this.#dirOf(sessionId), sessionId);
  }

  /** Idempotent: finishes every segment being written (the recordings stay open for a restart). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const { rooms } = this.#opts;
    rooms.off('producer', this.#onChange);
    rooms.off('producerclose', this.#onChange);
    rooms.off('roomclose', this.#onChange);
    rooms.off('reconnect', this.#onPeer);
    rooms.off('consumerclose', this.#onPeer);
    await Promise.all(
      [...this.#sessions].map(([id, state]) => {
        clearTimeout(state.settle);
        return this.#enqueue(id, state, () => this.#stopSegment(id, state, 'gap'));
      }),
    );
    this.#sessions.clear();
  }

  // --- internals ---

  #dirOf(sessionId: string): string {
    return sessionRecordingDir(this.#opts.dir, sessionId);
  }

  #state(sessionId: string): SessionState {
    let state = this.#sessions.get(sessionId);
    if (!state) {
      state = {
        chain: Promise.resolve(),
        settle: undefined,
        active: undefined,
        ended: false,
        manifest: undefined,
      };
      this.#sessions.set(sessionId, state);
    }
    return state;
  }

  #schedule(sessionId: string, delayMs = this.#opts.settleMs ?? 300): void {
    if (this.#closed || this.#finished.has(sessionId)) return;
    const state = this.#state(sessionId);
    if (state.ended) return;
    clearTimeout(state.settle);
    state.settle = setTimeout(() => {
      state.settle = undefined;
      this.#enqueue(sessionId, state, () => this.#reconcile(sessionId, state)).catch(() => {});
    }, delayMs);
  }

  /** One change at a time per session. */
  #enqueue(sessionId: string, state: SessionState, fn: () => Promise<void>): Promise<void> {
    const next = state.chain.then(fn).catch((err: unknown) => {
      this.#log.error({ err, sessionId }, 'recording step failed');
    });
    state.chain = next;
    return next;
  }

  async #reconcile(sessionId: string, state: SessionState): Promise<void> {
    const room = this.#opts.rooms.get(sessionId);
    const producers = room && !room.closed ? room.producers() : [];
    const active = state.active;
    if (active) {
      const same =
        active.room === room &&
        !active.broken &&
        active.ffmpeg.running &&
        producers.length === active.producerIds.size &&
        producers.every((p) => active.producerIds.has(p.producerId));
      if (same) return;
      const selfEnded = !active.ffmpeg.running;
      await this.#stopSegment(sessionId, state, selfEnded ? 'ffmpeg' : 'gap');
      if (selfEnded) {
        this.#schedule(sessionId, RESTART_DELAY_MS);
        return;
      }
    }
    if (state.ended || this.#closed || !room || room.closed) return;
    if (!producers.some((p) => p.kind === 'video')) return;
    await this.#startSegment(sessionId, state, room);
  }

  async #manifest(sessionId: string, state: SessionState): Promise<RecordingManifest> {
    state.manifest ??= await readManifest(this.#dirOf(sessionId), sessionId);
    return state.manifest;
  }

  async #startSegment(sessionId: string, state: SessionState, room: LiveRoom): Promise<void> {
    const peerId = recorderPeerId(sessionId);
    const dir = this.#dirOf(sessionId);
    const manifest = await this.#manifest(sessionId, state);
    const index = manifest.segments.length + 1;
    const name = `seg-${String(index).padStart(4, '0')}`;
    room.leave(peerId);
    room.join(peerId, 'viewer');
    const rtpCapabilities = recorderCapabilities(room.routerRtpCapabilities);
    const tracks: Array<SdpTrack & { consumerId: string; transportId: string }> = [];
    const producerIds = new Set<string>();
    let ffmpeg: FfmpegSegment | undefined;
    try {
      for (const p of room.producers()) {
        producerIds.add(p.producerId);
        const t = await room.createPlainTransport(peerId);
        const c = await room.consume(peerId, {
          transportId: t.id,
          producerId: p.producerId,
          rtpCapabilities,
        });
        tracks.push({
          kind: c.kind,
          port: await freeUdpPortPair(),
          rtpParameters: c.rtpParameters,
          consumerId: c.id,
          transportId: t.id,
        });
      }
      tracks.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'audio' ? -1 : 1));
      await mkdirp(dir);
      ffmpeg = await FfmpegSegment.start({
        ffmpegPath: this.#opts.ffmpegPath,
        sdpPath: path.join(dir, `${name}.sdp`),
        sdp: recordingSdp(tracks),
        outPath: path.join(dir, `${name}.mkv`),
        ports: tracks.map((t) => t.port),
        logger: this.#log,
      });
      for (const t of tracks) {
        await room.connectTransport(peerId, t.transportId, { ip: '127.0.0.1', port: t.port });
        // No hint and no bandwidth estimate on a plain transport: the top layer, from the first frame.
        if (t.kind === 'video') await room.setPreferredLayers(peerId, t.consumerId, {});
        await room.resume(peerId, t.consumerId);
      }
    } catch (err) {
      ffmpeg?.kill();
      room.leave(peerId);
      this.#log.error({ err, sessionId }, 'recording segment could not start');
      this.#schedule(sessionId, RESTART_DELAY_MS);
      return;
    }
    const entry: RecordingSegment = {
      file: `${name}.mkv`,
      startedAtMs: Date.now(),
      kinds: tracks.map((t) => t.kind),
    };
    manifest.segments.push(entry);
    await writeManifest(dir, manifest);
    const video = tracks.find((t) => t.kind === 'video');
    const timers = video
      ? KEYFRAME_RETRY_MS.map((ms) =>
          setTimeout(() => room.requestKeyFrame(peerId, video.consumerId).catch(() => {}), ms),
        )
      : [];
    const active: ActiveSegment = { room, producerIds, ffmpeg, entry, broken: false, timers };
    state.active = active;
    // ffmpeg ending by itself (no packets for a while, or a crash) ends the segment too.
    ffmpeg.exited.then(() => {
      if (state.active === active) this.#schedule(sessionId, 0);
    });
    this.#log.info({ sessionId, file: entry.file, kinds: entry.kinds }, 'recording segment started');
    this.emit('segmentstart', sessionId, entry);
  }

  async #stopSegment(sessionId: string, state: SessionState, reason: string): Promise<void> {
    const active = state.active;
    if (!active) return;
    state.active = undefined;
    for (const t of active.timers) clearTimeout(t);
    await active.ffmpeg.stop();
    if (!active.room.closed) active.room.leave(recorderPeerId(sessionId));
    active.entry.endedAtMs = Date.now();
    active.entry.endReason = reason;
    const manifest = await this.#manifest(sessionId, state);
    await writeManifest(this.#dirOf(sessionId), manifest);
    this.#log.info(
      { sessionId, file: active.entry.file, reason, ffmpeg: active.ffmpeg.stderrTail || undefined },
      'recording segment ended',
    );
    this.emit('segmentend', sessionId, active.entry);
  }
}

/** What the recorder can receive: the codecs ffmpeg stores by copy, no retransmission, no extensions. */
function recorderCapabilities(router: ms.RtpCapabilities): ms.RtpCapabilities {
  return {
    codecs: (router.codecs ?? [])
      .filter((c) => (RECORDABLE_MIME_TYPES as readonly string[]).includes(c.mimeType))
      .map((c) => ({ ...c, rtcpFeedback: [] })),
    headerExtensions: [],
  };
}

async function mkdirp(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
}
