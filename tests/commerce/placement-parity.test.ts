// The placement rules are written twice: commerce/orders/place.ts (SQLite, and PostgreSQL when credit is
// redeemed) and the PL/pgSQL place_orders() of migration 0025 (PostgreSQL without credit). Every case of
// the table below runs on both stores and must answer the same and leave the same rows (orders, the
// card, holdings, stored key answers, outbox events, ledger entries): a rule changed on one side only
// fails here. Ids and times are replaced by labels before comparing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger, LiveSales, type Orders, releaseDue, type Store } from '../../commerce/internals.ts';
import { actorOf, deliver, placeOrder, referredBuyer, seedChannel } from '../helpers/ledger.ts';
import {
  openTestStore,
  type Seeded,
  seedPerson,
  seedStaff,
  type TestStore,
  testTokens,
} from '../helpers/people.ts';
import { liveCard, PICKUP, testOrders } from '../helpers/sales.ts';

const tokens = testTokens();
const REFUND_WINDOW_MS = 1000;

/** What is done to the case's card (or its session) before the placements. */
type Setup = 'pinned' | 'draft' | 'unpinned' | 'expired' | 'not-open' | 'closed' | 'session-ended';

interface Step {
  who: 'a' | 'b';
  quantity?: number;
  /** The Idempotency-Key; a fresh one when absent. */
  key?: string;
  card?: 'unknown';
  redeemCreditMinor?: number;
}

interface Case {
  name: string;
  setup?: Setup;
  units?: number;
  perMemberLimit?: number;
  /** Buyer `a` holds 8,000 CNY of available credit. */
  credit?: boolean;
  steps: Step[];
  /** Each step's answer: 201 or the refusal's code (the same on both stores). */
  answers: Array<201 | string>;
}

const CASES: Case[] = [
  { name: 'a pinned card sells', steps: [{ who: 'a' }], answers: [201] },
  {
    name: 'a card unpinned since its pin still sells (the open-card rule)',
    setup: 'unpinned',
    steps: [{ who: 'a' }],
    answers: [201],
  },
  {
    name: 'a draft card was never shown',
    setup: 'draft',
    steps: [{ who: 'a' }],
    answers: ['CARD_STATE_INVALID'],
  },
  {
    name: 'an expired card is closed',
    setup: 'expired',
    steps: [{ who: 'a' }],
    answers: ['CARD_STATE_INVALID'],
  },
  {
    name: 'a countdown not open yet',
    setup: 'not-open',
    steps: [{ who: 'a' }],
    answers: ['CARD_STATE_INVALID'],
  },
  {
    name: 'a countdown that has closed',
    setup: 'closed',
    steps: [{ who: 'a' }],
    answers: ['CARD_STATE_INVALID'],
  },
  {
    name: 'a session that ended sells nothing',
    setup: 'session-ended',
    steps: [{ who: 'a' }],
    answers: ['SESSION_STATE_INVALID'],
  },
  { name: 'an unknown card', steps: [{ who: 'a', card: 'unknown' }], answers: ['NOT_FOUND'] },
  {
    name: 'the last units sell the card out; the next buyer finds it sold out',
    units: 3,
    steps: [{ who: 'a', quantity: 3 }, { who: 'b' }],
    answers: [201, 'CARD_SOLD_OUT'],
  },
  {
    name: 'more units than are left take nothing',
    units: 2,
    steps: [
      { who: 'a', quantity: 3 },
      { who: 'b', quantity: 2 },
    ],
    answers: ['CARD_SOLD_OUT', 201],
  },
  {
    name: 'one order over the per-member limit',
    perMemberLimit: 2,
    steps: [{ who: 'a', quantity: 3 }],
    answers: ['ORDER_LIMIT_EXCEEDED'],
  },
  {
    name: 'orders that add up past the per-member limit; another member still buys',
    perMemberLimit: 2,
    steps: [{ who: 'a' }, { who: 'a', quantity: 2 }, { who: 'b', quantity: 2 }],
    answers: [201, 'ORDER_LIMIT_EXCEEDED', 201],
  },
  {
    name: 'the quantity bounds: exactly the limit and exactly the units left',
    units: 4,
    perMemberLimit: 4,
    steps: [{ who: 'a', quantity: 4 }],
    answers: [201],
  },
  {
    name: 'a replayed key answers its first answer and places nothing more',
    steps: [
      { who: 'a', key: 'same' },
      { who: 'a', key: 'same' },
    ],
    answers: [201, 201],
  },
  {
    name: 'a key reused with another body is refused',
    steps: [
      { who: 'a', key: 'same' },
      { who: 'a', key: 'same', quantity: 2 },
    ],
    answers: [201, 'IDEMPOTENCY_KEY_REUSED'],
  },
  {
    name: 'a final refusal is the key’s answer too',
    perMemberLimit: 1,
    steps: [
      { who: 'a', key: 'same', quantity: 2 },
      { who: 'a', key: 'same', quantity: 2 },
    ],
    answers: ['ORDER_LIMIT_EXCEEDED', 'ORDER_LIMIT_EXCEEDED'],
  },
  {
    name: 'a sold-out answer is not stored as the key’s answer',
    units: 1,
    steps: [{ who: 'b' }, { who: 'a', key: 'same' }],
    answers: [201, 'CARD_SOLD_OUT'],
  },
  {
    name: 'credit pays part of the order, capped at the share',
    credit: true,
    steps: [{ who: 'a', redeemCreditMinor: 99_999 }],
    answers: [201],
  },
  {
    name: 'a refused order with credit spends none',
    credit: true,
    perMemberLimit: 1,
    steps: [{ who: 'a', quantity: 2, redeemCreditMinor: 1000 }],
    answers: ['ORDER_LIMIT_EXCEEDED'],
  },
];

