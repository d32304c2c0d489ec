// What the session and card operations share: the store, a write that wakes the event dispatcher after
// its commit, the row readers, and the host-or-staff check on a session.
import type { Kysely } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import type { Actor } from '../people/person-model.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { type CardView, cardView } from './views.ts';

export interface SalesContext {
  readonly store: Store;
  /** Cards pinned at once per session. */
  readonly maxPinned: number;
  /** One transaction; after its commit the event dispatcher is woken. */
  write<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
}

export const isStaff = (actor: Actor) => actor.roles.includes('staff') || actor.roles.includes('admin');

export function sessionRow(db: Kysely<Database>, sessionId: string) {
  return db.selectFrom('live_sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
}

/** A session's cards with their SKU titles. */
export function cardRows(db: Kysely<Database>, sessionId: string) {
  return db
    .selectFrom('cards')
    .innerJoin('skus', 'skus.id', 'cards.sku_id')
    .selectAll('cards')
    .select('skus.titles')
    .where('cards.session_id', '=', sessionId);
}

export async function cardViewIn(db: Kysely<Database>, sessionId: string, cardId: string): Promise<CardView> {
  const row = await cardRows(db, sessionId).where('cards.id', '=', cardId).executeTakeFirstOrThrow();
  return cardView(row, row.titles);
}

/** The session, if the actor is its host or staff. */
export async function authorisedSession(trx: Kysely<Database>, actor: Actor, sessionId: string) {
  const row = await sessionRow(trx, sessionId);
  if (!row) throw new VitaliveError('NOT_FOUND', { what: `Live session ${sessionId}` });
  if (!isStaff(actor) && row.host_person_id !== actor.personId)
    throw new VitaliveError('FORBIDDEN', { reason: 'only the host of this session or staff' });
  return row;
}
