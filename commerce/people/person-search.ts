// The back-office people search: by name, phone, e-mail or member code, newest first, one page at a time.
// Staff search everyone; a channel manager searches only the people of the channels they manage.
import { sql } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import type { Store } from '../store.ts';
import { isChannelManager, isStaff, managedChannelIds } from './access-scope.ts';
import { MEMBER_CODE_LENGTH, normaliseCode } from './codes.ts';
import { type Actor, loadPeople, type Person, type PersonKind } from './person-model.ts';

export interface PeopleQuery {
  /** Free text: part of a name, e-mail or phone number, or a whole member code. */
  q?: string | undefined;
  kind?: PersonKind | undefined;
  channelId?: string | undefined;
  limit: number;
  offset: number;
}

/** LIKE pattern for "contains", with the wildcards in the text itself escaped. */
function contains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function searchPeople(
  store: Store,
  actor: Actor,
  query: PeopleQuery,
): Promise<{ items: Person[]; total: number }> {
  let base = store.db.selectFrom('people');
  if (!isStaff(actor)) {
    if (!isChannelManager(actor)) {
      throw new VitaliveError('FORBIDDEN', { reason: 'requires role admin, staff or channel_manager' });
    }
    const own = await managedChannelIds(store.db, actor);
    if (own.length === 0) return { items: [], total: 0 };
    // Invited prospects held back until they act are not theirs to see yet (withheld.ts).
    base = base.where('channel_id', 'in', own).where('channel_pending', '=', 0);
  }
  if (query.kind) base = base.where('kind', '=', query.kind);
  if (query.channelId) base = base.where('channel_id', '=', query.channelId);
  const text = query.q?.trim();
  if (text) {
    const lower = text.toLowerCase();
    const digits = text.replace(/[\s\-.()+]/g, '');
    const code = normaliseCode(text, MEMBER_CODE_LENGTH);
    base = base.where((eb) => {
      // lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
      const ors = [
        eb(sql`lower(display_name)`, 'like', sql<string>`${contains(lower)} escape '\\'`),
        eb('email', 'like', sql<string>`${contains(lower)} escape '\\'`),
      ];
      if (/^[0-9]{3,}$/.test(digits))
        ors.push(eb('phone', 'like', sql<string>`${contains(digits)} escape '\\'`));
      if (code) ors.push(eb('member_code', '=', code));
      return eb.or(ors);
    });
  }
  const [rows, count] = await Promise.all([
    base
      .selectAll()
      .orderBy('created_at_ms', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit)
      .offset(query.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await loadPeople(store.db, rows), total: Number(count.n) };
}
