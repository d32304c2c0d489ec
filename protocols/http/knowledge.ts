// /api/knowledge on the wire: articles (FAQs, cases, scripts, SOPs, reading guides) in three languages,
// their versions, search, and a product's public FAQ.
import { type Static, Type } from 'typebox';
import { EpochMs, Id } from './common.ts';

export const KNOWLEDGE_KINDS = ['product_faq', 'case', 'script', 'sop', 'reading_guide'] as const;
export type KnowledgeKind = (typeof KNOWLEDGE_KINDS)[number];
export const KNOWLEDGE_AUDIENCES = ['pre_sales', 'sales', 'service', 'channel', 'expert'] as const;
export type KnowledgeAudience = (typeof KNOWLEDGE_AUDIENCES)[number];
/**
 * Who may read an article: `public` anyone (anonymous viewers too), `host` hosts, `channel` channel
 * managers, `expert` experts; staff and admins read everything.
 */
export const KNOWLEDGE_VISIBILITIES = ['public', 'host', 'channel', 'expert', 'staff'] as const;
export type KnowledgeVisibility = (typeof KNOWLEDGE_VISIBILITIES)[number];

/** Longest title per language, in characters. */
export const KNOWLEDGE_TITLE_MAX = 200;
/** Longest Markdown body per language, in characters (a long SOP fits; a pasted book does not). */
export const KNOWLEDGE_BODY_MAX = 20_000;
/** Longest search query, in characters: more says nothing a search can use and costs tokens. */
export const KNOWLEDGE_QUERY_MAX = 100;
/** Most tags of one kind (goals, products, SKUs) on an article. */
export const KNOWLEDGE_TAGS_MAX = 20;

const Title = Type.String({ maxLength: KNOWLEDGE_TITLE_MAX });
const Body = Type.String({ maxLength: KNOWLEDGE_BODY_MAX });
export const KnowledgeTitles = Type.Object(
  { 'zh-Hans': Type.Optional(Title), 'zh-Hant': Type.Optional(Title), en: Type.Optional(Title) },
  { additionalProperties: false },
);
export const KnowledgeBodies = Type.Object(
  { 'zh-Hans': Type.Optional(Body), 'zh-Hant': Type.Optional(Body), en: Type.Optional(Body) },
  { additionalProperties: false },
);
/** A tag word: a health goal, a product id or a SKU code; no spaces, quotes or markup characters. */
const TAG_WORD = '^[^\\s<>"\'`&]+$';
const TagWord = Type.String({ minLength: 1, maxLength: 64, pattern: TAG_WORD });
const TagList = Type.Array(TagWord, { maxItems: KNOWLEDGE_TAGS_MAX, uniqueItems: true });

export const KnowledgeTags = Type.Object(
  {
    goals: Type.Optional(TagList),
    products: Type.Optional(Type.Array(Id, { maxItems: KNOWLEDGE_TAGS_MAX, uniqueItems: true })),
    skus: Type.Optional(TagList),
    audiences: Type.Optional(
      Type.Array(Type.Unsafe<KnowledgeAudience>({ type: 'string', enum: [...KNOWLEDGE_AUDIENCES] }), {
        maxItems: KNOWLEDGE_AUDIENCES.length,
        uniqueItems: true,
      }),
    ),
  },
  { additionalProperties: false },
);

const Kind = Type.Unsafe<KnowledgeKind>({ type: 'string', enum: [...KNOWLEDGE_KINDS] });
const Visibility = Type.Unsafe<KnowledgeVisibility>({ type: 'string', enum: [...KNOWLEDGE_VISIBILITIES] });

export const NewArticleBody = Type.Object(
  {
    kind: Kind,
    /** Defaults from the kind and audiences (see docs/knowledge.md). */
    visibility: Type.Optional(Visibility),
    titles: KnowledgeTitles,
    bodies: KnowledgeBodies,
    tags: Type.Optional(KnowledgeTags),
  },
  { additionalProperties: false },
);
export type NewArticleBody = Static<typeof NewArticleBody>;

