// Articles as the platform sees them, who may read which, and the checks content passes whatever the
// caller validated (the HTTP schemas check the same limits at the gateway).
import {
  KNOWLEDGE_AUDIENCES,
  KNOWLEDGE_BODY_MAX,
  KNOWLEDGE_KINDS,
  KNOWLEDGE_TAGS_MAX,
  KNOWLEDGE_TITLE_MAX,
  KNOWLEDGE_VISIBILITIES,
  type KnowledgeAudience,
  type KnowledgeKind,
  type KnowledgeVisibility,
  VitaliveError,
} from '../../protocols/index.ts';
import type { Actor } from '../people/person-model.ts';
import { STAFF_ROLES } from '../roles.ts';

export const LANGUAGES = ['zh-Hans', 'zh-Hant', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export type ByLanguage = Partial<Record<Language, string>>;

export interface ArticleTags {
  goals: string[];
  products: string[];
  skus: string[];
  audiences: KnowledgeAudience[];
}

export interface ArticleInput {
  kind: KnowledgeKind;
  visibility?: KnowledgeVisibility | undefined;
  titles: ByLanguage;
  bodies: ByLanguage;
  tags?: Partial<ArticleTags> | undefined;
}

export interface Article {
  articleId: string;
  kind: KnowledgeKind;
  visibility: KnowledgeVisibility;
  version: number;
  titles: ByLanguage;
  bodies: ByLanguage;
  /** Rendered and sanitised Markdown. */
  html: ByLanguage;
  tags: ArticleTags;
  /** Author of the current version. */
  authorId: string;
  createdAtMs: number;
  updatedAtMs: number;
}

/** Who reads what: staff and admins everything, each role its own shelf, everyone the public one. */
export function visibleTo(actor: Actor | undefined): KnowledgeVisibility[] {
  if (actor?.roles.some((r) => STAFF_ROLES.includes(r))) return [...KNOWLEDGE_VISIBILITIES];
  const shelves: KnowledgeVisibility[] = ['public'];
  if (actor?.roles.includes('host')) shelves.push('host');
  if (actor?.roles.includes('channel_manager')) shelves.push('channel');
  if (actor?.roles.includes('expert')) shelves.push('expert');
  return shelves;
}

/**
 * The shelf an article goes on when its writer names none: FAQs and reading guides public, cases to
 * experts, channel scripts to channel managers, sales scripts to hosts, everything else to staff.
 */
export function defaultVisibility(kind: KnowledgeKind, audiences: readonly string[]): KnowledgeVisibility {
  if (kind === 'product_faq' || kind === 'reading_guide') return 'public';
  if (kind === 'case') return 'expert';
  if (kind === 'script' && audiences.includes('channel')) return 'channel';
  if (kind === 'script' && audiences.includes('sales')) return 'host';
  return 'staff';
}

const invalid = (reason: string) => new VitaliveError('VALIDATION_FAILED', { reason });
const TAG_WORD = /^[^\s<>"'`&]{1,64}$/u;

function texts(value: unknown, max: number, what: string): ByLanguage {
  if (typeof value !== 'object' || value === null) throw invalid(`${what} must be an object by language`);
  const out: ByLanguage = {};
  for (const [lang, text] of Object.entries(value)) {
    if (!(LANGUAGES as readonly string[]).includes(lang)) throw invalid(`${what}: unknown language`);
    if (typeof text !== 'string') throw invalid(`${what}.${lang} must be text`);
    if (text.length > max) throw invalid(`${what}.${lang} is longer than ${max} characters`);
    // Titles lose outer spaces; bodies trailing ones (a file's final newline is not content).
    const trimmed = what === 'titles' ? text.trim() : text.trimEnd();
    if (trimmed !== '') out[lang as Language] = trimmed;
  }
  return out;
}

function words(value: unknown, what: string, pattern = TAG_WORD): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > KNOWLEDGE_TAGS_MAX)
    throw invalid(`tags.${what} must be a list of at most ${KNOWLEDGE_TAGS_MAX}`);
  for (const v of value)
    if (typeof v !== 'string' || !pattern.test(v)) throw invalid(`tags.${what}: bad tag`);
  return [...new Set(value as string[])];
}

export interface CheckedArticle {
  kind: KnowledgeKind;
  visibility: KnowledgeVisibility;
  titles: ByLanguage;
  bodies: ByLanguage;
  tags: ArticleTags;
}

export function checkArticle(input: ArticleInput): CheckedArticle {
  if (!(KNOWLEDGE_KINDS as readonly string[]).includes(input.kind)) throw invalid('unknown kind');
  if (
    input.visibility !== undefined &&
    !(KNOWLEDGE_VISIBILITIES as readonly string[]).includes(input.visibility)
  )
    throw invalid('unknown visibility');
  const titles = texts(input.titles, KNOWLEDGE_TITLE_MAX, 'titles');
  if (Object.keys(titles).length === 0) throw invalid('an article needs a title in at least one language');
  const bodies = texts(input.bodies, KNOWLEDGE_BODY_MAX, 'bodies');
  const t = input.tags ?? {};
  const audiences = words(t.audiences, 'audiences');
  if (!audiences.every((a) => (KNOWLEDGE_AUDIENCES as readonly string[]).includes(a)))
    throw invalid('tags.audiences: unknown audience');
  const tags: ArticleTags = {
    goals: words(t.goals, 'goals'),
    products: words(t.products, 'products', /^[A-Za-z0-9_-]{1,64}$/),
    skus: words(t.skus, 'skus'),
    audiences: audiences as KnowledgeAudience[],
  };
  return {
    kind: input.kind,
    visibility: input.visibility ?? defaultVisibility(input.kind, tags.audiences),
    titles,
    bodies,
    tags,
  };
}

/** The tag rows of an article: what the filters match. */
export function tagRows(tags: ArticleTags): string[] {
  return [
    ...tags.goals.map((g) => `goal:${g}`),
    ...tags.products.map((p) => `product:${p}`),
    ...tags.skus.map((s) => `sku:${s}`),
    ...tags.audiences.map((a) => `audience:${a}`),
  ];
}

export function titleKey(titles: ByLanguage): string {
  return (titles['zh-Hans'] ?? titles['zh-Hant'] ?? titles.en ?? '').slice(0, KNOWLEDGE_TITLE_MAX);
}
