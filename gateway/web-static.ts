// Serves the Vite-built web apps (gateway/web/dist, built by `npm run build:web`): assets under /web/,
// and the pages at their own addresses: /live/:sessionId (viewer), /host (host console), /me (member),
// /staff and /staff/:page (the staff dashboard and operations pages, one app), /lives (lives to come).
// A session page carries its link preview (OpenGraph tags) written on the server.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { Type } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import type { App } from './http-app.ts';
import { type LivePreviewPort, previewLang, previewTags, withPreview } from './web-preview.ts';

// Resolved from this module's address through the repository root, so it holds both here (gateway/) and
// in the compiled server (dist/main.mjs, see scripts/bundle.ts): both sit one folder below the root.
export const WEB_DIST = fileURLToPath(new URL('../gateway/web/dist/', import.meta.url));

const SessionParams = Type.Object(
  { sessionId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) },
  { additionalProperties: false },
);

/** The session page's own query: the sharer's codes and a language; anything else is ignored. */
const LiveQuery = Type.Object({
  ref: Type.Optional(Type.String({ maxLength: 64 })),
  ch: Type.Optional(Type.String({ maxLength: 64 })),
  lang: Type.Optional(Type.String({ maxLength: 16 })),
});

const StaffParams = Type.Object(
  { page: Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z-]+$' }) },
  { additionalProperties: false },
);

/** Page address → built HTML file. The pages read their own parameters from the address. */
const PAGES: ReadonlyArray<[string, string, object]> = [
  ['/host', 'console.html', {}],
  ['/me', 'me.html', {}],
  ['/lives', 'lives.html', {}],
  ['/staff', 'staff.html', {}],
  ['/staff/:page', 'staff.html', { params: StaffParams }],
];

export async function registerWebPages(
  app: App,
  logger: Logger,
  preview?: LivePreviewPort | undefined,
): Promise<boolean> {
  if (!existsSync(WEB_DIST)) {
    logger.warn({ dir: 'gateway/web/dist' }, 'web pages are not built (npm run build:web); /web/ is off');
    return false;
  }
  await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/web/', index: false });
  for (const [url, file, schema] of PAGES) {
    app.get(url, { schema: { hide: true, ...schema } }, (_request, reply) =>
      // HTML is never cached (it names the hashed assets of the current build); assets are.
      reply.header('cache-control', 'no-cache').sendFile(file),
    );
  }
  // Read once: the build does not change under a running server.
  const liveHtml = readFileSync(path.join(WEB_DIST, 'live.html'), 'utf8');
  app.get(
    '/live/:sessionId',
    { schema: { hide: true, params: SessionParams, querystring: LiveQuery } },
    async (request, reply) => {
      const { sessionId } = request.params as { sessionId: string };
      const query = request.query as { ref?: string; ch?: string; lang?: string };
      const live = preview ? await preview(sessionId) : undefined;
      const html = live
        ? withPreview(
            liveHtml,
            previewTags({
              live,
              origin: app.publicUrl ?? `${request.protocol}://${request.host}`,
              lang: previewLang(query.lang, request.headers['accept-language']),
              ref: query.ref,
              ch: query.ch,
            }),
          )
        : liveHtml;
      return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
    },
  );
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.redirect('/me'));
  return true;
}
