// Members following a host: a follower hears of each of the host's lives (go-live and the 15-minutes-
// before reminder) as if they had asked "remind me" for it. Followed from a session's page, so the
// session names the host; the viewer never needs the host's person id.
import type { Kysely } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import type { Database } from '../schema.ts';

export interface FollowState {
  sessionId: string;
  following: boolean;
}

export class HostFollows {
  readonly #db: Kysely<Database>;
  readonly #now: () => number;

  constructor(db: Kysely<Database>, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
  }

  async #hostOf(sessionId: string): Promise<string> {
    const s = await this.#db
      .selectFrom('live_sessions')
      .select('host_person_id')
      .where('id', '=', sessionId)
      .executeTakeFirst();
    if (!s) throw new VitaliveError('NOT_FOUND', { what: 'Live session' });
    return s.host_person_id;
  }

  /** Follows the host of a session; following twice is one follow. A host cannot follow themselves. */
  async follow(personId: string, sessionId: string): Promise<FollowState> {
    const host = await this.#hostOf(sessionId);
    if (host === personId) throw new VitaliveError('VALIDATION_FAILED', { reason: 'you host this session' });
    await this.#db
      .insertInto('host_follows')
      .values({ host_person_id: host, person_id: personId, created_at_ms: this.#now() })
      .onConflict((oc) => oc.columns(['host_person_id', 'person_id']).doNothing())
      .execute();
    return { sessionId, following: true };
  }

  async unfollow(personId: string, sessionId: string): Promise<FollowState> {
    const host = await this.#hostOf(sessionId);
    await this.#db
      .deleteFrom('host_follows')
      .where('host_person_id', '=', host)
      .where('person_id', '=', personId)
      .execute();
    return { sessionId, following: false };
  }

  async state(personId: string, sessionId: string): Promise<FollowState> {
    const host = await this.#hostOf(sessionId);
    const row = await this.#db
      .selectFrom('host_follows')
      .select('person_id')
      .where('host_person_id', '=', host)
      .where('person_id', '=', personId)
      .executeTakeFirst();
    return { sessionId, following: row !== undefined };
  }
}
