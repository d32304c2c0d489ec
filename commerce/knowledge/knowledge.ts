// The knowledge base service: articles and their versions (every edit a new version row, the article
// row points at the current one), search, a product's articles, and bulk import/export documents. Staff
// and admins write; every read is limited to the shelves the reader's roles open (see model.ts).
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { type KnowledgeKind, type KnowledgeVisibility, VitaliveError } from '../../protocols/index.ts';
import { requireRole } from '../people/access-scope.ts';
import type { Actor } from '../people/person-model.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import {
  type Article,
  type ArticleInput,
  type ArticleTags,
  type ByLanguage,
  type CheckedArticle,
  checkArticle,
  LANGUAGES,
  tagRows,
  titleKey,
  visibleTo,
} from './model.ts';
import { renderMarkdown } from './render.ts';
import { browse, rank, type SearchFilter } from './search.ts';
import type { KnowledgeVersionsTable } from './tables.ts';
import { indexTerms } from './tokens.ts';

/** Title and tag words weigh three body words: a match there says more about what the article is. */
const TITLE_WEIGHT = 3;
/** Rows per INSERT: well under SQLite's bound-parameter limit. */
const INSERT_CHUNK = 150;
/** Most products a host console asks about at once (its pinned and draft cards). */
export const PRODUCTS_PER_ASK_MAX = 20;

export interface SearchOptions {
  q?: string | undefined;
  kind?: KnowledgeKind | undefined;
  tag?: string | undefined;
  limit?: number | undefined;
}

export interface SearchHit {
  articleId: string;
  kind: KnowledgeKind;
  visibility: KnowledgeVisibility;
  titles: ByLanguage;
  tags: ArticleTags;
  score: number;
  updatedAtMs: number;
}

export interface ArticleVersion {
  version: number;
  authorId: string;
  kind: string;
  visibility: string;
  titles: ByLanguage;
  createdAtMs: number;
}

/** An article as a file holds it: its id, the current content and who last changed it. */
export interface ArticleDocument extends CheckedArticle {
  articleId: string;
  version: number;
  updatedAtMs: number;
}

function parse<T>(json: string): T {
  return JSON.parse(json) as T;
}

function termsOf(a: CheckedArticle): Map<string, number> {
  const terms = new Map<string, number>();
  for (const lang of LANGUAGES) {
    const title = a.titles[lang];
    if (title) indexTerms(title, TITLE_WEIGHT, terms);
    const body = a.bodies[lang];
    if (body) indexTerms(body, 1, terms);
  }
  for (const word of [...a.tags.goals, ...a.tags.skus]) indexTerms(word, TITLE_WEIGHT, terms);
  return terms;
}

function toArticle(v: Selectable<KnowledgeVersionsTable>, createdAtMs: number): Article {
  const bodies = parse<ByLanguage>(v.bodies);
  const html: ByLanguage = {};
  for (const lang of LANGUAGES) {
    const body = bodies[lang];
    if (body !== undefined) html[lang] = renderMarkdown(body);
  }
  return {
    articleId: v.article_id,
    kind: v.kind as KnowledgeKind,
    visibility: v.visibility as KnowledgeVisibility,
    version: Number(v.version),
    titles: parse<ByLanguage>(v.titles),
    bodies,
    html,
    tags: parse<ArticleTags>(v.tags),
    authorId: v.author_id,
    createdAtMs,
    updatedAtMs: Number(v.created_at_ms),
  };
}

const notFound = () => new VitaliveError('NOT_FOUND', { what: 'article' });

