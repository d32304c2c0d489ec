// The message queue and its worker on both stores: a go-live reaches every "remind me" subscriber once,
// in their language, with the live page's link; promotional messages need marketing consent and wait
// out quiet hours in the person's zone while service messages do not; a failing provider is retried
// with backoff and then marked failed; on PostgreSQL two workers send each message exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChannelSender,
  DEFAULT_DELIVERY,
  type Delivery,
  DeliveryWorker,
  enqueue,
  LiveSales,
  Messaging,
  type MessagingOptions,
  messagingConsumer,
  type Store,
} from '../../commerce/internals.ts';
import { deliver } from '../helpers/ledger.ts';
import { testLogger } from '../helpers/logger.ts';
import { openTestStore, STORE_BACKENDS, seedPerson, type TestStore, testTokens } from '../helpers/people.ts';

const tokens = testTokens();

/** A channel adapter that keeps what it is handed and fails while `failing` is set. */
class Recorder implements ChannelSender {
  readonly sent: Delivery[] = [];
  failing = false;
  async send(d: Delivery) {
    if (this.failing) throw new Error('provider answered 503');
    this.sent.push(d);
    return { providerId: `p-${this.sent.length}` };
  }
}

/** 2026-03-02 23:30 in Shanghai (UTC+8). */
const SHANGHAI_2330 = Date.UTC(2026, 2, 2, 15, 30);

function options(extra: Partial<MessagingOptions['delivery']> = {}) {
  return {
    ...DEFAULT_DELIVERY,
    ratePerSecond: { email: 0, sms: 0, wechat: 0 },
    retryBaseMs: 1_000,
    retryMaxMs: 60_000,
    maxAttempts: 3,
    publicUrl: 'https://vitalive.example',
    unsubscribeSecret: 'unsubscribe-secret-for-tests',
    ...extra,
  };
}

function worker(
  store: Store,
  senders: MessagingOptions['senders'],
  now: () => number,
  nodeId = 'n1',
  extra = {},
) {
  return new DeliveryWorker({
    db: store.db,
    logger: testLogger,
    nodeId,
    senders,
    options: options(extra),
    now,
  });
}

async function statusOf(store: Store, personId: string, kind: string) {
  return store.db
    .selectFrom('messages')
    .selectAll()
    .where('person_id', '=', personId)
    .where('kind', '=', kind)
    .execute();
}

