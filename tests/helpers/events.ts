// Helpers for outbox tests: write N events, and a transactional consumer whose effect rows make
// double application impossible to miss (primary key on the event id).
import type { Kysely } from 'kysely';
import { appendEvent, type Database, type EventConsumer, type Store } from '../../commerce/internals.ts';

export async function writeEvents(store: Store, count: number, sessionId?: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    await store.transaction((trx) =>
      appendEvent(trx, { type: 'stock.changed', aggregateId: `card-${i}`, sessionId, payload: { i } }),
    );
  }
}

/** Records each event as a store_meta row `effect:<consumer>:<id>`; a second insert would violate the key. */
export function recordingConsumer(
  name: string,
  opts: { failOnceAt?: number } = {},
): EventConsumer & { seen: number[] } {
  let failed = false;
  const seen: number[] = [];
  return {
    name,
    seen,
    async handleInTransaction(trx: Kysely<Database>, event) {
      await trx
        .insertInto('store_meta')
        .values({ key: `effect:${name}:${event.id}`, value: String(event.payload.i) })
        .execute();
      if (opts.failOnceAt === event.id && !failed) {
        failed = true;
        throw new Error('simulated crash inside the handler');
      }
      seen.push(event.id);
    },
  };
}

export async function effects(store: Store, name: string): Promise<number[]> {
  const rows = await store.db
    .selectFrom('store_meta')
    .select('key')
    .where('key', 'like', `effect:${name}:%`)
    .execute();
  return rows.map((r) => Number(r.key.split(':')[2])).sort((a, b) => a - b);
}
