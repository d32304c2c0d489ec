// Serves the Vite-built host and viewer pages (gateway/web/dist, built by `npm run build:web`) at /web/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { Logger } from 'pino';
import type { App } from './http-app.ts';

export const WEB_DIST = fileURLToPath(new URL('./web/dist/', import.meta.url));

export async function registerWebPages(app: App, logger: Logger): Promise<boolean> {
  if (!existsSync(WEB_DIST)) {
    logger.warn({ dir: 'gateway/web/dist' }, 'web pages are not built (npm run build:web); /web/ is off');
    return false;
  }
  await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/web/', index: false });
  return true;
}
