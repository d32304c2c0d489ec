// Messaging as commerce hands it out: profiles, live reminders, the delivery log, the durable scheduler
// and the delivery worker, over one store; and the consumer that turns outbox events into messages.
import type { Logger } from 'pino';
import type { EventConsumer } from '../events/consumer.ts';
import type { Store } from '../store.ts';
import type { ChannelSenders } from './channel-sender.ts';
import { verifyClickToken } from './click-token.ts';
import { DeliveryLog } from './delivery-log.ts';
import { type DeliveryOptions, DeliveryWorker } from './delivery-worker.ts';
import { HostFollows } from './host-follows.ts';
import { LiveReminders } from './live-reminders.ts';
import { OauthStates } from './oauth-state.ts';
import { Profiles } from './profile.ts';
import { JobRunner, type Scheduler, type SchedulerOptions } from './scheduler.ts';
import { jobHandlers, messagingConsumer, type TriggerOptions } from './triggers.ts';

export interface MessagingOptions {
  delivery: DeliveryOptions;
  scheduler: SchedulerOptions;
  /** The channels' adapters; a channel without one is never chosen. */
  senders: ChannelSenders;
  now?: (() => number) | undefined;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  maxAttempts: 5,
  retryBaseMs: 30_000,
  retryMaxMs: 3_600_000,
  ratePerSecond: { email: 20, sms: 10, wechat: 50 },
  quietHours: { startMin: 22 * 60, endMin: 8 * 60 },
  batch: 50,
  leaseMs: 300_000,
  pollMs: 1_000,
  concurrency: 8,
  publicUrl: 'http://127.0.0.1:3000',
  unsubscribeSecret: 'development-only-unsubscribe-secret',
};

export const DEFAULT_SCHEDULER: SchedulerOptions = {
  pollMs: 1_000,
  leaseMs: 60_000,
  batch: 100,
  maxAttempts: 10,
};

export class Messaging {
  readonly profiles: Profiles;
  readonly liveReminders: LiveReminders;
  /** Members following a host hear of each of the host's lives. */
  readonly hostFollows: HostFollows;
  readonly log: DeliveryLog;
  /** Single-use, signed, expiring `state` values of WeChat web authorisation. */
  readonly oauthStates: OauthStates;
  /** Durable jobs: schedule(kind, dueAtMs, payload, dedupeKey), cancel(dedupeKey), handle(kind, fn). */
  readonly scheduler: Scheduler & { runDue(): Promise<number> };
  readonly worker: DeliveryWorker;
  readonly consumer: EventConsumer;
  readonly #runner: JobRunner;
  readonly #secret: string;

  constructor(
    store: Store,
    deps: { logger: Logger; nodeId: string; options: MessagingOptions; triggers: TriggerOptions },
  ) {
    const { options } = deps;
    const now = options.now ?? Date.now;
    this.#secret = options.delivery.unsubscribeSecret;
    this.profiles = new Profiles(store.db, now);
    this.liveReminders = new LiveReminders(store.db, now);
    this.hostFollows = new HostFollows(store.db, now);
    this.log = new DeliveryLog(store.db, now);
    this.oauthStates = new OauthStates(store.db, this.#secret, now);
    this.#runner = new JobRunner({
      db: store.background,
      logger: deps.logger,
      nodeId: deps.nodeId,
      options: options.scheduler,
      now,
    });
    for (const [kind, handler] of Object.entries(jobHandlers)) this.#runner.handle(kind, handler);
    this.scheduler = this.#runner;
    this.worker = new DeliveryWorker({
      db: store.background,
      logger: deps.logger,
      nodeId: deps.nodeId,
      senders: options.senders,
      options: options.delivery,
      now,
    });
    this.consumer = messagingConsumer(deps.triggers, now);
  }

  /** An unsubscribe link's token: marketing consent off for the person it names. */
  unsubscribe(token: string): Promise<void> {
    return this.profiles.unsubscribe(this.#secret, token);
  }

  /**
   * A tracked link was opened: counts the message's first click and answers the path of our page it
   * leads to ('/' when the token is not ours or the message has no page, so a bad link still lands).
   */
  async click(token: string): Promise<string> {
    const messageId = verifyClickToken(this.#secret, token);
    if (messageId === undefined) return '/';
    return (await this.log.click(messageId)) ?? '/';
  }

  /** Starts the scheduler and the delivery worker; once outbox delivery runs. */
  start(): void {
    this.#runner.start();
    this.worker.start();
  }

  /** Idempotent. */
  async close(): Promise<void> {
    await Promise.all([this.#runner.close(), this.worker.close()]);
  }
}
