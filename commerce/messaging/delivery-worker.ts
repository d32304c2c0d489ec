// The delivery worker: claims due messages with a lease, applies consent, quiet hours and the channel
// choice, renders the text in the person's language and zone, and hands it to the channel's adapter
// under that provider's rate limit. A failed attempt waits with exponential backoff and jitter; after
// the last allowed attempt the message is `failed`. Several nodes may run one each: a claimed message
// is sent by its claimer only.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../schema.ts';
import type { ChannelSenders } from './channel-sender.ts';
import { clickToken } from './click-token.ts';
import { isQueuedKind, type MessageParams, render } from './kinds.ts';
import { chooseLocale } from './locale.ts';
import { chooseChannel, type QuietHours, quietUntil, retryDelayMs, validTimeZone } from './policy.ts';
import { claimDue, type MessageRow, type Outcome, settle, yieldToEventLoop } from './queue.ts';
import { TokenBucket } from './rate-limit.ts';
import type { DeliveryChannel } from './tables.ts';
import { unsubscribeToken } from './unsubscribe-token.ts';

/** Outcomes written per transaction (see runOnce). */
const SETTLE_STEP = 25;

export interface DeliveryOptions {
  /** Attempts before a message is `failed`. @default 5 */
  maxAttempts: number;
  /** Backoff after the first failure, ms. @default 30000 */
  retryBaseMs: number;
  /** Longest backoff, ms. @default 3600000 (1 hour) */
  retryMaxMs: number;
  /** Messages per second per provider; 0 disables. */
  ratePerSecond: Record<DeliveryChannel, number>;
  quietHours: QuietHours;
  /** Messages one claim takes. @default 50 */
  batch: number;
  /** How long a claim holds; a batch must be sent within it. @default 300000 (5 minutes) */
  leaseMs: number;
  /** How often the worker looks for due messages, ms. @default 1000 */
  pollMs: number;
  /** Messages of one batch in flight at once. @default 8 */
  concurrency: number;
  /** Absolute base of links in messages (`https://…`). */
  publicUrl: string;
  /** Signs unsubscribe links, tracked links (/m/…) and WeChat authorisation states. */
  unsubscribeSecret: string;
}

export interface DeliveryWorkerDeps {
  db: Kysely<Database>;
  logger: Logger;
  nodeId: string;
  senders: ChannelSenders;
  options: DeliveryOptions;
  now?: () => number;
}

interface Recipient {
  id: string;
  email: string | null;
  phone: string | null;
  wechat_openid: string | null | undefined;
  preferred_channel: string | null | undefined;
  sms_opted_out_at_ms: number | null | undefined;
  consent_marketing: number;
  locale: string | null | undefined;
  time_zone: string | null | undefined;
}

