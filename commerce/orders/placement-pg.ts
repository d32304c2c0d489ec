// The PostgreSQL order path in few round trips. Two kinds of calls, each batched over the requests that
// arrive together (batcher.ts):
//   lookup — the key's stored answer, the card's per-member limit and the member's holding, for every
//            attempt of a batch in one SELECT (the attempts of a storm mostly find nothing stored);
//   place  — place_orders() (migration 0025): every placement of a batch in one statement, one commit.
// Positions for the batch's events are given right after its commit (outbox_sequence(), as
// store.transaction() does), before any of its placements is answered.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { positionPendingEvents } from '../outbox.ts';
import type { Database } from '../schema.ts';
import { Batcher } from './batcher.ts';

export interface PlacementLookup {
  /** The stored key row (request_hash, status_code, body), if the key was seen. */
  stored: unknown;
  /** The card's per-member limit and the member's holding; undefined for an unknown card. */
  allowance: { limit: number; held: number } | undefined;
}

export interface PgPlacementRequest {
  cardId: string;
  personId: string;
  quantity: number;
  orderId: string;
  provider: string;
  /** The fulfilment as stored (JSON text). */
  fulfilment: string;
  reservationMs: number;
  checkoutUrl: string | null;
  key: string;
  hash: string;
}

export type PgPlacementOutcome =
  | { outcome: 'placed'; remaining: number; body: unknown; positioned: Promise<void> }
  | { outcome: 'replay' | 'not_found' | 'sold_out' | 'insufficient' }
  | { outcome: 'session_state' | 'card_state'; state: string }
  | { outcome: 'limit'; limit: number };

interface LookupInput {
  personId: string;
  key: string;
  cardId: string;
}

interface LookupRow {
  i: number | string;
  request_hash: string | null;
  status_code: number | null;
  body: string | null;
  lim: number | null;
  held: number | null;
}

interface PlaceRow {
  idx: number;
  outcome: string;
  detail: string | null;
  remaining: number | null;
  body: string | null;
}

const DEADLOCK = '40P01';
const RETRIES = 3;

export class PgPlacements {
  readonly #db: Kysely<Database>;
  readonly #logger: Logger | undefined;
  readonly #lookups: Batcher<LookupInput, PlacementLookup>;
  readonly #places: Batcher<PgPlacementRequest, PgPlacementOutcome | { failed: unknown }>;

  constructor(db: Kysely<Database>, opts: { logger?: Logger; maxInFlight?: number } = {}) {
    this.#db = db;
    this.#logger = opts.logger;
    const maxInFlight = opts.maxInFlight ?? 2;
    this.#lookups = new Batcher((b) => this.#lookup(b), { maxBatch: 256, maxInFlight });
    this.#places = new Batcher((b) => this.#place(b), { maxBatch: 128, maxInFlight });
  }

  lookup(personId: string, key: string, cardId: string): Promise<PlacementLookup> {
    return this.#lookups.submit({ personId, key, cardId });
  }

  async place(req: PgPlacementRequest): Promise<PgPlacementOutcome> {
    const done = await this.#places.submit(req);
    if ('failed' in done) throw done.failed;
    return done;
  }

  async #lookup(batch: LookupInput[]): Promise<PlacementLookup[]> {
    const { rows } = await sql<LookupRow>`
      select u.i, k.request_hash, k.status_code, k.body, c.per_member_limit as lim, h.quantity as held
        from unnest(${batch.map((b) => b.personId)}::text[], ${batch.map((b) => b.key)}::text[],
                    ${batch.map((b) => b.cardId)}::text[]) with ordinality as u(person_id, key, card_id, i)
        left join idempotency_keys k on k.person_id = u.person_id and k.key = u.key
        left join cards c on c.id = u.card_id
        left join card_holdings h on h.card_id = u.card_id and h.person_id = u.person_id`.execute(this.#db);
    const out: PlacementLookup[] = new Array(batch.length);
    for (const r of rows) {
      out[Number(r.i) - 1] = {
        stored: r.request_hash === null ? undefined : r,
        allowance: r.lim === null ? undefined : { limit: Number(r.lim), held: Number(r.held ?? 0) },
      };
    }
    return out;
  }

