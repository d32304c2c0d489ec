// Products and their SKUs: multilingual titles, price, stock on hand, health-goal tags and the reading
// metrics a product relates to. Staff maintain it; cards on live sessions draw their stock from it.
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import { appendEvent } from '../outbox.ts';
import { uniqueViolation } from '../people/unique-violation.ts';
import type { Store } from '../store.ts';
import { checkMetricRanges, uniqueTags } from './metric-ranges.ts';
import { imagesOf } from './product-images.ts';
import type { ProductsTable } from './tables.ts';
import { type Localised, type MetricRange, type Product, type Sku, skuView } from './views.ts';

export interface NewSku {
  code: string;
  titles?: Localised | undefined;
  priceMinor: number;
  currency: string;
  stock: number;
}

/** What staff change on an existing product; absent fields stay as they are. */
export interface ProductChanges {
  tags?: string[] | undefined;
  metrics?: MetricRange[] | undefined;
}

export interface NewProduct {
  titles: Localised;
  descriptions?: Localised | undefined;
  tags?: string[] | undefined;
  metrics?: MetricRange[] | undefined;
  skus: NewSku[];
}

const EMPTY: Localised = { en: '', 'zh-Hans': '', 'zh-Hant': '' };

export class Catalog {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async create(input: NewProduct, nowMs = Date.now()): Promise<Product> {
    const metrics = checkMetricRanges(input.metrics ?? []);
    const productId = randomUUID();
    try {
      await this.#store.transaction(async (trx) => {
        await trx
          .insertInto('products')
          .values({
            id: productId,
            titles: JSON.stringify(input.titles),
            descriptions: JSON.stringify(input.descriptions ?? EMPTY),
            tags: JSON.stringify(uniqueTags(input.tags ?? [])),
            metrics: JSON.stringify(metrics),
            created_at_ms: nowMs,
            updated_at_ms: nowMs,
          })
          .execute();
        for (const sku of input.skus) {
          await trx
            .insertInto('skus')
            .values({
              id: randomUUID(),
              product_id: productId,
              code: sku.code,
              titles: JSON.stringify(sku.titles ?? input.titles),
              price_minor: sku.priceMinor,
              currency: sku.currency.toUpperCase(),
              stock_on_hand: sku.stock,
              created_at_ms: nowMs,
            })
            .execute();
        }
        await appendEvent(trx, {
          type: 'product.created',
          aggregateId: productId,
          payload: { productId, skus: input.skus.map((s) => s.code) },
        });
      });
    } catch (err) {
      if (uniqueViolation(err))
        throw new VitaliveError('SKU_CODE_TAKEN', { code: duplicateCode(input.skus) });
      throw err;
    }
    return (await this.get(productId))!;
  }

  /** Replaces the product's tags and/or reading ranges (each list whole, as the editor shows it). */
  async update(productId: string, changes: ProductChanges, nowMs = Date.now()): Promise<Product> {
    const set: { tags?: string; metrics?: string; updated_at_ms: number } = { updated_at_ms: nowMs };
    if (changes.tags) set.tags = JSON.stringify(uniqueTags(changes.tags));
    if (changes.metrics) set.metrics = JSON.stringify(checkMetricRanges(changes.metrics));
    await this.#store.transaction(async (trx) => {
      const res = await trx.updateTable('products').set(set).where('id', '=', productId).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1)
        throw new VitaliveError('NOT_FOUND', { what: `Product ${productId}` });
      await appendEvent(trx, {
        type: 'product.updated',
        aggregateId: productId,
        payload: { productId, changed: Object.keys(changes).filter((k) => k === 'tags' || k === 'metrics') },
      });
    });
    return (await this.get(productId))!;
  }

  async get(productId: string): Promise<Product | undefined> {
    const row = await this.#store.db
      .selectFrom('products')
      .selectAll()
      .where('id', '=', productId)
      .executeTakeFirst();
    return row ? (await this.#withSkus([row]))[0] : undefined;
  }

  /** Newest first; `tag` keeps products carrying that health goal. */
  async list(opts: { tag?: string | undefined; limit: number; offset: number }): Promise<Product[]> {
    const q = this.#store.db
      .selectFrom('products')
      .selectAll()
      .orderBy('created_at_ms', 'desc')
      .orderBy('id');
    if (!opts.tag) return this.#withSkus(await q.limit(opts.limit).offset(opts.offset).execute());
    // Tags are a JSON array: the quoted tag narrows in SQL, the parsed list confirms.
    const tag = opts.tag;
    const rows = (await q.where('tags', 'like', `%${JSON.stringify(tag)}%`).execute()).filter((r) =>
      (JSON.parse(r.tags) as string[]).includes(tag),
    );
    return this.#withSkus(rows.slice(opts.offset, opts.offset + opts.limit));
  }

  /** Product rows with their SKUs and photos, in one query each. */
  async #withSkus(rows: Selectable<ProductsTable>[]): Promise<Product[]> {
    if (rows.length === 0) return [];
    const skus = await this.#store.db
      .selectFrom('skus')
      .selectAll()
      .where(
        'product_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('code')
      .execute();
    const images = await imagesOf(
      this.#store.db,
      rows.map((r) => r.id),
    );
    return rows.map((row) => ({
      productId: row.id,
      titles: JSON.parse(row.titles) as Localised,
      descriptions: JSON.parse(row.descriptions) as Localised,
      tags: JSON.parse(row.tags) as string[],
      metrics: JSON.parse(row.metrics) as MetricRange[],
      skus: skus.filter((k) => k.product_id === row.id).map(skuView),
      images: images.get(row.id) ?? [],
      createdAtMs: Number(row.created_at_ms),
    }));
  }

  async sku(skuId: string): Promise<Sku | undefined> {
    const row = await this.#store.db
      .selectFrom('skus')
      .selectAll()
      .where('id', '=', skuId)
      .executeTakeFirst();
    return row ? skuView(row) : undefined;
  }

  /**
   * Adds (or, with a negative delta, removes) units on hand; never below zero. One conditional update,
   * so concurrent adjustments (and placements returning units) never lose one another's change.
   */
  async adjustStock(skuId: string, delta: number): Promise<Sku> {
    const res = await this.#store.db
      .updateTable('skus')
      .set((eb) => ({ stock_on_hand: eb('stock_on_hand', '+', delta) }))
      .where('id', '=', skuId)
      .where('stock_on_hand', '>=', -delta)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) {
      const sku = await this.sku(skuId);
      if (!sku) throw new VitaliveError('NOT_FOUND', { what: `SKU ${skuId}` });
      throw new VitaliveError('STOCK_INSUFFICIENT', { skuId, available: sku.stockOnHand });
    }
    return (await this.sku(skuId))!;
  }
}

function duplicateCode(skus: NewSku[]): string {
  const seen = new Set<string>();
  for (const s of skus) {
    if (seen.has(s.code)) return s.code;
    seen.add(s.code);
  }
  return skus.map((s) => s.code).join(', ');
}
