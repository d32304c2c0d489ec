// Product photos: staff upload one (the raw image as the body, image/jpeg, image/png or image/webp) or
// remove one; anyone may fetch the stored sizes at /images/<hash>-<width>.webp. Uploads are judged by
// content (gateway/images/inspect-image.ts) before anything is written; the files are content-addressed,
// so they are served as immutable with a strong ETag.
import type { FastifyRequest } from 'fastify';
import type { Commerce } from '../../commerce/index.ts';
import {
  bearer,
  ImageFileParams,
  ProductImageParams,
  ProductImageSchema,
  ProductParams,
  VitaliveError,
} from '../../protocols/index.ts';
import type { Guards } from '../auth/index.ts';
import type { PlatformConfig } from '../config.ts';
import type { App } from '../http-app.ts';
import type { ImageFiles } from '../images/image-files.ts';
import { IMAGE_CONTENT_TYPES, type ImageFormat, processImage } from '../images/inspect-image.ts';

export interface ProductImageRouteDeps {
  productImages: Commerce['productImages'];
  files: ImageFiles;
  limits: PlatformConfig['images'];
  guards: Guards;
}

/** One year: the longest lifetime RFC 9111 caches are asked to honour; a name never changes content. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Reads the raw body up to `limit` bytes; refuses a larger one as soon as it is known to be larger. */
function readLimited(
  request: FastifyRequest,
  payload: NodeJS.ReadableStream,
  limit: number,
): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit)
    return Promise.reject(new VitaliveError('IMAGE_TOO_LARGE', { reason: `more than ${limit} bytes` }));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    payload.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        payload.removeAllListeners('data');
        (payload as NodeJS.ReadableStream & { resume(): void }).resume();
        reject(new VitaliveError('IMAGE_TOO_LARGE', { reason: `more than ${limit} bytes` }));
        return;
      }
      chunks.push(chunk);
    });
    payload.on('end', () => resolve(Buffer.concat(chunks)));
    payload.on('error', reject);
  });
}

export async function productImageRoutes(app: App, deps: ProductImageRouteDeps): Promise<void> {
  const { productImages, files, limits } = deps;
  const staff = deps.guards.requireRoles('admin', 'staff');

  await app.register(async (scope: App) => {
    // Only these three types are read as a body here; any other type is refused by fastify as
    // HTTP_MEDIA_TYPE_UNSUPPORTED (image/svg+xml, image/gif, multipart, …).
    scope.addContentTypeParser(
      Object.keys(IMAGE_CONTENT_TYPES),
      (request: FastifyRequest, payload: NodeJS.ReadableStream) =>
        readLimited(request, payload, limits.maxBytes),
    );
    scope.post(
      '/api/products/:productId/images',
      {
        onRequest: staff,
        schema: {
          tags: ['catalog'],
          summary:
            'Add a photo: the body is the image itself (Content-Type image/jpeg, image/png or image/webp, ' +
            'at most IMAGE_MAX_BYTES and IMAGE_MAX_PIXELS); stored as WebP at 160, 480 and 1080 px wide',
          security: bearer,
          params: ProductParams,
          response: { 201: ProductImageSchema },
        },
      },
      async (request, reply) => {
        const type = String(request.headers['content-type'] ?? '')
          .split(';')[0]!
          .trim()
          .toLowerCase();
        const declared: ImageFormat | undefined = IMAGE_CONTENT_TYPES[type];
        if (!declared || !Buffer.isBuffer(request.body))
          throw new VitaliveError('HTTP_MEDIA_TYPE_UNSUPPORTED', {
            contentType: type.slice(0, 64) || 'none',
          });
        const { productId } = request.params;
        // Before any decoding: an unknown product costs no CPU.
        if (!(await productImages.productExists(productId)))
          throw new VitaliveError('NOT_FOUND', { what: `Product ${productId}` });
        const image = await processImage(request.body, declared, limits);
        await files.write(image.hash, image.files);
        try {
          const view = await productImages.add(productId, {
            hash: image.hash,
            width: image.width,
            height: image.height,
          });
          void reply.status(201);
          return view;
        } catch (err) {
          // Refused (limit reached, product removed meanwhile): keep no file no product names.
          if (!(await productImages.hashInUse(image.hash))) await files.remove(image.hash);
          throw err;
        }
      },
    );
  });

  app.delete(
    '/api/products/:productId/images/:imageId',
    {
      onRequest: staff,
      schema: {
        tags: ['catalog'],
        summary: 'Remove a photo from a product (its files go when no product uses them)',
        security: bearer,
        params: ProductImageParams,
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      const { hash, inUse } = await productImages.remove(request.params.productId, request.params.imageId);
      if (!inUse) await files.remove(hash);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/images/:name',
    {
      schema: {
        tags: ['catalog'],
        summary: 'A stored photo size: /images/<sha256>-<160|480|1080>.webp (public, immutable)',
        params: ImageFileParams,
      },
    },
    async (request, reply) => {
      const file = await files.read(request.params.name);
      if (!file) throw new VitaliveError('NOT_FOUND', { what: 'Image' });
      const etag = `"${file.hash.slice(0, 32)}-${file.width}"`;
      void reply
        .header('cache-control', IMMUTABLE)
        .header('etag', etag)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'");
      const match = request.headers['if-none-match'];
      if (match?.split(',').some((t) => t.trim() === etag)) return reply.status(304).send();
      return reply.type('image/webp').send(file.data);
    },
  );
}
