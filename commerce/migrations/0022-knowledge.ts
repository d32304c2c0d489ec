// The knowledge base: articles (a current-version pointer and what search filters on), every version of
// their content with its author, their tags, and the search terms of each article's current version
// (unigrams + bigrams of Han text folded to simplified script, lower-cased words and codes) with their
// weighted frequency, from which search ranks with BM25 on both stores alike.
import { type Kysely, sql } from 'kysely';
import { isPostgres } from './dialect.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('knowledge_articles')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    /** product_faq | case | script | sop | reading_guide */
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    /** public | host | channel | expert | staff */
    .addColumn('visibility', 'varchar(8)', (c) => c.notNull())
    .addColumn('current_version', 'integer', (c) => c.notNull())
    /** JSON {"zh-Hans"?, "zh-Hant"?, "en"?} of the current version, for search hits without a join. */
    .addColumn('titles', 'text', (c) => c.notNull())
    /** The first title present (zh-Hans, zh-Hant, en): the plain indexed lookup search is measured against. */
    .addColumn('title_key', 'varchar(200)', (c) => c.notNull())
    /** Sum of the weighted term frequencies: BM25's document length. */
    .addColumn('doc_len', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'varchar(40)', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('knowledge_articles_visibility')
    .on('knowledge_articles')
    .columns(['visibility', 'kind', 'updated_at_ms'])
    .execute();
  await db.schema
    .createIndex('knowledge_articles_title')
    .on('knowledge_articles')
    .column('title_key')
    .execute();

  // Append-only: an edit adds a row and moves the article's pointer.
  await db.schema
    .createTable('knowledge_versions')
    .addColumn('article_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('visibility', 'varchar(8)', (c) => c.notNull())
    /** JSON by language. */
    .addColumn('titles', 'text', (c) => c.notNull())
    /** JSON by language: Markdown as written (rendered and sanitised on read). */
    .addColumn('bodies', 'text', (c) => c.notNull())
    /** JSON {goals, products, skus, audiences}. */
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('author_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('knowledge_versions_pk', ['article_id', 'version'])
    .execute();

  // The current version's tags, prefixed by what they name: goal:… product:… sku:… audience:…
  await db.schema
    .createTable('knowledge_tags')
    .addColumn('tag', 'varchar(80)', (c) => c.notNull())
    .addColumn('article_id', 'varchar(40)', (c) => c.notNull())
    .addPrimaryKeyConstraint('knowledge_tags_pk', ['tag', 'article_id'])
    .execute();
  await db.schema.createIndex('knowledge_tags_article').on('knowledge_tags').column('article_id').execute();

  // The article's shelf, kind and length ride along (rewritten with every version anyway), so a search
  // reads each term's posting list from one key range without visiting the articles. On SQLite the
  // table is clustered on its key (WITHOUT ROWID): a posting list is contiguous on disk.
  const terms = db.schema
    .createTable('knowledge_terms')
    .addColumn('term', 'varchar(64)', (c) => c.notNull())
    .addColumn('article_id', 'varchar(40)', (c) => c.notNull())
    /** Weighted frequency: title and tag occurrences count 3, body occurrences 1. */
    .addColumn('tf', 'integer', (c) => c.notNull())
    .addColumn('visibility', 'varchar(8)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('doc_len', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('knowledge_terms_pk', ['term', 'article_id']);
  await (isPostgres(db) ? terms : terms.modifyEnd(sql`without rowid`)).execute();
  await db.schema.createIndex('knowledge_terms_article').on('knowledge_terms').column('article_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['knowledge_terms', 'knowledge_tags', 'knowledge_versions', 'knowledge_articles'])
    await db.schema.dropTable(t).execute();
}
