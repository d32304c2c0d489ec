// The first-order milestones of a batch of outbox events, planned with one read for the batch's buyers
// instead of a few statements per order: every sale places orders, and most buyers either already have
// their first order or belong to no channel. Buyers who have one are skipped. A buyer in no channel
// gets only the milestone row (no record to show it on and nobody to tell, as recordMilestone does for
// them); those rows are written when the batch ends. A buyer in a channel is left to recordMilestone
// (record, history and the follow_up.milestone event). On SQLite both statements are prepared once
// (the batch's ids go in as one JSON array); otherwise the read takes them as one array and the rows
// go in one insert.
import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../migrations/dialect.ts';
import type { DomainEvent } from '../outbox.ts';
import type { Database } from '../schema.ts';
import type { SqliteStatements } from '../store.ts';

export interface FirstOrderPlan {
  /** True for the order.placed event whose milestone the caller records itself (a buyer in a channel). */
  recordsOne(e: DomainEvent): boolean;
  /** Writes the milestones kept for the end of the batch. */
  flush(): Promise<void>;
}

export type FirstOrderPlanner = (trx: Kysely<Database>, events: DomainEvent[]) => Promise<FirstOrderPlan>;

interface BuyerRow {
  person_id: string;
  had: unknown;
  in_channel: unknown;
}

const NOTHING: FirstOrderPlan = { recordsOne: () => false, flush: async () => {} };

const SQL = {
  sqliteBuyers:
    'select j.value as person_id, ' +
    "exists (select 1 from follow_up_milestones m where m.person_id = j.value and m.kind = 'first_order') as had, " +
    'exists (select 1 from people p where p.id = j.value and p.channel_id is not null) as in_channel ' +
    'from json_each(?) j',
  sqliteInsert:
    'insert into follow_up_milestones (person_id, kind, ref_id, ref_type, at_ms, event_id) ' +
    "values (?, 'first_order', ?, 'order', ?, ?) on conflict (person_id, kind, ref_id) do nothing",
};

const str = (e: DomainEvent, k: string): string | null =>
  typeof e.payload[k] === 'string' && e.payload[k] !== '' ? (e.payload[k] as string) : null;

/** Whether each buyer has a first order already and whether they belong to a channel: one statement. */
async function readBuyers(
  trx: Kysely<Database>,
  sqlite: SqliteStatements | undefined,
  ids: string[],
): Promise<BuyerRow[]> {
  if (sqlite) return sqlite.prepare(SQL.sqliteBuyers).all(JSON.stringify(ids)) as BuyerRow[];
  const buyers = isPostgres(trx as Kysely<unknown>)
    ? sql`unnest(${ids}::text[]) as j(value)`
    : sql`json_each(${JSON.stringify(ids)}) as j`;
  const { rows } = await sql<BuyerRow>`
    select j.value as person_id,
      exists (select 1 from follow_up_milestones m
               where m.person_id = j.value and m.kind = 'first_order') as had,
      exists (select 1 from people p where p.id = j.value and p.channel_id is not null) as in_channel
    from ${buyers}`.execute(trx);
  return rows;
}

/** `sqlite`: the store's prepared statements on SQLite (the consumer's transaction holds that connection). */
export function firstOrderPlanner(sqlite: SqliteStatements | undefined): FirstOrderPlanner {
  return async (trx, events) => {
    // Each buyer's first order.placed in the batch; later ones cannot be a first order.
    const firstOf = new Map<string, DomainEvent>();
    for (const e of events) {
      if (e.type !== 'order.placed') continue;
      const personId = str(e, 'personId');
      if (personId && str(e, 'orderId') && !firstOf.has(personId)) firstOf.set(personId, e);
    }
    if (firstOf.size === 0) return NOTHING;
    const buyers = await readBuyers(trx, sqlite, [...firstOf.keys()]);
    const own = new Set<number>();
    const rows: Array<{ personId: string; orderId: string; atMs: number; eventId: number }> = [];
    for (const b of buyers) {
      if (Number(b.had) || b.had === true) continue;
      const e = firstOf.get(b.person_id)!;
      if (Number(b.in_channel) || b.in_channel === true) own.add(e.id);
      else
        rows.push({ personId: b.person_id, orderId: str(e, 'orderId')!, atMs: e.createdAtMs, eventId: e.id });
    }
    return {
      recordsOne: (e) => own.has(e.id),
      flush: async () => {
        if (rows.length === 0) return;
        if (sqlite) {
          const insert = sqlite.prepare(SQL.sqliteInsert);
          for (const r of rows) insert.run(r.personId, r.orderId, r.atMs, r.eventId);
          return;
        }
        await trx
          .insertInto('follow_up_milestones')
          .values(
            rows.map((r) => ({
              person_id: r.personId,
              kind: 'first_order',
              ref_id: r.orderId,
              ref_type: 'order',
              at_ms: r.atMs,
              event_id: r.eventId,
            })),
          )
          .onConflict((oc) => oc.columns(['person_id', 'kind', 'ref_id']).doNothing())
          .execute();
      },
    };
  };
}
