// The delivery log staff read: messages by person, kind and status, a page at a time; figures per kind;
// and resending one (a new message, so the log keeps the first one as it was).
import type { Kysely } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import type { Actor } from '../people/person-model.ts';
import type { Database } from '../schema.ts';
import { isQueuedKind } from './kinds.ts';
import { enqueue } from './queue.ts';
import type { DeliveryChannel, MessageStatus } from './tables.ts';

export interface LoggedMessage {
  messageId: number;
  personId: string;
  kind: string;
  channel: DeliveryChannel | null;
  locale: string | null;
  status: MessageStatus;
  attempts: number;
  lastError: string | null;
  providerId: string | null;
  createdAtMs: number;
  sentAtMs: number | null;
  nextAttemptAtMs: number;
}

export interface LogFilter {
  personId?: string | undefined;
  kind?: string | undefined;
  status?: MessageStatus | undefined;
  limit: number;
  offset: number;
}

export interface KindFigures {
  kind: string;
  queued: number;
  sent: number;
  failed: number;
  suppressed: number;
}

/** Only staff and admins read the log: it names who was told what, across every channel. */
function assertStaff(actor: Actor): void {
  if (!actor.roles.includes('staff') && !actor.roles.includes('admin'))
    throw new VitaliveError('FORBIDDEN', { reason: 'the delivery log is for staff' });
}

export class DeliveryLog {
  readonly #db: Kysely<Database>;
  readonly #now: () => number;

  constructor(db: Kysely<Database>, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
  }

  async list(actor: Actor, f: LogFilter): Promise<{ items: LoggedMessage[]; total: number }> {
    assertStaff(actor);
    let q = this.#db.selectFrom('messages');
    if (f.personId) q = q.where('person_id', '=', f.personId);
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (f.status) q = q.where('status', '=', f.status);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      total: Number(count.n),
      items: rows.map((r) => ({
        messageId: Number(r.id),
        personId: r.person_id,
        kind: r.kind,
        channel: r.channel,
        locale: r.locale,
        status: r.status,
        attempts: Number(r.attempts),
        lastError: r.last_error,
        providerId: r.provider_id,
        createdAtMs: Number(r.created_at_ms),
        sentAtMs: r.sent_at_ms === null ? null : Number(r.sent_at_ms),
        nextAttemptAtMs: Number(r.next_attempt_at_ms),
      })),
    };
  }

  async figures(actor: Actor): Promise<KindFigures[]> {
    assertStaff(actor);
    const rows = await this.#db
      .selectFrom('messages')
      .select(['kind', 'status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['kind', 'status'])
      .execute();
    const byKind = new Map<string, KindFigures>();
    for (const r of rows) {
      const f = byKind.get(r.kind) ?? { kind: r.kind, queued: 0, sent: 0, failed: 0, suppressed: 0 };
      if (r.status === 'queued' || r.status === 'sending') f.queued += Number(r.n);
      else f[r.status] += Number(r.n);
      byKind.set(r.kind, f);
    }
    return [...byKind.values()].sort((a, b) => a.kind.localeCompare(b.kind));
  }

  /** Queues a copy of a message that failed or was suppressed; returns the new message's id. */
  async resend(actor: Actor, messageId: number): Promise<number> {
    assertStaff(actor);
    const now = this.#now();
    return this.#db.transaction().execute(async (trx) => {
      const m = await trx.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst();
      if (!m) throw new VitaliveError('NOT_FOUND', { what: `Message ${messageId}` });
      if (m.status !== 'failed' && m.status !== 'suppressed' && m.status !== 'sent')
        throw new VitaliveError('CONFLICT', { reason: `message is ${m.status}` });
      if (!isQueuedKind(m.kind)) throw new VitaliveError('CONFLICT', { reason: 'unknown kind' });
      const source = `resend:${messageId}:${now}`.slice(0, 160);
      await enqueue(trx, { personId: m.person_id, kind: m.kind, source, params: JSON.parse(m.params) }, now);
      const row = await trx
        .selectFrom('messages')
        .select('id')
        .where('kind', '=', m.kind)
        .where('source', '=', source)
        .where('person_id', '=', m.person_id)
        .executeTakeFirstOrThrow();
      return Number(row.id);
    });
  }
}
