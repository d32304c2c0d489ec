// Product photos as rows: which content-addressed image belongs to which product, in what order. The
// bytes (validated, stripped and resized) are the gateway's; commerce only records and lists them, and
// says when a removed image's files are no longer used by any product.
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { appendEvent } from '../outbox.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import type { ProductImagesTable } from './tables.ts';
import { imageUrls, type ProductImage } from './views.ts';

export interface StoredImage {
  /** Hex SHA-256 of the uploaded bytes. */
  hash: string;
  width: number;
  height: number;
}

export function productImageView(row: Selectable<ProductImagesTable>): ProductImage {
  return {
    imageId: row.id,
    width: Number(row.width),
    height: Number(row.height),
    urls: imageUrls(row.hash),
  };
}

/** Photos of these products, each list main photo first. */
export async function imagesOf(
  db: Kysely<Database>,
  productIds: readonly string[],
): Promise<Map<string, ProductImage[]>> {
  const out = new Map<string, ProductImage[]>();
  if (productIds.length === 0) return out;
  const rows = await db
    .selectFrom('product_images')
    .selectAll()
    .where('product_id', 'in', [...productIds])
    .orderBy('position')
    .orderBy('id')
    .execute();
  for (const r of rows) {
    const list = out.get(r.product_id) ?? [];
    list.push(productImageView(r));
    out.set(r.product_id, list);
  }
  return out;
}

export class ProductImages {
  readonly #store: Store;
  readonly #maxPerProduct: number;

  constructor(store: Store, opts: { maxPerProduct?: number } = {}) {
    this.#store = store;
    this.#maxPerProduct = opts.maxPerProduct ?? 8;
  }

  /** Whether the product exists (checked before the gateway spends CPU on resizing). */
  async productExists(productId: string): Promise<boolean> {
    const row = await this.#store.db
      .selectFrom('products')
      .select('id')
      .where('id', '=', productId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Records a stored image as the product's last photo. The same image again answers the existing row.
   * PRODUCT_IMAGE_LIMIT past the per-product maximum; NOT_FOUND for an unknown product.
   */
  async add(productId: string, image: StoredImage, nowMs = Date.now()): Promise<ProductImage> {
    return this.#store.transaction(async (trx) => {
      // The product row is the lock that makes count-then-insert safe against a concurrent upload.
      const product = await trx
        .selectFrom('products')
        .select('id')
        .where('id', '=', productId)
        .$call((q) => (this.#store.dialect === 'postgres' ? q.forUpdate() : q))
        .executeTakeFirst();
      if (!product) throw new VitaliveError('NOT_FOUND', { what: `Product ${productId}` });
      const existing = await trx
        .selectFrom('product_images')
        .selectAll()
        .where('product_id', '=', productId)
        .orderBy('position')
        .execute();
      const same = existing.find((r) => r.hash === image.hash);
      if (same) return productImageView(same);
      if (existing.length >= this.#maxPerProduct)
        throw new VitaliveError('PRODUCT_IMAGE_LIMIT', { limit: this.#maxPerProduct });
      const row: Selectable<ProductImagesTable> = {
        id: randomUUID(),
        product_id: productId,
        hash: image.hash,
        width: image.width,
        height: image.height,
        position: existing.reduce((max, r) => Math.max(max, Number(r.position)), -1) + 1,
        created_at_ms: nowMs,
      };
      await trx.insertInto('product_images').values(row).execute();
      await trx.updateTable('products').set({ updated_at_ms: nowMs }).where('id', '=', productId).execute();
      await appendEvent(trx, {
        type: 'product.updated',
        aggregateId: productId,
        payload: { productId, changed: ['images'] },
      });
      return productImageView(row);
    });
  }

  /**
   * Removes a photo from a product. Resolves with its hash and whether any product still uses the same
   * image (when none does, the gateway deletes the files).
   */
  async remove(
    productId: string,
    imageId: string,
    nowMs = Date.now(),
  ): Promise<{ hash: string; inUse: boolean }> {
    return this.#store.transaction(async (trx) => {
      const row = await trx
        .selectFrom('product_images')
        .selectAll()
        .where('id', '=', imageId)
        .where('product_id', '=', productId)
        .executeTakeFirst();
      if (!row) throw new VitaliveError('NOT_FOUND', { what: `Image ${imageId} of product ${productId}` });
      await trx.deleteFrom('product_images').where('id', '=', imageId).execute();
      await trx.updateTable('products').set({ updated_at_ms: nowMs }).where('id', '=', productId).execute();
      await appendEvent(trx, {
        type: 'product.updated',
        aggregateId: productId,
        payload: { productId, changed: ['images'] },
      });
      return { hash: row.hash, inUse: await this.#hashInUse(trx, row.hash) };
    });
  }

  /** Whether any product names this image (a file with no row is an upload that did not complete). */
  hashInUse(hash: string): Promise<boolean> {
    return this.#hashInUse(this.#store.db, hash);
  }

  async #hashInUse(db: Kysely<Database>, hash: string): Promise<boolean> {
    const used = await db
      .selectFrom('product_images')
      .select('id')
      .where('hash', '=', hash)
      .executeTakeFirst();
    return used !== undefined;
  }
}