interface World {
  store: Store;
  orders: Orders;
  ledger: Ledger;
  staff: Seeded;
}

async function openWorld(t: TestStore): Promise<World> {
  const ledger = new Ledger(t.store, {
    referralRatesBps: { gold: 800 },
    refundWindowMs: REFUND_WINDOW_MS,
    redeemMaxShareBps: 5000,
  });
  return {
    store: t.store,
    orders: testOrders(t.store, { credit: ledger }),
    ledger,
    staff: await seedStaff(t.store, tokens),
  };
}

/** A member holding 8,000 CNY of available credit (8 % of a 100,000 order their referee paid). */
async function memberWithCredit(w: World): Promise<Seeded> {
  const channelId = await seedChannel(w.store, { commissionBps: 0 });
  const { referrer, buyer } = await referredBuyer(w.store, tokens, { tier: 'gold', channelId });
  const { card } = await liveCard(w.store, tokens, { units: 1, priceMinor: 100_000 });
  const paid = await placeOrder(w.orders, buyer, card.cardId);
  await w.orders.confirmManualPayment(actorOf(w.staff), paid.orderId);
  await deliver(w.store, w.ledger.consumer());
  await releaseDue(w.store, Date.now() + REFUND_WINDOW_MS);
  return referrer;
}

/** Runs one case on one store; returns the answers and the rows, ids and times labelled. */
async function run(w: World, c: Case) {
  const a = c.credit ? await memberWithCredit(w) : await seedPerson(w.store, tokens);
  const b = await seedPerson(w.store, tokens);
  const fixture = await liveCard(w.store, tokens, {
    units: c.units ?? 10,
    perMemberLimit: c.perMemberLimit ?? 5,
    priceMinor: 10_000,
    pin: c.setup !== 'draft',
  });
  const { card, session, sales, host } = fixture;
  const hostActor = actorOf(host);
  const now = Date.now();
  switch (c.setup) {
    case 'unpinned':
      await sales.unpin(hostActor, session.sessionId, card.cardId);
      break;
    case 'expired':
      await sales.countdown(hostActor, session.sessionId, card.cardId, now - 60_000, now - 1000);
      expect(await sales.expireDueCards(now)).toBeGreaterThan(0);
      break;
    case 'not-open':
      await sales.countdown(hostActor, session.sessionId, card.cardId, now + 3_600_000, now + 7_200_000);
      break;
    case 'closed':
      // Past its window but not yet swept to `expired`: placement's own time check refuses it.
      await sales.countdown(hostActor, session.sessionId, card.cardId, now - 60_000, now - 1000);
      break;
    case 'session-ended':
      await new LiveSales(w.store).end(hostActor, session.sessionId);
      break;
  }
  const since = await lastOutboxId(w.store);
  const buyers = { a, b };
  const replies = [];
  for (const [i, step] of c.steps.entries()) {
    const key = step.key ?? `step-${i}`;
    replies.push(
      await w.orders.place(
        actorOf(buyers[step.who]),
        {
          cardId: step.card === 'unknown' ? 'no-such-card' : card.cardId,
          quantity: step.quantity ?? 1,
          fulfilment: PICKUP,
          ...(step.redeemCreditMinor ? { redeemCreditMinor: step.redeemCreditMinor } : {}),
        },
        key,
      ),
    );
  }
  const db = w.store.db;
  const people = [a.person.id, b.person.id];
  const orders = await db.selectFrom('orders').selectAll().where('card_id', '=', card.cardId).execute();
  const orderIds = orders.map((o) => o.id);
  const rows = {
    card: await db
      .selectFrom('cards')
      .select(['remaining', 'allotted', 'state'])
      .where('id', '=', card.cardId)
      .executeTakeFirst(),
    orders,
    holdings: await db.selectFrom('card_holdings').selectAll().where('card_id', '=', card.cardId).execute(),
    keys: await db
      .selectFrom('idempotency_keys')
      .select(['person_id', 'key', 'status_code', 'body'])
      .where('person_id', 'in', people)
      .execute(),
    events: await db
      .selectFrom('outbox')
      .select(['type', 'aggregate_id', 'session_id', 'session_seq', 'payload'])
      .where('id', '>', since)
      .where((eb) =>
        eb.or([
          eb('session_id', '=', session.sessionId),
          eb('aggregate_id', 'in', [...orderIds, card.cardId]),
        ]),
      )
      .orderBy('id')
      .execute(),
    ledger:
      orderIds.length === 0
        ? []
        : await db
            .selectFrom('ledger_entries')
            .select(['order_id', 'rule', 'account_kind', 'account_id', 'amount_minor', 'status'])
            .where('order_id', 'in', orderIds)
            .execute(),
  };
  const labels = new Labels({
    [a.person.id]: 'A',
    [b.person.id]: 'B',
    [card.cardId]: 'CARD',
    [session.sessionId]: 'SESSION',
    [card.skuId]: 'SKU',
  });
  const answers = replies.map((r) => (r.status === 201 ? 201 : (r.body as { code: string }).code));
  return {
    answers,
    replies: labels.of(replies),
    rows: labels.of(rows, { sortRows: true }),
  };
}

