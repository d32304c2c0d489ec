// Share posters on demand: looks the session up as the public sees it, renders once per distinct poster
// and keeps the PNG in a bounded in-memory cache. A changed title, host, start or line-up makes a new
// key, so a cached poster is never stale; concurrent requests for the same poster share one render.
import { createHash } from 'node:crypto';
import type { LiveSales } from '../../commerce/index.ts';
import { type PosterLang, VitaliveError } from '../../protocols/index.ts';
import { renderPoster } from './poster-render.ts';

/** Posters kept (about 100 kB each): bounds memory whatever codes callers send. */
export const POSTER_CACHE_ENTRIES = 200;
/**
 * New renders in flight at once per node (a render is ~0.1–0.4 s of CPU): past it a poster not in the
 * cache is refused with RATE_LIMITED, so a flood of distinct codes costs its sender, not orders.
 */
export const POSTER_MAX_RENDERING = 4;
/** The zone a poster writes the start time in when the sharer gives none: the brand's home market. */
export const DEFAULT_POSTER_TIME_ZONE = 'Asia/Shanghai';

export interface PosterRequest {
  sessionId: string;
  ref?: string | undefined;
  ch?: string | undefined;
  lang: PosterLang;
  timeZone: string;
  /** Origin of the session link in the QR code (the public URL, else the request's own). */
  origin: string;
}

/** The link a poster's QR code opens: the session page with the sharer's codes. */
export function sessionLink(origin: string, sessionId: string, ref?: string, ch?: string): string {
  const url = new URL(`/live/${encodeURIComponent(sessionId)}`, origin);
  if (ref) url.searchParams.set('ref', ref);
  if (ch) url.searchParams.set('ch', ch);
  return url.toString();
}

export class PosterService {
  readonly #sales: Pick<LiveSales, 'publicLive'>;
  readonly #cache = new Map<string, Promise<Buffer>>();
  readonly #max: number;
  readonly #maxRendering: number;
  #rendering = 0;

  constructor(
    sales: Pick<LiveSales, 'publicLive'>,
    opts: { maxEntries?: number; maxRendering?: number } = {},
  ) {
    this.#sales = sales;
    this.#max = opts.maxEntries ?? POSTER_CACHE_ENTRIES;
    this.#maxRendering = opts.maxRendering ?? POSTER_MAX_RENDERING;
  }

  /** The PNG and its ETag, or undefined when there is no such session. */
  async poster(req: PosterRequest): Promise<{ png: Buffer; etag: string } | undefined> {
    const live = await this.#sales.publicLive(req.sessionId);
    if (!live) return undefined;
    const product = live.lineup?.[0];
    const content = {
      title: live.title,
      hostName: live.hostName,
      state: live.state,
      scheduledAtMs: live.scheduledAtMs,
      productName: product ? product.titles[req.lang] || product.titles.en : undefined,
      link: sessionLink(req.origin, req.sessionId, req.ref, req.ch),
      lang: req.lang,
      timeZone: req.timeZone,
    };
    const key = createHash('sha256').update(JSON.stringify(content)).digest('base64url');
    let png = this.#cache.get(key);
    if (png) {
      // Least recently used goes first: a hit moves to the end.
      this.#cache.delete(key);
    } else {
      if (this.#rendering >= this.#maxRendering)
        throw new VitaliveError('RATE_LIMITED', { retryAfterSec: 1 });
      this.#rendering++;
      png = renderPoster(content).finally(() => {
        this.#rendering--;
      });
      png.catch(() => this.#cache.delete(key));
    }
    this.#cache.set(key, png);
    while (this.#cache.size > this.#max) this.#cache.delete(this.#cache.keys().next().value as string);
    return { png: await png, etag: `"${key}"` };
  }

  get size(): number {
    return this.#cache.size;
  }
}
