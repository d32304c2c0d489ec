// The ledger of referral credit and channel commission: append-only entries, one per (order, rule), whose
// sums are every balance; and the credit a member applied to an order (redemption).
import type { Kysely } from 'kysely';
import { serialId } from './dialect.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ledger_entries')
    .addColumn('id', ...serialId(db))
    .addColumn('order_id', 'varchar(40)', (c) => c.notNull())
    /** referral | commission | referral.reversal | commission.reversal | redeem | redeem.return */
    .addColumn('rule', 'varchar(32)', (c) => c.notNull())
    /** person (referral credit) | channel (commission) */
    .addColumn('account_kind', 'varchar(8)', (c) => c.notNull())
    .addColumn('account_id', 'varchar(40)', (c) => c.notNull())
    /** Signed, in minor units of `currency`. */
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'varchar(3)', (c) => c.notNull())
    /** The order amount the rate applied to, and the rate (basis points); 0 for redemptions. */
    .addColumn('base_minor', 'bigint', (c) => c.notNull())
    .addColumn('rate_bps', 'integer', (c) => c.notNull())
    /**
     * pending | available | reversed | paid_out (0016: an available entry of a payout run marked paid):
     * it only ever moves forward (pending → available → paid_out, pending → reversed).
     */
    .addColumn('status', 'varchar(12)', (c) => c.notNull())
    .addColumn('available_at_ms', 'bigint', (c) => c.notNull())
    /** The outbox event that caused the entry (null for a redemption written in the order's transaction). */
    .addColumn('event_id', 'bigint')
    .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('ledger_entries_order_rule', ['order_id', 'rule'])
    .execute();
  await db.schema
    .createIndex('ledger_entries_account')
    .on('ledger_entries')
    .columns(['account_kind', 'account_id', 'status'])
    .execute();
  await db.schema
    .createIndex('ledger_entries_due')
    .on('ledger_entries')
    .columns(['status', 'available_at_ms'])
    .execute();
  // Credit applied to the order at placement; the buyer pays total_minor - credit_minor.
  await db.schema
    .alterTable('orders')
    .addColumn('credit_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('orders_paid_at').on('orders').column('paid_at_ms').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('orders_paid_at').execute();
  await db.schema.alterTable('orders').dropColumn('credit_minor').execute();
  await db.schema.dropTable('ledger_entries').execute();
}