describe.each(STORE_BACKENDS)('messages on $name', ({ name }) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(name);
  }, 30_000);
  afterAll(() => t?.cleanup());

  it('go-live: each subscriber gets one reminder in their language with the live link, even redelivered', async () => {
    const email = new Recorder();
    const messaging = new Messaging(t.store, {
      logger: testLogger,
      nodeId: 'n1',
      options: {
        delivery: options(),
        scheduler: { pollMs: 1000, leaseMs: 60_000, batch: 100, maxAttempts: 3 },
        senders: { email },
      },
      triggers: {},
    });
    const host = await seedPerson(t.store, tokens, { roles: ['host'] });
    const hant = await seedPerson(t.store, tokens, {});
    const en = await seedPerson(t.store, tokens, {});
    await messaging.profiles.update(hant.person.id, { locale: 'zh-Hant' });
    const sales = new LiveSales(t.store);
    const actor = { personId: host.person.id, roles: host.person.roles };
    const session = await sales.createSession(actor, { title: '春季直播' });
    await messaging.liveReminders.subscribe(hant.person.id, session.sessionId);
    await messaging.liveReminders.subscribe(en.person.id, session.sessionId);
    await messaging.liveReminders.subscribe(en.person.id, session.sessionId);
    await sales.goLive(actor, session.sessionId);
    await deliver(t.store, messaging.consumer);
    // A second consumer name over the same events: the (kind, source, person) key still holds.
    await deliver(t.store, { ...messagingConsumer({}), name: 'messaging-replay' });
    await messaging.worker.drain();
    const toHant = email.sent.filter((d) => d.to === hant.person.email);
    const toEn = email.sent.filter((d) => d.to === en.person.email);
    expect(toHant).toHaveLength(1);
    expect(toEn).toHaveLength(1);
    expect(toHant[0]!.text).toContain('已開播');
    expect(toHant[0]!.locale).toBe('zh-Hant');
    expect(toEn[0]!.subject).toBe('Live now: 春季直播');
    // Our page is reached through the message's tracked link, which leads to the live page.
    expect(toEn[0]!.url).toMatch(/^https:\/\/vitalive\.example\/m\/[0-9a-z]+\.[\w-]{16}$/);
    expect(toEn[0]!.text).toContain(toEn[0]!.url);
    expect(await messaging.click(new URL(toEn[0]!.url!).pathname.slice(3))).toBe(
      `/live/${session.sessionId}`,
    );
    // Service message: no unsubscribe link.
    expect(toEn[0]!.unsubscribeUrl).toBeNull();
    const [row] = await statusOf(t.store, en.person.id, 'live_reminder_golive');
    expect(row).toMatchObject({ status: 'sent', channel: 'email', attempts: 1 });
  });

  it('promotional without consent is suppressed; with consent it carries a signed unsubscribe link', async () => {
    const email = new Recorder();
    const w = worker(t.store, { email }, () => Date.UTC(2026, 2, 2, 4, 0)); // 12:00 in Shanghai
    const without = await seedPerson(t.store, tokens, {});
    const withConsent = await seedPerson(t.store, tokens, {});
    await t.store.db
      .updateTable('people')
      .set({ consent_marketing: 1 })
      .where('id', '=', withConsent.person.id)
      .execute();
    const params = { title: 'Open day', venue: 'Clinic 1', startsAtMs: Date.UTC(2026, 2, 9, 2, 0) };
    await t.store.transaction(async (trx) => {
      await enqueue(
        trx,
        { personId: without.person.id, kind: 'event_invitation', source: 'event:e1', params },
        Date.UTC(2026, 2, 2, 4, 0),
      );
      await enqueue(
        trx,
        { personId: withConsent.person.id, kind: 'event_invitation', source: 'event:e1', params },
        Date.UTC(2026, 2, 2, 4, 0),
      );
    });
    await w.drain();
    expect(email.sent.map((d) => d.to)).toEqual([withConsent.person.email]);
    expect(email.sent[0]!.unsubscribeUrl).toMatch(/^https:\/\/vitalive\.example\/u\/[\w-]+\.[\w-]+$/);
    expect((await statusOf(t.store, without.person.id, 'event_invitation'))[0]).toMatchObject({
      status: 'suppressed',
      last_error: 'no marketing consent',
    });
  });

  it('quiet hours delay a promotional message to 08:00 in the person’s zone; a service message goes now', async () => {
    const email = new Recorder();
    let clock = SHANGHAI_2330;
    const w = worker(t.store, { email }, () => clock);
    const p = await seedPerson(t.store, tokens, {});
    await t.store.db
      .updateTable('people')
      .set({ consent_marketing: 1 })
      .where('id', '=', p.person.id)
      .execute();
    await t.store.transaction(async (trx) => {
      await enqueue(
        trx,
        {
          personId: p.person.id,
          kind: 'event_invitation',
          source: 'event:q',
          params: { title: 'T', venue: 'V', startsAtMs: clock + 86_400_000 * 3 },
        },
        clock,
      );
      await enqueue(
        trx,
        {
          personId: p.person.id,
          kind: 'order_paid',
          source: 'order:q',
          params: { amountMinor: 100, currency: 'CNY' },
        },
        clock,
      );
    });
    await w.drain();
    expect(email.sent.map((d) => d.kind)).toEqual(['order_paid']);
    const [held] = await statusOf(t.store, p.person.id, 'event_invitation');
    expect(held).toMatchObject({ status: 'queued', attempts: 0 });
    expect(Number(held!.next_attempt_at_ms)).toBe(Date.UTC(2026, 2, 3, 0, 0)); // 08:00 Shanghai
    clock = Date.UTC(2026, 2, 3, 0, 0);
    await w.drain();
    expect(email.sent.map((d) => d.kind)).toEqual(['order_paid', 'event_invitation']);
    // The same instant is 15:30 in London: a Londoner's invitation goes at once.
    clock = SHANGHAI_2330;
    const london = await seedPerson(t.store, tokens, {});
    await t.store.db
      .updateTable('people')
      .set({ consent_marketing: 1, time_zone: 'Europe/London' })
      .where('id', '=', london.person.id)
      .execute();
    await t.store.transaction((trx) =>
      enqueue(
        trx,
        {
          personId: london.person.id,
          kind: 'event_invitation',
          source: 'event:q',
          params: { title: 'T', venue: 'V', startsAtMs: clock + 86_400_000 * 3 },
        },
        clock,
      ),
    );
    await w.drain();
    expect(email.sent.at(-1)!.to).toBe(london.person.email);
  });

  it('a failing provider is retried with growing waits, then the message is failed', async () => {
    const sms = new Recorder();
    sms.failing = true;
    let clock = Date.UTC(2026, 2, 2, 4, 0);
    const w = worker(t.store, { sms }, () => clock);
    const p = await seedPerson(t.store, tokens, { email: null, phone: '+8613800138000' });
    await t.store.transaction((trx) =>
      enqueue(trx, { personId: p.person.id, kind: 'order_fulfilled', source: 'order:f', params: {} }, clock),
    );
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      await w.drain();
      const [m] = await statusOf(t.store, p.person.id, 'order_fulfilled');
      expect(m!.attempts).toBe(i + 1);
      if (i < 2) {
        expect(m!.status).toBe('queued');
        waits.push(Number(m!.next_attempt_at_ms) - clock);
        // Not due yet: nothing happens.
        await w.drain();
        expect((await statusOf(t.store, p.person.id, 'order_fulfilled'))[0]!.attempts).toBe(i + 1);
        clock = Number(m!.next_attempt_at_ms);
      } else {
        expect(m).toMatchObject({ status: 'failed', channel: 'sms', last_error: 'provider answered 503' });
      }
    }
    expect(waits[0]).toBeGreaterThanOrEqual(500);
    expect(waits[0]).toBeLessThanOrEqual(1_000);
    expect(waits[1]).toBeGreaterThanOrEqual(1_000);
    expect(waits[1]).toBeLessThanOrEqual(2_000);
    expect(sms.sent).toHaveLength(0);
  });

  it.runIf(name === 'postgres')('two workers on one PostgreSQL store send each message once', async () => {
    const email = new Recorder();
    const people = await Promise.all(Array.from({ length: 20 }, () => seedPerson(t.store, tokens, {})));
    const now = Date.now();
    await t.store.transaction(async (trx) => {
      for (const p of people)
        for (let i = 0; i < 10; i++)
          await enqueue(
            trx,
            {
              personId: p.person.id,
              kind: 'order_paid',
              source: `order:two-${i}`,
              params: { amountMinor: 100, currency: 'CNY' },
            },
            now,
          );
    });
    const slow: ChannelSender = {
      async send(d) {
        await new Promise((r) => setTimeout(r, 2));
        return email.send(d);
      },
    };
    const a = worker(t.store, { email: slow }, Date.now, 'node-a', { batch: 10 });
    const b = worker(t.store, { email: slow }, Date.now, 'node-b', { batch: 10 });
    await Promise.all([a.drain(), b.drain(), a.drain(), b.drain()]);
    const rows = await t.store.db
      .selectFrom('messages')
      .select(['id', 'status'])
      .where('source', 'like', 'order:two-%')
      .execute();
    expect(rows).toHaveLength(200);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(email.sent).toHaveLength(200);
    const keys = email.sent.map((d) => `${d.to}`);
    expect(new Set(keys).size).toBe(20);
    const perPerson = new Map<string, number>();
    for (const k of keys) perPerson.set(k, (perPerson.get(k) ?? 0) + 1);
    expect([...perPerson.values()].every((n) => n === 10)).toBe(true);
  });
});
