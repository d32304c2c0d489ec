// What happened to a message after it left: the provider's delivery receipt and the first click on its
// tracked link, so staff see delivered and clicked figures per kind and channel; and the single-use
// `state` values of WeChat web authorisation.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  /** 'delivered' | 'undelivered', as the provider's receipt says; null: no receipt (yet). */
  await db.schema.alterTable('messages').addColumn('receipt', 'varchar(12)').execute();
  await db.schema.alterTable('messages').addColumn('receipt_at_ms', 'bigint').execute();
  /** The first time the person opened the message's tracked link. */
  await db.schema.alterTable('messages').addColumn('clicked_at_ms', 'bigint').execute();
  // Receipts name the message by the id the provider gave it. Partial: queued messages (no id yet) cost
  // the go-live's bulk insert and every claim nothing here.
  await db.schema
    .createIndex('messages_provider_id')
    .on('messages')
    .column('provider_id')
    .where('provider_id', 'is not', null)
    .execute();

  await db.schema
    .createTable('oauth_states')
    /** Hex nonce; the state handed to WeChat is this nonce, its expiry and an HMAC over both. */
    .addColumn('nonce', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('person_id', 'varchar(64)', (c) => c.notNull().references('people.id'))
    .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('oauth_states_person')
    .on('oauth_states')
    .columns(['person_id', 'expires_at_ms'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oauth_states').execute();
  await db.schema.dropIndex('messages_provider_id').execute();
  for (const c of ['clicked_at_ms', 'receipt_at_ms', 'receipt'])
    await db.schema.alterTable('messages').dropColumn(c).execute();
}
