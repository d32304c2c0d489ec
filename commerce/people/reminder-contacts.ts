// "Remind me" for a visitor without an account: they give an e-mail or phone for one live session and
// get a one-time code through the Messenger; only a code that comes back sets the reminder. Asking
// looks at no account (the answer and the work are the same whether the contact has one); sends are
// budgeted per contact and per client IP together with registration codes, so neither can be used to
// flood someone's inbox. A proved contact that belongs to a person reminds that person; otherwise it
// becomes a prospect (no channel, no marketing consent: reminders are service messages), who keeps
// their record if they register later.
import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { VitaliveError } from '../../protocols/index.ts';
import { chooseLocale, LiveReminders, messageLocaleOf } from '../messaging/index.ts';
import { appendEvent } from '../outbox.ts';
import type { Store } from '../store.ts';
import { parseLogin } from './contact.ts';
import { CONTACT_CODE_DIGITS, chargeSend, codeMessage, deliver } from './contact-proof.ts';
import { budgetKey, giveBack, takeBudget } from './login-throttle.ts';
import { insertPerson } from './person-records.ts';
import type { ProofOptions } from './registration.ts';
import { withCodeRetry } from './unique-violation.ts';

export interface ReminderContactInput {
  sessionId: string;
  contact: string;
  ip: string;
  /** The page's language (Accept-Language): the code's, and a new prospect's. */
  locale?: string | undefined;
}

const hashCode = (id: string, code: string) => createHash('sha256').update(`${id}:${code}`).digest();

async function openSession(store: Store, sessionId: string): Promise<void> {
  const s = await store.db
    .selectFrom('live_sessions')
    .select('state')
    .where('id', '=', sessionId)
    .executeTakeFirst();
  if (!s) throw new VitaliveError('NOT_FOUND', { what: 'Live session' });
  if (s.state !== 'scheduled' && s.state !== 'live')
    throw new VitaliveError('LIVE_REMINDER_CLOSED', { sessionId, state: s.state });
}

/** Step one: a code to the contact for this session (earlier codes for the pair are void). */
export async function requestReminderCode(
  store: Store,
  input: ReminderContactInput,
  opts: ProofOptions,
  nowMs: number,
): Promise<void> {
  const to = parseLogin(input.contact, opts.defaultPhoneCountryCode);
  await openSession(store, input.sessionId);
  await chargeSend(store.db, [to.value], input.ip, opts.limits, nowMs);
  const id = randomUUID();
  const code = String(randomInt(0, 10 ** CONTACT_CODE_DIGITS)).padStart(CONTACT_CODE_DIGITS, '0');
  const locale = chooseLocale(input.locale);
  await store.transaction(async (trx) => {
    await trx
      .updateTable('reminder_codes')
      .set({ used_at_ms: nowMs })
      .where('contact', '=', to.value)
      .where('session_id', '=', input.sessionId)
      .where('used_at_ms', 'is', null)
      .execute();
    await trx
      .insertInto('reminder_codes')
      .values({
        id,
        session_id: input.sessionId,
        field: to.field,
        contact: to.value,
        code_hash: hashCode(id, code).toString('hex'),
        tries: 0,
        locale,
        created_at_ms: nowMs,
        expires_at_ms: nowMs + opts.limits.codeTtlMs,
        used_at_ms: null,
      })
      .execute();
  });
  await deliver(opts.messenger, [codeMessage(to, code, opts.limits.codeTtlMs, locale)]);
}

/**
 * Step two: the code comes back. Each check is counted against the client IP first and against the
 * code's tries (so parallel guesses cannot exceed maxTries). On success the reminder is set, for the
 * person holding the contact or for a new prospect; the answer is the same either way.
 */
export async function confirmReminder(
  store: Store,
  input: ReminderContactInput & { code: string },
  opts: ProofOptions,
  nowMs: number,
): Promise<void> {
  const { limits } = opts;
  const ipKey = budgetKey('cv', input.ip);
  const wait = await takeBudget(store.db, ipKey, limits.checksPerIp, limits.windowMs, nowMs);
  if (wait > 0) throw new VitaliveError('CONTACT_CODE_THROTTLED', { retryAfterSec: wait });
  const to = parseLogin(input.contact, opts.defaultPhoneCountryCode);
  const code = input.code.replace(/[\s-]/g, '');
  const row = await store.db
    .selectFrom('reminder_codes')
    .selectAll()
    .where('contact', '=', to.value)
    .where('session_id', '=', input.sessionId)
    .where('used_at_ms', 'is', null)
    .where('expires_at_ms', '>', nowMs)
    .orderBy('created_at_ms', 'desc')
    .executeTakeFirst();
  if (!row || !/^[0-9]{6}$/.test(code)) throw new VitaliveError('CONTACT_CODE_INVALID');
  const counted = await store.db
    .updateTable('reminder_codes')
    .set((eb) => ({ tries: eb('tries', '+', 1) }))
    .where('id', '=', row.id)
    .where('tries', '<', limits.maxTries)
    .executeTakeFirst();
  if (Number(counted.numUpdatedRows) === 0) throw new VitaliveError('CONTACT_CODE_INVALID');
  if (!timingSafeEqual(Buffer.from(row.code_hash, 'hex'), hashCode(row.id, code)))
    throw new VitaliveError('CONTACT_CODE_INVALID');
  await giveBack(store.db, ipKey);
  await withCodeRetry(() =>
    store.transaction(async (trx) => {
      const used = await trx
        .updateTable('reminder_codes')
        .set({ used_at_ms: nowMs })
        .where('id', '=', row.id)
        .where('used_at_ms', 'is', null)
        .executeTakeFirst();
      if (Number(used.numUpdatedRows) !== 1) throw new VitaliveError('CONTACT_CODE_INVALID');
      const holder = await trx
        .selectFrom('people')
        .select('id')
        .where(row.field, '=', row.contact)
        .executeTakeFirst();
      let personId = holder?.id;
      if (!personId) {
        const created = await insertPerson(
          trx,
          {
            kind: 'prospect',
            displayName: '',
            email: row.field === 'email' ? row.contact : null,
            phone: row.field === 'phone' ? row.contact : null,
            tier: opts.defaultTier,
            channelId: null,
            referredBy: null,
            passwordHash: null,
            mustChangePassword: false,
          },
          opts.codes,
          nowMs,
        );
        personId = created.id;
        await trx
          .updateTable('people')
          .set({
            locale: messageLocaleOf(row.locale ?? undefined) ?? null,
            [row.field === 'email' ? 'email_proven_at_ms' : 'phone_proven_at_ms']: nowMs,
          })
          .where('id', '=', personId)
          .execute();
        await appendEvent(
          trx,
          {
            type: 'person.created',
            aggregateId: personId,
            payload: {
              personId,
              kind: 'prospect',
              memberCode: created.member_code,
              channelId: null,
              via: 'live_reminder',
            },
          },
          nowMs,
        );
      }
      await new LiveReminders(trx, () => nowMs).subscribe(personId, row.session_id);
    }),
  );
}
