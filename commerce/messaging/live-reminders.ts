// "Remind me" subscriptions of live sessions: who asked to hear when a session starts. The go-live
// trigger and the 15-minutes-before job read them.
import type { Kysely } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import type { Database } from '../schema.ts';

export class LiveReminders {
  readonly #db: Kysely<Database>;
  readonly #now: () => number;

  constructor(db: Kysely<Database>, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
  }

  /** Subscribes to a session that has not ended; subscribing twice is one subscription. */
  async subscribe(personId: string, sessionId: string): Promise<void> {
    const s = await this.#db
      .selectFrom('live_sessions')
      .select('state')
      .where('id', '=', sessionId)
      .executeTakeFirst();
    if (!s) throw new VitaliveError('NOT_FOUND', { what: 'Live session' });
    if (s.state !== 'scheduled' && s.state !== 'live')
      throw new VitaliveError('LIVE_REMINDER_CLOSED', { sessionId, state: s.state });
    await this.#db
      .insertInto('live_reminders')
      .values({ session_id: sessionId, person_id: personId, created_at_ms: this.#now() })
      .onConflict((oc) => oc.columns(['session_id', 'person_id']).doNothing())
      .execute();
  }

  /** True when there was a subscription to remove. */
  async unsubscribe(personId: string, sessionId: string): Promise<boolean> {
    const res = await this.#db
      .deleteFrom('live_reminders')
      .where('session_id', '=', sessionId)
      .where('person_id', '=', personId)
      .executeTakeFirst();
    return Number(res.numDeletedRows) === 1;
  }

  /** The sessions a person asked to be reminded of, newest subscription first. */
  async listFor(personId: string): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('live_reminders')
      .select('session_id')
      .where('person_id', '=', personId)
      .orderBy('created_at_ms', 'desc')
      .limit(500)
      .execute();
    return rows.map((r) => r.session_id);
  }

  /** How many people asked to be reminded of a session. */
  async count(sessionId: string): Promise<number> {
    const row = await this.#db
      .selectFrom('live_reminders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('session_id', '=', sessionId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
