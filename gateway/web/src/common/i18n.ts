// Languages of the web apps (Simplified Chinese, Traditional Chinese, English): the current language
// (chosen by the person, else from the browser), message tables per module, number/money/time formats.
import { useEffect, useState } from 'preact/hooks';
import { currencyDigits } from './money.ts';

export type Lang = 'en' | 'zh-Hans' | 'zh-Hant';
export const LANGS: readonly Lang[] = ['zh-Hans', 'zh-Hant', 'en'];
/** Each language named in itself, for the switch. */
export const LANG_NAMES: Record<Lang, string> = {
  'zh-Hans': '简体中文',
  'zh-Hant': '繁體中文',
  en: 'English',
};

const STORAGE_KEY = 'vl.lang';

/** Maps browser language tags to ours: zh-TW/HK/MO and zh-Hant → Traditional, other zh → Simplified. */
export function detectLang(tags: readonly string[]): Lang {
  for (const raw of tags) {
    const tag = raw.toLowerCase();
    if (tag.startsWith('zh')) {
      return /hant|-tw|-hk|-mo/.test(tag) ? 'zh-Hant' : 'zh-Hans';
    }
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && (LANGS as readonly string[]).includes(saved)) return saved as Lang;
  } catch {
    // storage blocked (private mode): fall back to the browser's language
  }
  return detectLang(navigator.languages?.length ? navigator.languages : [navigator.language]);
}

let current: Lang = typeof navigator === 'undefined' ? 'en' : initialLang();
const listeners = new Set<(lang: Lang) => void>();

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  if (lang === current) return;
  current = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // not persisted; still switched for this page
  }
  document.documentElement.lang = lang;
  for (const fn of listeners) fn(lang);
}

export function onLangChange(fn: (lang: Lang) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Re-renders the calling component when the language changes; call it once near the root. */
export function useLang(): Lang {
  const [lang, set] = useState(current);
  useEffect(() => {
    document.documentElement.lang = current;
    return onLangChange(set);
  }, []);
  return lang;
}

export type Params = Record<string, string | number>;

export function fill(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in params ? String(params[key]) : whole,
  );
}

export type Messages<K extends string> = Record<Lang, Record<K, string>>;

/**
 * A module's own message table, every key in every language (the compiler checks it). Returns its
 * translate function: `t('key', { n: 3 })` in the current language, `{name}` placeholders filled.
 */
export function defineMessages<K extends string>(table: Messages<K>): (key: K, params?: Params) => string {
  return (key, params) => fill(table[current][key] ?? table.en[key] ?? key, params);
}

/** A catalog text ({ en, zh-Hans, zh-Hant }) in the current language, falling back to the others. */
export function localised(texts: Partial<Record<Lang, string>> | undefined): string {
  if (!texts) return '';
  return texts[current] || texts['zh-Hans'] || texts['zh-Hant'] || texts.en || '';
}

/** Money is integer minor units with its ISO currency; shown in the current language's format. */
export function formatMoney(minor: number, currency: string): string {
  const code = currency.toUpperCase();
  const digits = currencyDigits(code);
  const value = minor / 10 ** digits;
  try {
    return new Intl.NumberFormat(current, { style: 'currency', currency: code }).format(value);
  } catch {
    return `${value.toFixed(digits)} ${code}`;
  }
}

export function formatNumber(n: number, maxFractionDigits = 1): string {
  return new Intl.NumberFormat(current, { maximumFractionDigits: maxFractionDigits }).format(n);
}

export function formatDateTime(ms: number): string {
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

export function formatTime(ms: number): string {
  return new Intl.DateTimeFormat(current, { timeStyle: 'medium' }).format(ms);
}

/** mm:ss (or h:mm:ss) of a non-negative duration. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(h ? 2 : 1, '0');
  return `${h ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}
