// The languages messages are written in, and how a language tag or an Accept-Language header maps to
// one of them: zh-TW, zh-HK, zh-MO and zh-Hant-* read Traditional, any other Chinese Simplified, any
// English English; anything else is not ours (the caller falls back).
export const MESSAGE_LOCALES = ['en', 'zh-Hans', 'zh-Hant'] as const;
export type MessageLocale = (typeof MESSAGE_LOCALES)[number];

/** What a message falls back to when nothing names a language we write in. */
export const DEFAULT_MESSAGE_LOCALE: MessageLocale = 'en';

function fromTag(raw: string): MessageLocale | undefined {
  const tag = raw.trim().toLowerCase();
  if (tag === 'zh' || tag.startsWith('zh-')) {
    return /^zh-(hant|tw|hk|mo)(-|$)/.test(tag) || /^zh-[a-z]+-(tw|hk|mo)$/.test(tag) ? 'zh-Hant' : 'zh-Hans';
  }
  if (tag === 'en' || tag.startsWith('en-')) return 'en';
  return undefined;
}

/**
 * The first language we write in from a tag or an Accept-Language value (`zh-TW,zh;q=0.9,en;q=0.8`),
 * by preference (q) and then order; undefined when none is ours.
 */
export function messageLocaleOf(value: string | null | undefined): MessageLocale | undefined {
  if (!value) return undefined;
  const ranked = value
    .slice(0, 256)
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((x) => x !== undefined);
      return { tag, q: q === undefined ? 1 : Number(q), i };
    })
    .filter((t) => t.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    const locale = fromTag(tag);
    if (locale) return locale;
  }
  return undefined;
}

/** The person's own language first, then the request's, then English. */
export function chooseLocale(...candidates: Array<string | null | undefined>): MessageLocale {
  for (const c of candidates) {
    const locale = messageLocaleOf(c);
    if (locale) return locale;
  }
  return DEFAULT_MESSAGE_LOCALE;
}
