// "For your goal": a signed-in viewer with a recent reading and health-data consent gets the session's
// cards whose product ranges contain that reading flagged in the /live snapshot; without consent, with
// only an old reading, or with the goal rule turned off (data, not code), nothing is flagged.
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readings } from '../../../commerce/internals.ts';
import { postOk } from '../../helpers/http-call.ts';
import { type LiveNode, ok, socketTo, startLiveNode } from '../../helpers/live-platform.ts';
import { seedPerson, testTokens } from '../../helpers/people.ts';

const tokens = testTokens();
const DAY = 86_400_000;

describe('cards flagged for a viewer from their readings', () => {
  let node: LiveNode;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    node = await startLiveNode();
  }, 30_000);
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await node?.close();
  });

  it('flags matching cards only with consent and a recent reading', async () => {
    const { store } = node.platform;
    const staff = await seedPerson(store, tokens, { roles: ['staff'] });
    const host = await seedPerson(store, tokens, { roles: ['host'] });
    const consenting = await seedPerson(store, tokens, { healthDataConsent: true });
    const noConsent = await seedPerson(store, tokens, { healthDataConsent: false });
    const stale = await seedPerson(store, tokens, { healthDataConsent: true });
    const product = async (code: string, metric: string, min: number, max: number) => {
      const p = await postOk(node.url, staff.token, '/api/products', {
        titles: { en: code, 'zh-Hans': code, 'zh-Hant': code },
        metrics: [{ metric, min, max }],
        skus: [{ code, priceMinor: 9_900, currency: 'CNY', stock: 10 }],
      });
      return (p.skus as Array<{ skuId: string }>)[0]!.skuId;
    };
    const fatSku = await product('FAT-1', 'BODY_FAT_PCT', 25, 45);
    const glucoseSku = await product('GLU-1', 'GLUCOSE_MMOL_L', 7, 20);
    const session = await postOk(node.url, host.token, '/api/live-sessions', { title: 'Goals' });
    const sessionId = session.sessionId as string;
    await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/go-live`);
    const cards: string[] = [];
    for (const skuId of [fatSku, glucoseSku]) {
      const c = await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/cards`, {
        skuId,
        quantity: 5,
      });
      await postOk(node.url, host.token, `/api/live-sessions/${sessionId}/cards/${c.cardId}/pin`);
      cards.push(c.cardId as string);
    }
    const now = Date.now();
    let seq = 0;
    const reading = (memberCode: string, metric: string, value: number, measuredAtMs: number) => ({
      deviceId: 'scale-goals',
      bootId: 1,
      seq: ++seq,
      metric,
      value,
      measuredAtMs,
      memberCode,
      eventId: null,
      receivedAtMs: now,
    });
    await new Readings(store).ingest([
      reading(consenting.person.memberCode, 'BODY_FAT_PCT', 31.5, now - DAY),
      reading(consenting.person.memberCode, 'GLUCOSE_MMOL_L', 5.1, now - DAY),
      reading(noConsent.person.memberCode, 'BODY_FAT_PCT', 31.5, now - DAY),
      reading(stale.person.memberCode, 'BODY_FAT_PCT', 31.5, now - 40 * DAY),
    ]);
    const join = async (token: string, viewerId: string) => {
      const v = await socketTo(node.url, '/live', token);
      sockets.push(v);
      return { v, snap: await ok(v, 'live:join', { sessionId, viewerId }) };
    };
    const mine = await join(consenting.token, 'for-you-viewer-1');
    expect(mine.snap.forYou).toEqual([{ cardId: cards[0], metric: 'BODY_FAT_PCT', goal: 'body-fat' }]);
    expect((await join(noConsent.token, 'for-you-viewer-2')).snap.forYou).toBeUndefined();
    expect((await join(stale.token, 'for-you-viewer-3')).snap.forYou).toBeUndefined();
    const anonymous = await socketTo(node.url, '/live');
    sockets.push(anonymous);
    expect(
      (await ok(anonymous, 'live:join', { sessionId, viewerId: 'for-you-viewer-4' })).forYou,
    ).toBeUndefined();

    // The rule is data: turning the body-fat goal off stops the flag at the next resync.
    await store.db
      .updateTable('recommendation_goals')
      .set({ enabled: 0 })
      .where('metric', '=', 'BODY_FAT_PCT')
      .execute();
    expect((await ok(mine.v, 'live:resync', { sessionId })).forYou).toBeUndefined();
  }, 60_000);
});
