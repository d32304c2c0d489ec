// The delivery log staff read: messages by person, kind and status, a page at a time; figures per kind
// and channel (sent, delivered by the provider's receipt, clicked on our tracked link, failed);
// resending one (a new message, so the log keeps the first one as it was); and recording receipts and
// clicks as they come in.
import type { Kysely } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import type { Actor } from '../people/person-model.ts';
import type { Database } from '../schema.ts';
import { isQueuedKind } from './kinds.ts';
import { enqueue } from './queue.ts';
import type { DeliveryChannel, MessageReceipt, MessageStatus } from './tables.ts';

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
  receipt: MessageReceipt | null;
  clickedAtMs: number | null;
}

export interface LogFilter {
  personId?: string | undefined;
  kind?: string | undefined;
  status?: MessageStatus | undefined;
  limit: number;
  offset: number;
}

/** One channel's part of a kind: what its provider took, confirmed, lost, and what people opened. */
export interface ChannelFigures {
  channel: DeliveryChannel;
  sent: number;
  /** Receipts saying the provider delivered it (SMS); channels without receipts stay 0. */
  delivered: number;
  undelivered: number;
  /** Sent messages whose tracked link was opened at least once. */
  clicked: number;
  failed: number;
}

export interface KindFigures {
  kind: string;
  queued: number;
  sent: number;
  delivered: number;
  clicked: number;
  failed: number;
  suppressed: number;
  channels: ChannelFigures[];
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
        receipt: r.receipt ?? null,
        clickedAtMs: r.clicked_at_ms === null ? null : Number(r.clicked_at_ms),
      })),
    };
  }

  async figures(actor: Actor): Promise<KindFigures[]> {
    assertStaff(actor);
    const rows = await this.#db
      .selectFrom('messages')
      .select([
        'kind',
        'channel',
        'status',
        (eb) => eb.fn.countAll<number>().as('n'),
        (eb) => eb.fn.count<number>('clicked_at_ms').as('clicked'),
        (eb) =>
          eb.fn
            .sum<number>(eb.case().when('receipt', '=', 'delivered').then(1).else(0).end())
            .as('delivered'),
        (eb) =>
          eb.fn
            .sum<number>(eb.case().when('receipt', '=', 'undelivered').then(1).else(0).end())
            .as('undelivered'),
      ])
      .groupBy(['kind', 'channel', 'status'])
      .execute();
    const byKind = new Map<string, KindFigures>();
    for (const r of rows) {
      const n = Number(r.n);
      const f = byKind.get(r.kind) ?? {
        kind: r.kind,
        queued: 0,
        sent: 0,
        delivered: 0,
        clicked: 0,
        failed: 0,
        suppressed: 0,
        channels: [],
      };
      byKind.set(r.kind, f);
      if (r.status === 'queued' || r.status === 'sending') f.queued += n;
      else f[r.status] += n;
      f.delivered += Number(r.delivered ?? 0);
      f.clicked += Number(r.clicked ?? 0);
      if (!r.channel || (r.status !== 'sent' && r.status !== 'failed')) continue;
      let c = f.channels.find((x) => x.channel === r.channel);
      if (!c) {
        c = { channel: r.channel, sent: 0, delivered: 0, undelivered: 0, clicked: 0, failed: 0 };
        f.channels.push(c);
      }
      c[r.status] += n;
      c.delivered += Number(r.delivered ?? 0);
      c.undelivered += Number(r.undelivered ?? 0);
      c.clicked += Number(r.clicked ?? 0);
    }
    for (const f of byKind.values()) f.channels.sort((a, b) => a.channel.localeCompare(b.channel));
    return [...byKind.values()].sort((a, b) => a.kind.localeCompare(b.kind));
  }

  /**
   * A provider's delivery receipt for the message it knows by `providerId`: the first receipt of a
   * message counts (a provider retrying its callback changes nothing). True when it named a sent
   * message of ours.
   */
  async receipt(channel: DeliveryChannel, providerId: string, receipt: MessageReceipt): Promise<boolean> {
    const now = this.#now();
    const res = await this.#db
      .updateTable('messages')
      .set({ receipt, receipt_at_ms: now, updated_at_ms: now })
      .where('channel', '=', channel)
      .where('provider_id', '=', providerId)
      .where('status', '=', 'sent')
      .where('receipt', 'is', null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) > 0) return true;
    const known = await this.#db
      .selectFrom('messages')
      .select('id')
      .where('channel', '=', channel)
      .where('provider_id', '=', providerId)
      .executeTakeFirst();
    return known !== undefined;
  }

  /**
   * A click on a message's tracked link: the first one is kept. Returns the path of our page the link
   * leads to, or undefined for a message that has none (the caller then sends the person home).
   */
  async click(messageId: number): Promise<string | undefined> {
    const m = await this.#db
      .selectFrom('messages')
      .select(['params', 'clicked_at_ms'])
      .where('id', '=', messageId)
      .executeTakeFirst();
    if (!m) return undefined;
    if (m.clicked_at_ms === null)
      await this.#db
        .updateTable('messages')
        .set({ clicked_at_ms: this.#now() })
        .where('id', '=', messageId)
        .where('clicked_at_ms', 'is', null)
        .execute();
    const path = (JSON.parse(m.params) as { path?: unknown }).path;
    // Only a path on our own site: never `//other.host` or a scheme (no open redirect).
    return typeof path === 'string' && /^\/(?![/\\])/.test(path) ? path : undefined;
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
