// The metrics service behind /api/metrics: who may read which figures. Staff and admins read every
// channel; a channel manager reads only their own channels' rows, and asking for another channel, an
// event none of their channels takes part in, or a referrer outside their channels is FORBIDDEN.
import { VitaliveError } from '../../protocols/index.ts';
import { type Balance, balancesOf } from '../ledger/balances.ts';
import { isStaff, managedChannelIds } from '../people/access-scope.ts';
import type { Actor } from '../people/person-model.ts';
import type { Store } from '../store.ts';
import { assertCanSeeEvent, loadEvent } from '../venues/offline-events.ts';
import { DAY_MS } from './counters.ts';
import { type GmvBucket, type GmvSeries, gmvSeries } from './gmv-series.ts';
import { readLiveFunnel, readSessionPresence } from './live-funnel.ts';
import {
  type Aarrr,
  aarrr,
  type ChannelFunnel,
  channelFunnels,
  channelSeries,
  type EventFunnel,
  eventFunnel,
  type FollowUp,
  followUps,
  type Period,
  type ReferrerFigures,
  referrerFigures,
} from './queries.ts';

export interface SessionFunnel {
  sessionId: string;
  uniqueViewers: number;
  impressions: number;
  clickers: number;
  clicks: number;
  buyers: number;
  ordersPlaced: number;
  ordersPaid: number;
  ordersRefunded: number;
  paidGmvMinor: number;
  refundedGmvMinor: number;
  currency: string | null;
  /** join→click, click→order, order→paid, and join→paid (0..1). */
  conversion: { joinToClick: number; clickToOrder: number; orderToPaid: number; joinToPaid: number };
  /** All-channel presence figures: staff and admins only. */
  peakViewers?: number;
  viewersNow?: number;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : 0);