export class Knowledge {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async create(
    actor: Actor,
    input: ArticleInput,
    nowMs = Date.now(),
    articleId: string = randomUUID(),
  ): Promise<Article> {
    requireRole(actor, 'admin', 'staff');
    const a = checkArticle(input);
    await this.#store.transaction(async (trx) => {
      await trx
        .insertInto('knowledge_articles')
        .values({
          id: articleId,
          kind: a.kind,
          visibility: a.visibility,
          current_version: 1,
          titles: JSON.stringify(a.titles),
          title_key: titleKey(a.titles),
          doc_len: 0,
          created_by: actor.personId,
          created_at_ms: nowMs,
          updated_at_ms: nowMs,
        })
        .execute();
      await this.#writeVersion(trx, articleId, 1, a, actor.personId, nowMs);
    });
    return this.#read(articleId, ['public', 'host', 'channel', 'expert', 'staff']);
  }

  /** A new version from `baseVersion`; CONFLICT when someone saved another version since. */
  async edit(
    actor: Actor,
    articleId: string,
    baseVersion: number,
    input: ArticleInput,
    nowMs = Date.now(),
  ): Promise<Article> {
    requireRole(actor, 'admin', 'staff');
    const a = checkArticle(input);
    await this.#store.transaction(async (trx) => {
      const row = await trx
        .selectFrom('knowledge_articles')
        .select('current_version')
        .where('id', '=', articleId)
        .executeTakeFirst();
      if (!row) throw notFound();
      const current = Number(row.current_version);
      if (current !== baseVersion)
        throw new VitaliveError('CONFLICT', {
          reason: `the article is at version ${current}, not ${baseVersion}`,
        });
      // The conditional update is what serialises two editors on PostgreSQL: the second one updates nothing.
      const moved = await trx
        .updateTable('knowledge_articles')
        .set({
          kind: a.kind,
          visibility: a.visibility,
          current_version: current + 1,
          titles: JSON.stringify(a.titles),
          title_key: titleKey(a.titles),
          updated_at_ms: nowMs,
        })
        .where('id', '=', articleId)
        .where('current_version', '=', current)
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1)
        throw new VitaliveError('CONFLICT', { reason: 'the article changed meanwhile' });
      await this.#writeVersion(trx, articleId, current + 1, a, actor.personId, nowMs);
    });
    return this.#read(articleId, ['public', 'host', 'channel', 'expert', 'staff']);
  }

  async #writeVersion(
    trx: Kysely<Database>,
    articleId: string,
    version: number,
    a: CheckedArticle,
    authorId: string,
    nowMs: number,
  ): Promise<void> {
    await trx
      .insertInto('knowledge_versions')
      .values({
        article_id: articleId,
        version,
        kind: a.kind,
        visibility: a.visibility,
        titles: JSON.stringify(a.titles),
        bodies: JSON.stringify(a.bodies),
        tags: JSON.stringify(a.tags),
        author_id: authorId,
        created_at_ms: nowMs,
      })
      .execute();
    await trx.deleteFrom('knowledge_tags').where('article_id', '=', articleId).execute();
    const tags = tagRows(a.tags);
    if (tags.length > 0)
      await trx
        .insertInto('knowledge_tags')
        .values(tags.map((tag) => ({ tag, article_id: articleId })))
        .execute();
    await trx.deleteFrom('knowledge_terms').where('article_id', '=', articleId).execute();
    const counted = [...termsOf(a)];
    const docLen = counted.reduce((sum, [, tf]) => sum + tf, 0);
    const terms = counted.map(([term, tf]) => ({
      term,
      article_id: articleId,
      tf,
      visibility: a.visibility,
      kind: a.kind,
      doc_len: docLen,
    }));
    for (let i = 0; i < terms.length; i += INSERT_CHUNK)
      await trx
        .insertInto('knowledge_terms')
        .values(terms.slice(i, i + INSERT_CHUNK))
        .execute();
    await trx
      .updateTable('knowledge_articles')
      .set({ doc_len: docLen })
      .where('id', '=', articleId)
      .execute();
  }

  async #read(articleId: string, shelves: KnowledgeVisibility[]): Promise<Article> {
    const row = await this.#store.db
      .selectFrom('knowledge_articles as a')
      .innerJoin('knowledge_versions as v', (j) =>
        j.onRef('v.article_id', '=', 'a.id').onRef('v.version', '=', 'a.current_version'),
      )
      .selectAll('v')
      .select('a.created_at_ms as article_created_at_ms')
      .where('a.id', '=', articleId)
      .where('a.visibility', 'in', shelves)
      .executeTakeFirst();
    // Not on the reader's shelves reads as absent: ids cannot be probed for existence.
    if (!row) throw notFound();
    return toArticle(row, Number(row.article_created_at_ms));
  }

  /** The current version, when the reader (anonymous: undefined) may see it. */
  get(actor: Actor | undefined, articleId: string): Promise<Article> {
    return this.#read(articleId, visibleTo(actor));
  }

  /** Every version, newest first (staff and admins). */
  async versions(actor: Actor, articleId: string): Promise<{ current: number; versions: ArticleVersion[] }> {
    requireRole(actor, 'admin', 'staff');
    const article = await this.#store.db
      .selectFrom('knowledge_articles')
      .select('current_version')
      .where('id', '=', articleId)
      .executeTakeFirst();
    if (!article) throw notFound();
    const rows = await this.#store.db
      .selectFrom('knowledge_versions')
      .select(['version', 'author_id', 'kind', 'visibility', 'titles', 'created_at_ms'])
      .where('article_id', '=', articleId)
      .orderBy('version', 'desc')
      .execute();
    return {
      current: Number(article.current_version),
      versions: rows.map((r) => ({
        version: Number(r.version),
        authorId: r.author_id,
        kind: r.kind,
        visibility: r.visibility,
        titles: parse<ByLanguage>(r.titles),
        createdAtMs: Number(r.created_at_ms),
      })),
    };
  }

  /** Ranked hits for `q` (or the newest when only filters are given), among what the reader may see. */
  async search(actor: Actor | undefined, options: SearchOptions): Promise<SearchHit[]> {
    const filter: SearchFilter = {
      shelves: visibleTo(actor),
      kind: options.kind,
      tag: options.tag,
      limit: Math.min(Math.max(1, options.limit ?? 20), 50),
    };
    const q = options.q?.trim() ?? '';
    const ranked = q === '' ? await browse(this.#store.db, filter) : await rank(this.#store.db, q, filter);
    if (ranked.length === 0) return [];
    const rows = await this.#store.db
      .selectFrom('knowledge_articles as a')
      .innerJoin('knowledge_versions as v', (j) =>
        j.onRef('v.article_id', '=', 'a.id').onRef('v.version', '=', 'a.current_version'),
      )
      .select(['a.id', 'a.kind', 'a.visibility', 'a.titles', 'v.tags', 'a.updated_at_ms'])
      .where(
        'a.id',
        'in',
        ranked.map((r) => r.articleId),
      )
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ranked.flatMap((r) => {
      const row = byId.get(r.articleId);
      if (!row) return [];
      return [
        {
          articleId: row.id,
          kind: row.kind as KnowledgeKind,
          visibility: row.visibility as KnowledgeVisibility,
          titles: parse<ByLanguage>(row.titles),
          tags: parse<ArticleTags>(row.tags),
          score: r.score,
          updatedAtMs: Number(row.updated_at_ms),
        },
      ];
    });
  }

  /** The articles of each product the reader may see, optionally of some kinds only (FAQs, scripts). */
  async forProducts(
    actor: Actor | undefined,
    productIds: readonly string[],
    kinds?: readonly KnowledgeKind[],
  ): Promise<Array<{ productId: string; articles: Article[] }>> {
    const ids = [...new Set(productIds)];
    if (ids.length > PRODUCTS_PER_ASK_MAX)
      throw new VitaliveError('VALIDATION_FAILED', { reason: `at most ${PRODUCTS_PER_ASK_MAX} products` });
    if (ids.length === 0) return [];
    let q = this.#store.db
      .selectFrom('knowledge_tags as g')
      .innerJoin('knowledge_articles as a', 'a.id', 'g.article_id')
      .innerJoin('knowledge_versions as v', (j) =>
        j.onRef('v.article_id', '=', 'a.id').onRef('v.version', '=', 'a.current_version'),
      )
      .selectAll('v')
      .select(['g.tag', 'a.created_at_ms as article_created_at_ms'])
      .where(
        'g.tag',
        'in',
        ids.map((id) => `product:${id}`),
      )
      .where('a.visibility', 'in', visibleTo(actor));
    if (kinds && kinds.length > 0) q = q.where('a.kind', 'in', kinds);
    const rows = await q.orderBy('a.kind').orderBy('a.updated_at_ms', 'desc').execute();
    return ids.map((productId) => ({
      productId,
      articles: rows
        .filter((r) => r.tag === `product:${productId}`)
        .map((r) => toArticle(r, Number(r.article_created_at_ms))),
    }));
  }

  /** A product's public FAQ: what a viewer reads under its card. */
  async productFaq(productId: string): Promise<Article[]> {
    const [entry] = await this.forProducts(undefined, [productId], ['product_faq']);
    return entry?.articles ?? [];
  }

  /** Every article's current content, for export (staff and admins). */
  async exportAll(actor: Actor): Promise<ArticleDocument[]> {
    requireRole(actor, 'admin', 'staff');
    const rows = await this.#store.db
      .selectFrom('knowledge_articles as a')
      .innerJoin('knowledge_versions as v', (j) =>
        j.onRef('v.article_id', '=', 'a.id').onRef('v.version', '=', 'a.current_version'),
      )
      .selectAll('v')
      .orderBy('a.id')
      .execute();
    return rows.map((v) => ({
      articleId: v.article_id,
      version: Number(v.version),
      updatedAtMs: Number(v.created_at_ms),
      kind: v.kind as KnowledgeKind,
      visibility: v.visibility as KnowledgeVisibility,
      titles: parse<ByLanguage>(v.titles),
      bodies: parse<ByLanguage>(v.bodies),
      tags: parse<ArticleTags>(v.tags),
    }));
  }

  /**
   * Brings documents in: an unknown id (or none) creates the article, a known one gets a new version
   * when its content differs. Each document is its own transaction, so one bad file fails alone.
   */
  async importDocument(
    actor: Actor,
    doc: ArticleInput & { articleId?: string | undefined },
    nowMs = Date.now(),
  ): Promise<{ articleId: string; outcome: 'created' | 'updated' | 'unchanged' }> {
    requireRole(actor, 'admin', 'staff');
    const a = checkArticle(doc);
    const id = doc.articleId;
    if (id !== undefined && !/^[A-Za-z0-9_-]{1,40}$/.test(id))
      throw new VitaliveError('VALIDATION_FAILED', { reason: 'id must be 1-40 of A-Z a-z 0-9 _ -' });
    const current = id
      ? await this.#store.db
          .selectFrom('knowledge_articles as a')
          .innerJoin('knowledge_versions as v', (j) =>
            j.onRef('v.article_id', '=', 'a.id').onRef('v.version', '=', 'a.current_version'),
          )
          .selectAll('v')
          .where('a.id', '=', id)
          .executeTakeFirst()
      : undefined;
    if (!current) {
      const created = await this.create(actor, a, nowMs, id);
      return { articleId: created.articleId, outcome: 'created' };
    }
    const same =
      current.kind === a.kind &&
      current.visibility === a.visibility &&
      current.titles === JSON.stringify(a.titles) &&
      current.bodies === JSON.stringify(a.bodies) &&
      current.tags === JSON.stringify(a.tags);
    if (same) return { articleId: current.article_id, outcome: 'unchanged' };
    await this.edit(actor, current.article_id, Number(current.version), a, nowMs);
    return { articleId: current.article_id, outcome: 'updated' };
  }

  /** The plain indexed title lookup search is measured against (benchmarks). */
  async findByTitle(actor: Actor | undefined, title: string): Promise<string[]> {
    const rows = await this.#store.db
      .selectFrom('knowledge_articles')
      .select('id')
      .where('title_key', '=', title)
      .where('visibility', 'in', visibleTo(actor))
      .limit(20)
      .execute();
    return rows.map((r) => r.id);
  }
}