/** An edit: the whole new content; `baseVersion` is the version it was made from (409 if stale). */
export const ArticleEditBody = Type.Object(
  {
    baseVersion: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    kind: Kind,
    visibility: Type.Optional(Visibility),
    titles: KnowledgeTitles,
    bodies: KnowledgeBodies,
    tags: Type.Optional(KnowledgeTags),
  },
  { additionalProperties: false },
);
export type ArticleEditBody = Static<typeof ArticleEditBody>;

const LocalisedOut = Type.Object({
  'zh-Hans': Type.Optional(Type.String()),
  'zh-Hant': Type.Optional(Type.String()),
  en: Type.Optional(Type.String()),
});
const TagsOut = Type.Object({
  goals: Type.Array(Type.String()),
  products: Type.Array(Type.String()),
  skus: Type.Array(Type.String()),
  audiences: Type.Array(Type.String()),
});

export const ArticleSchema = Type.Object({
  articleId: Type.String(),
  kind: Type.String(),
  visibility: Type.String(),
  version: Type.Integer(),
  titles: LocalisedOut,
  /** Markdown as written. */
  bodies: LocalisedOut,
  /** The Markdown rendered and sanitised: safe to insert as HTML. */
  html: LocalisedOut,
  tags: TagsOut,
  authorId: Type.String(),
  createdAtMs: EpochMs,
  updatedAtMs: EpochMs,
});
export type Article = Static<typeof ArticleSchema>;

export const ArticleVersionSchema = Type.Object({
  version: Type.Integer(),
  authorId: Type.String(),
  kind: Type.String(),
  visibility: Type.String(),
  titles: LocalisedOut,
  createdAtMs: EpochMs,
});
export const ArticleVersionsSchema = Type.Object({
  articleId: Type.String(),
  current: Type.Integer(),
  versions: Type.Array(ArticleVersionSchema),
});
export type ArticleVersions = Static<typeof ArticleVersionsSchema>;

export const SearchHitSchema = Type.Object({
  articleId: Type.String(),
  kind: Type.String(),
  visibility: Type.String(),
  titles: LocalisedOut,
  tags: TagsOut,
  score: Type.Number(),
  updatedAtMs: EpochMs,
});
export type SearchHit = Static<typeof SearchHitSchema>;
export const SearchResultSchema = Type.Object({ hits: Type.Array(SearchHitSchema) });

/** `q` may be empty when a kind or tag filter is given: then the newest articles that pass the filters. */
export const KnowledgeSearchQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: KNOWLEDGE_QUERY_MAX })),
    kind: Type.Optional(Kind),
    /** `goal:<goal>`, `product:<id>`, `sku:<code>` or `audience:<audience>`. */
    tag: Type.Optional(
      Type.String({ maxLength: 80, pattern: '^(goal|product|sku|audience):[^\\s<>"\'`&]+$' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
  },
  { additionalProperties: false },
);
export type KnowledgeSearchQuery = Static<typeof KnowledgeSearchQuery>;

/** The products whose articles the host console shows (the session's cards). */
export const ProductKnowledgeQuery = Type.Object(
  { productIds: Type.String({ minLength: 1, maxLength: 64 * 20 + 19, pattern: '^[A-Za-z0-9_,-]+$' }) },
  { additionalProperties: false },
);
export const ProductKnowledgeSchema = Type.Object({
  products: Type.Array(Type.Object({ productId: Type.String(), articles: Type.Array(ArticleSchema) })),
});
export type ProductKnowledge = Static<typeof ProductKnowledgeSchema>;
export const ArticleListSchema = Type.Object({ articles: Type.Array(ArticleSchema) });

export const ArticleIdParams = Type.Object({ id: Id }, { additionalProperties: false });