export class DeliveryWorker {
  readonly #d: DeliveryWorkerDeps;
  readonly #now: () => number;
  readonly #buckets = new Map<DeliveryChannel, TokenBucket>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(deps: DeliveryWorkerDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
    for (const [channel, rate] of Object.entries(deps.options.ratePerSecond))
      this.#buckets.set(channel as DeliveryChannel, new TokenBucket(rate));
  }

  start(): void {
    if (this.#closed) return;
    this.#timer ??= setInterval(() => {
      this.#running = this.#running.then(() => this.drain());
    }, this.#d.options.pollMs);
    this.#timer.unref();
  }

  /** Sends batches until nothing is due; resolves with how many messages were settled. Never throws. */
  async drain(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const n = await this.runOnce();
        total += n;
        if (n < this.#d.options.batch || this.#closed) return total;
      }
    } catch (err) {
      this.#d.logger.warn({ err: (err as Error).message }, 'messages: delivery pass failed');
      return total;
    }
  }

  /** Claims one batch and settles each of its messages; returns the batch size. */
  async runOnce(): Promise<number> {
    const { db, nodeId, options } = this.#d;
    const batch = await claimDue(db, nodeId, this.#now(), options.batch, options.leaseMs);
    if (batch.length === 0) return 0;
    const people = await db
      .selectFrom('people')
      .select([
        'id',
        'email',
        'phone',
        'wechat_openid',
        'preferred_channel',
        'sms_opted_out_at_ms',
        'consent_marketing',
        'locale',
        'time_zone',
      ])
      .where('id', 'in', [...new Set(batch.map((m) => m.person_id))])
      .execute();
    const byId = new Map(people.map((p) => [p.id, p as Recipient]));
    let next = 0;
    const outcomes: Array<[number, Outcome]> = [];
    const lane = async () => {
      while (next < batch.length) {
        const m = batch[next++]!;
        outcomes.push([m.id, await this.#attempt(m, byId.get(m.person_id))]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, batch.length) }, lane));
    // Outcomes are written SETTLE_STEP to a transaction, yielding between them: on SQLite the worker
    // shares the store's one connection (and the event loop) with orders, and a 200-row transaction
    // held it ≈ 15 ms while orders waited. A crash before a commit resends those messages after their
    // lease (at least once).
    const now = this.#now();
    let lost = 0;
    for (let i = 0; i < outcomes.length; i += SETTLE_STEP) {
      if (i > 0) await yieldToEventLoop();
      const step = outcomes.slice(i, i + SETTLE_STEP);
      lost += await db.transaction().execute(async (trx) => {
        let n = 0;
        for (const [id, outcome] of step) if (!(await settle(trx, id, nodeId, outcome, now))) n++;
        return n;
      });
    }
    if (lost > 0) this.#d.logger.warn({ lost }, 'messages: claims lost before settling');
    return batch.length;
  }

  async #attempt(m: MessageRow, p: Recipient | undefined): Promise<Outcome> {
    const { options, senders, logger } = this.#d;
    const now = this.#now();
    if (!p || !isQueuedKind(m.kind)) return { status: 'suppressed', lastError: 'unknown person or kind' };
    const promotional = Number(m.promotional) === 1;
    if (promotional && Number(p.consent_marketing) !== 1) {
      logger.info(
        { messageId: m.id, kind: m.kind, personId: p.id },
        'message suppressed: no marketing consent',
      );
      return { status: 'suppressed', lastError: 'no marketing consent' };
    }
    const zone = validTimeZone(p.time_zone);
    if (promotional) {
      const until = quietUntil(now, zone, options.quietHours);
      // Delayed, not dropped: back in the queue for the end of the person's quiet hours.
      if (until !== undefined) return { status: 'queued', nextAttemptAtMs: until, lastError: 'quiet hours' };
    }
    const available = (Object.keys(senders) as DeliveryChannel[]).filter((c) => senders[c]);
    const target = chooseChannel(
      {
        email: p.email,
        phone: p.phone,
        wechatOpenid: p.wechat_openid ?? null,
        preferredChannel: p.preferred_channel ?? null,
        smsOptedOut: p.sms_opted_out_at_ms != null,
      },
      available,
    );
    if (!target) {
      logger.info(
        { messageId: m.id, kind: m.kind, personId: p.id },
        'message suppressed: no reachable contact',
      );
      return { status: 'suppressed', lastError: 'no reachable contact' };
    }
    const locale = chooseLocale(p.locale);
    const params = JSON.parse(m.params) as MessageParams;
    // Our own pages are reached through the message's tracked link (/m/<token>), which counts the
    // click and redirects to the page; the provider's pay link is given as is.
    const url =
      typeof params.path === 'string'
        ? new URL(`/m/${clickToken(options.unsubscribeSecret, Number(m.id))}`, options.publicUrl).toString()
        : null;
    const { subject, text } = render(m.kind, locale, zone, { ...params, url });
    const unsubscribeUrl =
      promotional && target.channel === 'email'
        ? new URL(`/u/${unsubscribeToken(options.unsubscribeSecret, p.id)}`, options.publicUrl).toString()
        : null;
    const attempts = Number(m.attempts) + 1;
    try {
      await this.#buckets.get(target.channel)?.acquire();
      const { providerId } = await senders[target.channel]!.send({
        channel: target.channel,
        to: target.to,
        kind: m.kind,
        locale,
        subject,
        text,
        url: url ?? (typeof params.payUrl === 'string' ? params.payUrl : null),
        unsubscribeUrl,
      });
      return {
        status: 'sent',
        channel: target.channel,
        locale,
        attempts,
        lastError: null,
        providerId: providerId ?? null,
        sentAtMs: this.#now(),
      };
    } catch (err) {
      const error = (err as Error).message;
      const final = attempts >= options.maxAttempts;
      logger.warn(
        { messageId: m.id, kind: m.kind, channel: target.channel, attempts, err: error, final },
        'message attempt failed',
      );
      return {
        status: final ? 'failed' : 'queued',
        channel: target.channel,
        locale,
        attempts,
        lastError: error,
        nextAttemptAtMs: final
          ? now
          : this.#now() + retryDelayMs(attempts, { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs }),
      };
    }
  }

  /** Idempotent: stops polling and waits for the pass in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
