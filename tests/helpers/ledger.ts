// Ledger fixtures: channels and referred buyers seeded into the store, a paid order made through the real
// Orders API, and synchronous delivery of the outbox to a consumer (what a bus does, minus the timing).
import { randomUUID } from 'node:crypto';
import { applyBatch } from '../../commerce/events/index.ts';
import {
  type EventConsumer,
  INVITE_CODE_LENGTH,
  type Order,
  type Orders,
  randomCode,
  readEvents,
  type Store,
} from '../../commerce/internals.ts';
import type { TokenService } from '../../gateway/auth/index.ts';
import { type Seeded, seedPerson } from './people.ts';
import { PICKUP } from './sales.ts';

export async function seedChannel(
  store: Store,
  opts: { commissionBps: number; managerId?: string; name?: string },
): Promise<string> {
  const id = randomUUID();
  const now = Date.now();
  await store.db
    .insertInto('channels')
    .values({
      id,
      name: opts.name ?? `Channel ${id.slice(0, 6)}`,
      manager_id: opts.managerId ?? null,
      commission_bps: opts.commissionBps,
      invite_code: randomCode(INVITE_CODE_LENGTH),
      archived_at_ms: null,
      created_at_ms: now,
      updated_at_ms: now,
    })
    .execute();
  return id;
}

/** A referrer of the given tier and a buyer they referred, in the given channel. */
export async function referredBuyer(
  store: Store,
  tokens: TokenService,
  opts: { tier?: string; channelId?: string | null } = {},
): Promise<{ referrer: Seeded; buyer: Seeded }> {
  const referrer = await seedPerson(store, tokens, { tier: opts.tier ?? 'basic' });
  const buyer = await seedPerson(store, tokens, {
    referredBy: referrer.person.id,
    channelId: opts.channelId ?? null,
  });
  return { referrer, buyer };
}

export const actorOf = (s: Seeded) => ({ personId: s.person.id, roles: s.person.roles });

let keySeq = 0;

/** Places an order on the card (manual payment) and returns it; throws with the coded body otherwise. */
export async function placeOrder(
  orders: Orders,
  buyer: Seeded,
  cardId: string,
  extra: { quantity?: number; redeemCreditMinor?: number } = {},
): Promise<Order> {
  const reply = await orders.place(
    actorOf(buyer),
    { cardId, quantity: extra.quantity ?? 1, fulfilment: PICKUP, ...extra } as never,
    `ledger-${process.pid}-${++keySeq}`,
  );
  if (reply.status !== 201) throw Object.assign(new Error(JSON.stringify(reply.body)), { reply });
  return reply.body as Order;
}

/** Applies every outbox event after the consumer's stored position, in batches, as a bus would. */
export async function deliver(store: Store, consumer: EventConsumer): Promise<number> {
  let applied = 0;
  for (;;) {
    const pos = await store.db
      .selectFrom('consumer_positions')
      .select('position')
      .where('consumer', '=', consumer.name)
      .executeTakeFirst();
    const events = await readEvents(store.db, Number(pos?.position ?? 0), 200);
    if (events.length === 0) return applied;
    applied += await applyBatch(store.db, consumer, consumer.name, events);
  }
}

export interface EntryRow {
  orderId: string;
  rule: string;
  accountKind: string;
  accountId: string;
  amountMinor: number;
  status: string;
}

export async function entriesOfOrder(store: Store, orderId: string): Promise<EntryRow[]> {
  const rows = await store.db
    .selectFrom('ledger_entries')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    orderId: r.order_id,
    rule: r.rule,
    accountKind: r.account_kind,
    accountId: r.account_id,
    amountMinor: Number(r.amount_minor),
    status: r.status,
  }));
}

export async function countEntries(store: Store): Promise<number> {
  const r = await store.db
    .selectFrom('ledger_entries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
