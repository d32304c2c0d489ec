// /api/products: the catalog. Staff and admins maintain it (products, their tags and reading ranges,
// stock); anyone signed in may browse.
import { Type } from '@fastify/type-provider-typebox';
import {
  bearer,
  METRIC_RANGES,
  NewProductBody,
  ProductChangesBody,
  ProductListQuery,
  ProductParams,
  ProductSchema,
  ReadingMetricsSchema,
  SkuParams,
  SkuSchema,
  StockAdjustBody,
  VitaliveError,
} from '../../protocols/index.ts';
import type { App } from '../http-app.ts';
import type { SalesRouteDeps } from './sales-schemas.ts';

export async function catalogRoutes(app: App, deps: SalesRouteDeps): Promise<void> {
  const { catalog } = deps.services;
  const staff = deps.guards.requireRoles('admin', 'staff');

  app.post(
    '/api/products',
    {
      onRequest: staff,
      schema: {
        tags: ['catalog'],
        summary: 'Create a product with its SKUs',
        security: bearer,
        body: NewProductBody,
        response: { 201: ProductSchema },
      },
    },
    async (request, reply) => {
      void reply.status(201);
      return catalog.create(request.body);
    },
  );

  app.get(
    '/api/products',
    {
      onRequest: deps.guards.authenticate,
      schema: {
        tags: ['catalog'],
        summary: 'Products, newest first; `tag` filters by health goal',
        security: bearer,
        querystring: ProductListQuery,
        response: { 200: Type.Array(ProductSchema) },
      },
    },
    async (request) =>
      catalog.list({
        tag: request.query.tag,
        limit: request.query.limit ?? 50,
        offset: request.query.offset ?? 0,
      }),
  );

  app.get(
    '/api/products/:productId',
    {
      onRequest: deps.guards.authenticate,
      schema: {
        tags: ['catalog'],
        summary: 'One product',
        security: bearer,
        params: ProductParams,
        response: { 200: ProductSchema },
      },
    },
    async (request) => {
      const p = await catalog.get(request.params.productId);
      if (!p) throw new VitaliveError('NOT_FOUND', { what: `Product ${request.params.productId}` });
      return p;
    },
  );

  app.get(
    '/api/reading-metrics',
    {
      onRequest: deps.guards.authenticate,
      schema: {
        tags: ['catalog'],
        summary: 'The metrics devices measure, each with its physical range (bounds of product ranges)',
        security: bearer,
        response: { 200: ReadingMetricsSchema },
      },
    },
    async () => Object.values(METRIC_RANGES).map((r) => ({ metric: r.name, min: r.min, max: r.max })),
  );

  app.patch(
    '/api/products/:productId',
    {
      onRequest: staff,
      schema: {
        tags: ['catalog'],
        summary:
          'Replace the tags and/or the reading ranges (known metrics, min < max within the physical range)',
        security: bearer,
        params: ProductParams,
        body: ProductChangesBody,
        response: { 200: ProductSchema },
      },
    },
    async (request) => catalog.update(request.params.productId, request.body),
  );

  app.post(
    '/api/skus/:skuId/stock',
    {
      onRequest: staff,
      schema: {
        tags: ['catalog'],
        summary: 'Receive (positive) or write off (negative) units on hand',
        security: bearer,
        params: SkuParams,
        body: StockAdjustBody,
        response: { 200: SkuSchema },
      },
    },
    async (request) => catalog.adjustStock(request.params.skuId, request.body.delta),
  );
}