  async #place(batch: PgPlacementRequest[]): Promise<Array<PgPlacementOutcome | { failed: unknown }>> {
    try {
      return await this.#placeAll(batch);
    } catch (failed) {
      if (batch.length === 1) return [{ failed }];
      // One placement must not fail the others: each goes alone. The batch's statement was undone
      // whole; had it committed after all (a connection lost at the commit), each key is stored and
      // its placement answers 'replay', which reads the stored answer.
      return Promise.all(
        batch.map((one) =>
          this.#placeAll([one]).then(
            ([o]) => o!,
            (err: unknown) => ({ failed: err }),
          ),
        ),
      );
    }
  }

  async #placeAll(batch: PgPlacementRequest[]): Promise<PgPlacementOutcome[]> {
    // Cards, then members, in one order across batches and nodes: row locks are taken in that order.
    const order = batch
      .map((_, i) => i)
      .sort((a, b) => cmp(batch[a]!.cardId, batch[b]!.cardId) || cmp(batch[a]!.personId, batch[b]!.personId));
    const sorted = order.map((i) => batch[i]!);
    let rows: PlaceRow[] | undefined;
    for (let attempt = 1; !rows; attempt++) {
      try {
        rows = await this.#call(sorted, Date.now());
      } catch (err) {
        // Two batches (or a batch and another writer) took rows in crossed order: one was undone whole.
        if ((err as { code?: string }).code !== DEADLOCK || attempt >= RETRIES) throw err;
      }
    }
    const anyPlaced = rows.some((r) => r.outcome === 'placed');
    const positioned = anyPlaced ? this.#position() : Promise.resolve();
    const out: PgPlacementOutcome[] = new Array(batch.length);
    for (const r of rows) out[order[r.idx - 1]!] = outcomeOf(r, positioned);
    return out;
  }

  #call(batch: PgPlacementRequest[], nowMs: number): Promise<PlaceRow[]> {
    const col = <K extends keyof PgPlacementRequest>(k: K) => batch.map((b) => b[k]);
    return sql<PlaceRow>`
      select idx, outcome, detail, remaining, body from place_orders(
        ${col('cardId')}::text[], ${col('personId')}::text[], ${col('quantity')}::integer[],
        ${col('orderId')}::text[], ${col('provider')}::text[], ${col('fulfilment')}::text[],
        ${col('reservationMs')}::bigint[], ${col('checkoutUrl')}::text[], ${col('key')}::text[],
        ${col('hash')}::text[], ${nowMs}::bigint)`
      .execute(this.#db)
      .then((r) => r.rows);
  }

  /** The committed batch's events get their outbox positions; a failure leaves them to the next reader. */
  async #position(): Promise<void> {
    const result = await positionPendingEvents(this.#db).catch((err: unknown) => err as Error);
    if (result instanceof Error || result === 'stalled') {
      const err = result instanceof Error ? result.message : 'sequencer lock held past its bound';
      this.#logger?.warn({ err }, 'outbox: positioning after commit failed; left to the next reader');
    }
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function outcomeOf(r: PlaceRow, positioned: Promise<void>): PgPlacementOutcome {
  switch (r.outcome) {
    case 'placed':
      return { outcome: 'placed', remaining: Number(r.remaining), body: JSON.parse(r.body!), positioned };
    case 'session_state':
    case 'card_state':
      return { outcome: r.outcome, state: String(r.detail) };
    case 'limit':
      return { outcome: 'limit', limit: Number(r.detail) };
    case 'replay':
    case 'not_found':
    case 'sold_out':
    case 'insufficient':
      return { outcome: r.outcome };
    default:
      throw new Error(`place_orders: unknown outcome ${r.outcome}`);
  }
}
