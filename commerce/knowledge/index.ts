// Public surface of the knowledge base inside commerce.

export {
  type ArticleDocument,
  type ArticleVersion,
  Knowledge,
  PRODUCTS_PER_ASK_MAX,
  type SearchHit,
  type SearchOptions,
} from './knowledge.ts';
export type { Article, ArticleInput, ArticleTags, ByLanguage } from './model.ts';
