// What a person chose about being reached: language, time zone, preferred channel, a bound WeChat
// openid, marketing consent; and the ways they take it back (an unsubscribe link, TD by SMS).
import type { Kysely } from 'kysely';
import { VitaliveError } from '../../protocols/index.ts';
import type { Database } from '../schema.ts';
import { type MessageLocale, messageLocaleOf } from './locale.ts';
import { DEFAULT_TIME_ZONE, isTimeZone } from './policy.ts';
import type { DeliveryChannel } from './tables.ts';
import { verifyUnsubscribeToken } from './unsubscribe-token.ts';

export interface MessagingProfile {
  personId: string;
  locale: MessageLocale | null;
  timeZone: string;
  preferredChannel: DeliveryChannel | null;
  wechatBound: boolean;
  consentMarketing: boolean;
  smsOptedOut: boolean;
}

export interface ProfilePatch {
  locale?: string;
  timeZone?: string;
  preferredChannel?: DeliveryChannel | null;
  consentMarketing?: boolean;
}

export const CHANNELS: readonly DeliveryChannel[] = ['email', 'sms', 'wechat'];

export class Profiles {
  readonly #db: Kysely<Database>;
  readonly #now: () => number;

  constructor(db: Kysely<Database>, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
  }

  async get(personId: string): Promise<MessagingProfile> {
    const row = await this.#db
      .selectFrom('people')
      .select([
        'id',
        'locale',
        'time_zone',
        'preferred_channel',
        'wechat_openid',
        'consent_marketing',
        'sms_opted_out_at_ms',
      ])
      .where('id', '=', personId)
      .executeTakeFirst();
    if (!row) throw new VitaliveError('NOT_FOUND', { what: 'Person' });
    return {
      personId: row.id,
      locale: messageLocaleOf(row.locale) ?? null,
      timeZone: row.time_zone ?? DEFAULT_TIME_ZONE,
      preferredChannel: CHANNELS.includes(row.preferred_channel as DeliveryChannel)
        ? (row.preferred_channel as DeliveryChannel)
        : null,
      wechatBound: Boolean(row.wechat_openid),
      consentMarketing: Number(row.consent_marketing) === 1,
      smsOptedOut: row.sms_opted_out_at_ms != null,
    };
  }

  /** Changes what the patch names; an unknown zone or language is refused, not guessed. */
  async update(personId: string, patch: ProfilePatch): Promise<MessagingProfile> {
    const now = this.#now();
    const set: Record<string, string | number | null> = {};
    if (patch.locale !== undefined) {
      const locale = messageLocaleOf(patch.locale);
      if (!locale || locale !== patch.locale)
        throw new VitaliveError('VALIDATION_FAILED', { reason: 'locale is en, zh-Hans or zh-Hant' });
      set.locale = locale;
    }
    if (patch.timeZone !== undefined) {
      if (!isTimeZone(patch.timeZone))
        throw new VitaliveError('VALIDATION_FAILED', { reason: 'timeZone is not an IANA time zone' });
      set.time_zone = patch.timeZone;
    }
    if (patch.preferredChannel !== undefined) {
      if (patch.preferredChannel !== null && !CHANNELS.includes(patch.preferredChannel))
        throw new VitaliveError('VALIDATION_FAILED', { reason: 'preferredChannel is email, sms or wechat' });
      set.preferred_channel = patch.preferredChannel;
    }
    if (patch.consentMarketing !== undefined) {
      set.consent_marketing = patch.consentMarketing ? 1 : 0;
      set.consent_marketing_at_ms = now;
      // Answering TD stops SMS; consenting again on the profile is the way back.
      if (patch.consentMarketing) set.sms_opted_out_at_ms = null;
    }
    if (Object.keys(set).length > 0) {
      const res = await this.#db
        .updateTable('people')
        .set({ ...set, updated_at_ms: now })
        .where('id', '=', personId)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new VitaliveError('NOT_FOUND', { what: 'Person' });
    }
    return this.get(personId);
  }

  /** Binds the official account's openid to the person (an openid binds to one person at a time). */
  async bindWechat(personId: string, openid: string): Promise<MessagingProfile> {
    const now = this.#now();
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .updateTable('people')
        .set({ wechat_openid: null, updated_at_ms: now })
        .where('wechat_openid', '=', openid)
        .where('id', '!=', personId)
        .execute();
      await trx
        .updateTable('people')
        .set({ wechat_openid: openid, updated_at_ms: now })
        .where('id', '=', personId)
        .execute();
    });
    return this.get(personId);
  }

  async unbindWechat(personId: string): Promise<MessagingProfile> {
    await this.#db
      .updateTable('people')
      .set({ wechat_openid: null, updated_at_ms: this.#now() })
      .where('id', '=', personId)
      .execute();
    return this.get(personId);
  }

  /** An unsubscribe link: marketing consent off for the person it names. */
  async unsubscribe(secret: string, token: string): Promise<void> {
    const personId = verifyUnsubscribeToken(secret, token);
    if (!personId) throw new VitaliveError('UNSUBSCRIBE_LINK_INVALID');
    const now = this.#now();
    const res = await this.#db
      .updateTable('people')
      .set({ consent_marketing: 0, consent_marketing_at_ms: now, updated_at_ms: now })
      .where('id', '=', personId)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new VitaliveError('UNSUBSCRIBE_LINK_INVALID');
  }

  /** TD (or STOP) from a phone: no more SMS, and no marketing, for whoever holds that number. */
  async optOutPhone(phone: string): Promise<number> {
    const now = this.#now();
    const res = await this.#db
      .updateTable('people')
      .set({
        sms_opted_out_at_ms: now,
        consent_marketing: 0,
        consent_marketing_at_ms: now,
        updated_at_ms: now,
      })
      .where('phone', '=', phone)
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }
}
