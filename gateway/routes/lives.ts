// /api/lives (public: lives to come and live now, public line-ups at list price), the staff switch that
// makes a session's line-up public, and the share poster PNG with the sharer's codes in its QR code.
import {
  bearer,
  LineupVisibilityBody,
  LiveSessionSchema,
  PosterParams,
  PosterQuery,
  SessionParams,
  UpcomingLiveSchema,
  UpcomingLivesSchema,
  VitaliveError,
} from '../../protocols/index.ts';
import type { Guards } from '../auth/index.ts';
import { principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';
import { DEFAULT_POSTER_TIME_ZONE, type PosterService } from '../posters/poster-service.ts';
import type { SalesServices } from '../sales-service.ts';

export interface LivesRouteDeps {
  services: Pick<SalesServices, 'sales'>;
  guards: Guards;
  posters: PosterService;
}

/** Browsers and link previews may keep the list and posters briefly; a session's page re-reads anyway. */
const LIST_MAX_AGE_SEC = 30;
const POSTER_MAX_AGE_SEC = 300;

function knownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export async function livesRoutes(app: App, deps: LivesRouteDeps): Promise<void> {
  const { sales } = deps.services;

  app.get(
    '/api/lives',
    {
      schema: {
        tags: ['live'],
        summary: 'Lives now and in the next 14 days, with public line-ups (no sign-in)',
        response: { 200: UpcomingLivesSchema },
      },
    },
    async (_request, reply) => {
      const nowMs = Date.now();
      void reply.header('cache-control', `public, max-age=${LIST_MAX_AGE_SEC}`);
      return { nowMs, lives: await sales.upcoming(nowMs) };
    },
  );

  app.get(
    '/api/lives/:sessionId',
    {
      schema: {
        tags: ['live'],
        summary: 'One session as the public sees it: host, start, public line-up (no sign-in)',
        params: SessionParams,
        response: { 200: UpcomingLiveSchema },
      },
    },
    async (request) => {
      const live = await sales.publicLive(request.params.sessionId);
      if (!live) throw new VitaliveError('NOT_FOUND', { what: `Live session ${request.params.sessionId}` });
      return live;
    },
  );

  app.put(
    '/api/live-sessions/:sessionId/lineup-visibility',
    {
      onRequest: deps.guards.requireRoles('admin', 'staff'),
      schema: {
        tags: ['live'],
        summary: "Show or hide the session's line-up on /lives and its posters (staff)",
        security: bearer,
        params: SessionParams,
        body: LineupVisibilityBody,
        response: { 200: LiveSessionSchema },
      },
    },
    async (request) =>
      sales.setLineupPublic(principalOf(request), request.params.sessionId, request.body.public),
  );

  app.get(
    '/api/live-sessions/:sessionId/poster.png',
    {
      schema: {
        tags: ['live'],
        summary: "A share poster: the session and a QR code of its link with the sharer's codes",
        params: PosterParams,
        querystring: PosterQuery,
      },
    },
    async (request, reply) => {
      const { ref, ch, lang = 'zh-Hans', tz = DEFAULT_POSTER_TIME_ZONE } = request.query;
      if (!knownTimeZone(tz))
        throw new VitaliveError('VALIDATION_FAILED', { reason: `unknown time zone ${tz}` });
      // The public URL when configured; else the address the request came to (its own cache key).
      const origin = app.publicUrl ?? `${request.protocol}://${request.host}`;
      const poster = await deps.posters.poster({
        sessionId: request.params.sessionId,
        ref,
        ch,
        lang,
        timeZone: tz,
        origin,
      });
      if (!poster) throw new VitaliveError('NOT_FOUND', { what: `Live session ${request.params.sessionId}` });
      void reply
        .header('content-type', 'image/png')
        .header('cache-control', `public, max-age=${POSTER_MAX_AGE_SEC}`)
        .header('etag', poster.etag);
      if (request.headers['if-none-match'] === poster.etag) return reply.status(304).send();
      return reply.send(poster.png);
    },
  );
}
