// Product photos: each row names a content-addressed image (the SHA-256 of the uploaded bytes) whose
// resized WebP files the gateway keeps in DATA_DIR/images; the first by position is the product's photo.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('product_images')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('product_id', 'varchar(40)', (c) => c.notNull())
    /** Hex SHA-256 of the uploaded bytes; the files are <hash>-<width>.webp. */
    .addColumn('hash', 'varchar(64)', (c) => c.notNull())
    /** Width and height of the largest stored size. */
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('product_images_product_hash', ['product_id', 'hash'])
    .execute();
  await db.schema
    .createIndex('product_images_product')
    .on('product_images')
    .columns(['product_id', 'position'])
    .execute();
  await db.schema.createIndex('product_images_hash').on('product_images').columns(['hash']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('product_images').execute();
}