async function lastOutboxId(store: Store): Promise<number> {
  const r = await store.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(r?.id ?? 0);
}

const TIME_KEY = /(AtMs|UntilMs|_at_ms|_until_ms)$/;
const ID_LIKE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Ids to labels (known ones by name, others in order of appearance), times to 'T', JSON text parsed,
 * numeric strings (PostgreSQL bigints) to numbers; rows of each table sorted.
 */
class Labels {
  readonly #names: Map<string, string>;
  constructor(known: Record<string, string>) {
    this.#names = new Map(Object.entries(known));
  }

  of(value: unknown, opts: { sortRows?: boolean } = {}, key = ''): unknown {
    if (TIME_KEY.test(key) && value !== null) return 'T';
    if (typeof value === 'string') {
      const named = this.#names.get(value);
      if (named) return named;
      if (ID_LIKE.test(value)) {
        const label = `ID${this.#names.size}`;
        this.#names.set(value, label);
        return label;
      }
      if ((value.startsWith('{') || value.startsWith('[')) && value.length > 1) {
        try {
          return this.of(JSON.parse(value), {}, key);
        } catch {
          return value;
        }
      }
      if (/^-?\d+$/.test(value) && key !== 'key') return Number(value);
      return value;
    }
    if (typeof value === 'bigint') return Number(value);
    if (Array.isArray(value)) {
      const items = value.map((v) => this.of(v, {}, key));
      return opts.sortRows ? items.sort((x, y) => cmp(JSON.stringify(x), JSON.stringify(y))) : items;
    }
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(value).sort())
        out[k] = this.of(
          (value as Record<string, unknown>)[k],
          { sortRows: opts.sortRows && k !== 'events' },
          k,
        );
      return out;
    }
    return value;
  }
}

const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

describe('placement rules: SQLite and PostgreSQL answer alike', () => {
  let sqlite: TestStore;
  let postgres: TestStore;
  let worlds: { sqlite: World; postgres: World };

  beforeAll(async () => {
    [sqlite, postgres] = await Promise.all([openTestStore('sqlite'), openTestStore('postgres')]);
    worlds = { sqlite: await openWorld(sqlite), postgres: await openWorld(postgres) };
  }, 60_000);
  afterAll(async () => {
    await sqlite?.cleanup();
    await postgres?.cleanup();
  });

  it.each(CASES)('$name', async (c) => {
    const onSqlite = await run(worlds.sqlite, c);
    const onPostgres = await run(worlds.postgres, c);
    expect(onSqlite.answers).toEqual(c.answers);
    expect(onPostgres).toEqual(onSqlite);
  });
});
