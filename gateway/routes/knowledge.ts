// /api/knowledge: the knowledge base. Anyone (anonymous viewers too) searches and reads the public
// shelf; a token opens its roles' shelves (hosts' scripts, channel scripts, expert cases; staff see
// all). Staff and admins write: every edit is a new version. /api/products/:productId/faq is a product's
// public FAQ (the viewer page); /api/knowledge/products lists the articles of the host console's cards.

import type { Knowledge } from '../../commerce/index.ts';
import {
  ArticleEditBody,
  ArticleIdParams,
  ArticleListSchema,
  ArticleSchema,
  ArticleVersionsSchema,
  bearer,
  KNOWLEDGE_BODY_MAX,
  KnowledgeSearchQuery,
  NewArticleBody,
  ProductKnowledgeQuery,
  ProductKnowledgeSchema,
  ProductParams,
  SearchResultSchema,
} from '../../protocols/index.ts';
import { type Guards, principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';

export interface KnowledgeRouteDeps {
  knowledge: Knowledge;
  guards: Guards;
}

/**
 * Three languages of the longest body, as UTF-8 (up to 3 bytes a character), plus titles and tags:
 * above the platform's default body limit, so these routes carry their own.
 */
const ARTICLE_BODY_LIMIT = 3 * 3 * KNOWLEDGE_BODY_MAX + 16_384;

export async function knowledgeRoutes(app: App, deps: KnowledgeRouteDeps): Promise<void> {
  const { knowledge, guards } = deps;
  const staff = guards.requireRoles('admin', 'staff');
  const tags = ['knowledge'];

  app.get(
    '/api/knowledge/search',
    {
      onRequest: guards.optionalAuth,
      schema: {
        tags,
        summary: 'Search titles and bodies in zh-Hans, zh-Hant and en; filter by kind and tag',
        querystring: KnowledgeSearchQuery,
        response: { 200: SearchResultSchema },
      },
    },
    async (request) => ({ hits: await knowledge.search(request.principal, request.query) }),
  );

  app.get(
    '/api/knowledge/articles/:id',
    {
      onRequest: guards.optionalAuth,
      schema: {
        tags,
        summary: 'An article’s current version (404 when it is not on the reader’s shelves)',
        params: ArticleIdParams,
        response: { 200: ArticleSchema },
      },
    },
    async (request) => knowledge.get(request.principal, request.params.id),
  );

  app.get(
    '/api/knowledge/articles/:id/versions',
    {
      onRequest: staff,
      schema: {
        tags,
        summary: 'Every version of an article with its author, newest first',
        security: bearer,
        params: ArticleIdParams,
        response: { 200: ArticleVersionsSchema },
      },
    },
    async (request) => ({
      articleId: request.params.id,
      ...(await knowledge.versions(principalOf(request), request.params.id)),
    }),
  );

  app.post(
    '/api/knowledge/articles',
    {
      onRequest: staff,
      bodyLimit: ARTICLE_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Write an article (version 1)',
        security: bearer,
        body: NewArticleBody,
        response: { 201: ArticleSchema },
      },
    },
    async (request, reply) => {
      void reply.status(201);
      return knowledge.create(principalOf(request), request.body);
    },
  );

  app.put(
    '/api/knowledge/articles/:id',
    {
      onRequest: staff,
      bodyLimit: ARTICLE_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Save a new version made from `baseVersion` (409 CONFLICT when another was saved since)',
        security: bearer,
        params: ArticleIdParams,
        body: ArticleEditBody,
        response: { 200: ArticleSchema },
      },
    },
    async (request) => {
      const { baseVersion, ...content } = request.body;
      return knowledge.edit(principalOf(request), request.params.id, baseVersion, content);
    },
  );

  app.get(
    '/api/knowledge/products',
    {
      onRequest: guards.optionalAuth,
      schema: {
        tags,
        summary: 'The articles of each product (comma-separated ids, at most 20) the reader may see',
        querystring: ProductKnowledgeQuery,
        response: { 200: ProductKnowledgeSchema },
      },
    },
    async (request) => ({
      products: await knowledge.forProducts(request.principal, request.query.productIds.split(',')),
    }),
  );

  app.get(
    '/api/products/:productId/faq',
    {
      schema: {
        tags,
        summary: 'A product’s public FAQ (no token needed: it shows under the card on the viewer page)',
        params: ProductParams,
        response: { 200: ArticleListSchema },
      },
    },
    async (request) => ({ articles: await knowledge.productFaq(request.params.productId) }),
  );
}