export class Metrics {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  get #db() {
    return this.#store.db;
  }

  /** undefined: every channel (staff); otherwise the channels the manager owns. */
  async scope(actor: Actor): Promise<string[] | undefined> {
    if (isStaff(actor)) return undefined;
    if (!actor.roles.includes('channel_manager'))
      throw new VitaliveError('FORBIDDEN', { reason: 'requires role admin, staff or channel_manager' });
    return managedChannelIds(this.#db, actor);
  }

  /** The scope narrowed to one channel, FORBIDDEN when it is not the actor's. */
  async #narrow(actor: Actor, channelId: string | undefined): Promise<string[] | undefined> {
    const scope = await this.scope(actor);
    if (channelId === undefined) return scope;
    if (scope && !scope.includes(channelId))
      throw new VitaliveError('FORBIDDEN', { reason: `channel ${channelId} is not yours` });
    return [channelId];
  }

  async channels(actor: Actor, period: Period): Promise<ChannelFunnel[]> {
    return channelFunnels(this.#db, period, await this.scope(actor));
  }

  async channel(
    actor: Actor,
    channelId: string,
    period: Period,
  ): Promise<{ total: ChannelFunnel; days: Array<ChannelFunnel & { day: number }> }> {
    await this.#narrow(actor, channelId);
    const [total] = await channelFunnels(this.#db, period, [channelId]);
    return {
      total: total ?? emptyFunnel(channelId),
      days: await channelSeries(this.#db, channelId, period),
    };
  }

  async event(actor: Actor, eventId: string): Promise<EventFunnel> {
    const event = await loadEvent(this.#db, eventId);
    await assertCanSeeEvent(this.#db, actor, event);
    return eventFunnel(this.#db, eventId, await this.scope(actor));
  }

  async session(actor: Actor, sessionId: string, channelId?: string): Promise<SessionFunnel> {
    const scope = await this.#narrow(actor, channelId);
    const exists = await this.#db
      .selectFrom('live_sessions')
      .select('id')
      .where('id', '=', sessionId)
      .executeTakeFirst();
    if (!exists) throw new VitaliveError('NOT_FOUND', { what: 'live session' });
    const rows = (await readLiveFunnel(this.#db, [sessionId])).filter(
      (r) => !scope || scope.includes(r.channelId),
    );
    const sum = (k: Exclude<keyof (typeof rows)[number], 'sessionId' | 'channelId' | 'currency'>) =>
      rows.reduce((a, r) => a + r[k], 0);
    const f: SessionFunnel = {
      sessionId,
      uniqueViewers: sum('uniqueViewers'),
      impressions: sum('impressions'),
      clickers: sum('clickers'),
      clicks: sum('clicks'),
      buyers: sum('buyers'),
      ordersPlaced: sum('ordersPlaced'),
      ordersPaid: sum('ordersPaid'),
      ordersRefunded: sum('ordersRefunded'),
      paidGmvMinor: sum('paidGmvMinor'),
      refundedGmvMinor: sum('refundedGmvMinor'),
      currency: rows.find((r) => r.currency)?.currency ?? null,
      conversion: { joinToClick: 0, clickToOrder: 0, orderToPaid: 0, joinToPaid: 0 },
    };
    f.conversion = {
      joinToClick: ratio(f.clickers, f.uniqueViewers),
      clickToOrder: ratio(f.buyers, f.clickers),
      orderToPaid: ratio(f.ordersPaid, f.ordersPlaced),
      joinToPaid: ratio(f.ordersPaid, f.uniqueViewers),
    };
    if (!scope) {
      const [p] = await readSessionPresence(this.#db, [sessionId]);
      f.peakViewers = p?.peakViewers ?? 0;
      f.viewersNow = p?.viewersNow ?? 0;
    }
    return f;
  }

  async referrers(actor: Actor, period: Period, limit: number): Promise<ReferrerFigures[]> {
    return referrerFigures(this.#db, period, { channelIds: await this.scope(actor), limit });
  }

  /** One referrer over the period, with their referral credit now (the ledger's balances). */
  async referrer(
    actor: Actor,
    referrerId: string,
    period: Period,
  ): Promise<ReferrerFigures & { credit: Balance[] }> {
    const scope = await this.scope(actor);
    const person = await this.#db
      .selectFrom('people')
      .select(['id', 'channel_id'])
      .where('id', '=', referrerId)
      .executeTakeFirst();
    if (scope && !(person?.channel_id && scope.includes(person.channel_id)))
      throw new VitaliveError('FORBIDDEN', { reason: 'that referrer is not in your channels' });
    if (!person) throw new VitaliveError('NOT_FOUND', { what: 'person' });
    const [row] = await referrerFigures(this.#db, period, { referrerId, limit: 1 });
    const credit = await balancesOf(this.#db, 'person', referrerId);
    return {
      credit,
      ...(row ?? {
        referrerId,
        signups: 0,
        ordersPaid: 0,
        refunds: 0,
        paidGmvMinor: 0,
        refundedGmvMinor: 0,
        netGmvMinor: 0,
      }),
    };
  }

  /** Paid GMV per minute, hour or day of the period (a manager: their channels'). */
  async gmv(actor: Actor, period: Period, bucket: GmvBucket, channelId?: string): Promise<GmvSeries> {
    return gmvSeries(this.#db, period, bucket, await this.#narrow(actor, channelId));
  }

  async aarrr(actor: Actor, period: Period, channelId?: string): Promise<Aarrr> {
    return aarrr(this.#db, period, await this.#narrow(actor, channelId));
  }

  async followUps(
    actor: Actor,
    opts: { days: number; channelId?: string | undefined; limit: number; nowMs?: number },
  ): Promise<FollowUp[]> {
    const channelIds = await this.#narrow(actor, opts.channelId);
    const sinceMs = (opts.nowMs ?? Date.now()) - opts.days * DAY_MS;
    // "Tested on day D" is health-derived: a channel manager sees it only for people who consented
    // (ARCHITECTURE, Health data and access). Staff keep the whole list, as they do people's records.
    const consentedOnly = !isStaff(actor);
    return followUps(this.#db, { sinceMs, channelIds, limit: opts.limit, consentedOnly });
  }
}

function emptyFunnel(channelId: string): ChannelFunnel {
  return {
    channelId,
    invited: 0,
    attended: 0,
    tested: 0,
    consulted: 0,
    bought: 0,
    ordersPaid: 0,
    refunds: 0,
    paidGmvMinor: 0,
    refundedGmvMinor: 0,
    netGmvMinor: 0,
    commissionMinor: 0,
    commissionReversedMinor: 0,
  };
}
