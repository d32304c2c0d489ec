// The link preview of a session page: OpenGraph tags written into /live/:sessionId's HTML on the server,
// since chat apps and social sites read the HTML without running its scripts. The image is the share
// poster carrying the same ref and ch as the page's link, in the visitor's language.
import type { UpcomingLive } from '../commerce/index.ts';
import type { PosterLang } from '../protocols/index.ts';
import { DEFAULT_POSTER_TIME_ZONE } from './posters/poster-service.ts';

/** The public view of one session, or undefined when there is none. */
export type LivePreviewPort = (sessionId: string) => Promise<UpcomingLive | undefined>;

/** Sharer codes as links carry them (protocols/http/lives.ts ShareCode); others are left off the image. */
const SHARE_CODE = /^[2-9A-HJKMNP-Z]{4,16}$/;
const LANGS: readonly PosterLang[] = ['en', 'zh-Hans', 'zh-Hant'];

const DESCRIBE: Record<PosterLang, { host: string; live: string; starts: string }> = {
  'zh-Hans': { host: '主播', live: '正在直播', starts: '开播' },
  'zh-Hant': { host: '主播', live: '正在直播', starts: '開播' },
  en: { host: 'Host', live: 'Live now', starts: 'Starts' },
};

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** The page's `lang` parameter when valid, else the first Accept-Language we write (zh-TW/HK/MO → zh-Hant). */
export function previewLang(query: string | undefined, acceptLanguage: string | undefined): PosterLang {
  if (query && (LANGS as readonly string[]).includes(query)) return query as PosterLang;
  for (const raw of (acceptLanguage ?? '').split(',')) {
    const tag = raw.split(';')[0]!.trim().toLowerCase();
    if (tag.startsWith('zh')) return /hant|-tw|-hk|-mo/.test(tag) ? 'zh-Hant' : 'zh-Hans';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh-Hans';
}

export interface PreviewInput {
  live: UpcomingLive;
  origin: string;
  lang: PosterLang;
  ref?: string | undefined;
  ch?: string | undefined;
}

/** The <meta> tags (and title) to put in the page's <head>, every value escaped. */
export function previewTags({ live, origin, lang, ref, ch }: PreviewInput): string {
  const d = DESCRIBE[lang];
  let when = '';
  if (live.state === 'live') when = d.live;
  else if (live.scheduledAtMs !== null)
    when = `${d.starts} ${new Intl.DateTimeFormat(lang, {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: DEFAULT_POSTER_TIME_ZONE,
    }).format(live.scheduledAtMs)}`;
  const description = [`${d.host}: ${live.hostName}`, when].filter(Boolean).join(' · ');
  const codes = new URLSearchParams();
  if (ref && SHARE_CODE.test(ref)) codes.set('ref', ref);
  if (ch && SHARE_CODE.test(ch)) codes.set('ch', ch);
  const page = new URL(`/live/${encodeURIComponent(live.sessionId)}`, origin);
  page.search = codes.toString();
  const image = new URL(`/api/live-sessions/${encodeURIComponent(live.sessionId)}/poster.png`, origin);
  image.search = codes.toString();
  image.searchParams.set('lang', lang);
  const meta = (property: string, content: string) =>
    `<meta property="${property}" content="${escapeHtml(content)}" />`;
  return [
    `<title>${escapeHtml(live.title)} · Vitalive</title>`,
    meta('og:type', 'website'),
    meta('og:site_name', 'Vitalive'),
    meta('og:title', live.title),
    meta('og:description', description),
    meta('og:url', page.toString()),
    meta('og:image', image.toString()),
    meta('og:image:type', 'image/png'),
    meta('og:image:width', '750'),
    meta('og:image:height', '1200'),
    meta('og:locale', lang === 'en' ? 'en_US' : lang === 'zh-Hant' ? 'zh_TW' : 'zh_CN'),
    `<meta name="description" content="${escapeHtml(description)}" />`,
    `<meta name="twitter:card" content="summary_large_image" />`,
  ].join('\n    ');
}

/** Puts the tags into the built HTML: replaces its <title> and adds the rest at the end of <head>. */
export function withPreview(html: string, tags: string): string {
  // A function replacement: `$&` or `$'` in a session title must stay text, not a replacement pattern.
  return html.replace(/<title>[^<]*<\/title>\s*/, '').replace('</head>', () => `  ${tags}\n  </head>`);
}
