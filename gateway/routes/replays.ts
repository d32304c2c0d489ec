// A live's replay: its state and timeline for the session page (public, as the page is), its HLS files
// (playlist, init sections, media segments; fixed names only, so no path ever leaves the session's
// folder) with their media types and cache lifetimes, and deletion of a recording by staff.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Type } from 'typebox';
import type { Commerce } from '../../commerce/index.ts';
import {
  bearer,
  type Replay,
  type ReplayChat,
  ReplayChatSchema,
  ReplayFileParams,
  ReplaySchema,
  SessionParams,
  VitaliveError,
} from '../../protocols/index.ts';
import type { Guards } from '../auth/index.ts';
import type { App } from '../http-app.ts';
import type { RecordingFiles } from '../recording/index.ts';
import { replayCardMoments, replayTimeOf } from '../recording/replay-timeline.ts';

export interface ReplayRouteDeps {
  sales: Commerce['sales'];
  recordings: RecordingFiles;
  guards: Guards;
}

/** The playlist may be re-made (a transcode re-run); segments are re-made only with it. */
const PLAYLIST_CACHE = 'public, max-age=60';
const SEGMENT_CACHE = 'public, max-age=86400';

const TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  mp4: 'video/mp4',
  m4s: 'video/iso.segment',
};

export async function replayRoutes(app: App, deps: ReplayRouteDeps): Promise<void> {
  const { sales, recordings } = deps;

  async function endedOrLive(sessionId: string) {
    const session = await sales.session(sessionId);
    if (!session) throw new VitaliveError('NOT_FOUND', { what: `Live session ${sessionId}` });
    return session;
  }

  app.get(
    '/api/live-sessions/:sessionId/replay',
    {
      schema: {
        tags: ['live'],
        summary:
          "The session's replay (public): none, recording (live now), processing (ended, being transcoded) " +
          'or ready with its HLS playlist, its parts and the moments cards were pinned and unpinned',
        params: SessionParams,
        response: { 200: ReplaySchema },
      },
    },
    async (request): Promise<Replay> => {
      const { sessionId } = request.params;
      const session = await endedOrLive(sessionId);
      const index = session.state === 'ended' ? await recordings.replayIndex(sessionId) : undefined;
      if (index) {
        return {
          sessionId,
          state: 'ready',
          playlistUrl: `/replays/${sessionId}/replay.m3u8`,
          durationSec: index.durationSec,
          parts: index.parts,
          cards: await replayCardMoments(sales, sessionId, index.parts),
        };
      }
      const manifest = await recordings.manifest(sessionId);
      const state =
        manifest.segments.length === 0 ? 'none' : session.state === 'ended' ? 'processing' : 'recording';
      return { sessionId, state, playlistUrl: null, durationSec: 0, parts: [], cards: [] };
    },
  );

  app.get(
    '/api/live-sessions/:sessionId/replay/chat',
    {
      schema: {
        tags: ['live'],
        summary:
          "The replay's chat (public, read-only): messages as shown live, minus those the host deleted and " +
          'those of viewers the host muted, each at its time on the replay; names only, no ids of people',
        params: SessionParams,
        response: { 200: ReplayChatSchema },
      },
    },
    async (request): Promise<ReplayChat> => {
      const { sessionId } = request.params;
      const session = await endedOrLive(sessionId);
      const index = session.state === 'ended' ? await recordings.replayIndex(sessionId) : undefined;
      if (!index) return { sessionId, messages: [] };
      const messages = (await sales.chat.replay(sessionId)).map((m) => ({
        id: m.id,
        name: m.name,
        text: m.text,
        atSec: replayTimeOf(index.parts, m.atMs),
      }));
      return { sessionId, messages };
    },
  );

  app.get(
    '/replays/:sessionId/:file',
    {
      schema: {
        tags: ['live'],
        summary:
          'A replay file (public once the session has ended): the playlist, an init section or a segment',
        params: ReplayFileParams,
      },
    },
    async (request, reply) => {
      const { sessionId, file } = request.params;
      const session = await endedOrLive(sessionId);
      const filePath = session.state === 'ended' ? recordings.hlsFile(sessionId, file) : undefined;
      const info = filePath ? await stat(filePath).catch(() => undefined) : undefined;
      if (!filePath || !info?.isFile()) throw new VitaliveError('NOT_FOUND', { what: `Replay file ${file}` });
      const ext = file.slice(file.lastIndexOf('.') + 1);
      const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
      void reply
        .header('Content-Type', TYPES[ext] ?? 'application/octet-stream')
        .header('Cache-Control', ext === 'm3u8' ? PLAYLIST_CACHE : SEGMENT_CACHE)
        .header('ETag', etag)
        .header('X-Content-Type-Options', 'nosniff');
      if (request.headers['if-none-match'] === etag) return reply.status(304).send();
      void reply.header('Content-Length', info.size);
      return reply.send(createReadStream(filePath));
    },
  );

  app.delete(
    '/api/live-sessions/:sessionId/recording',
    {
      onRequest: deps.guards.requireRoles('admin', 'staff'),
      schema: {
        tags: ['live'],
        summary: "Delete a session's recording and replay (staff); refused while the session is live",
        security: bearer,
        params: SessionParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const { sessionId } = request.params;
      const session = await endedOrLive(sessionId);
      if (session.state === 'live')
        throw new VitaliveError('CONFLICT', { reason: 'the session is live: end it first' });
      if (!(await recordings.delete(sessionId)))
        throw new VitaliveError('NOT_FOUND', { what: `Recording of live session ${sessionId}` });
      return reply.status(204).send(null);
    },
  );
}
