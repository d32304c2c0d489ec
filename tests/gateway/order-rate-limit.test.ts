// Order placement is rate-limited per member, not per address: every buyer here shares 127.0.0.1, one
// member runs out of placements and the others still buy. A refused attempt writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiPlatform, startApiPlatform } from '../helpers/api-platform.ts';
import { call } from '../helpers/http-call.ts';
import { seedPerson, testTokens } from '../helpers/people.ts';
import { liveCard, PICKUP } from '../helpers/sales.ts';

const tokens = testTokens();

describe('order placement rate limit', () => {
  let t: ApiPlatform;

  beforeAll(async () => {
    t = await startApiPlatform('sqlite', { env: { ORDERS_PER_MEMBER_PER_MIN: '3' } });
  }, 30_000);
  afterAll(() => t?.close());

  it('limits each member on their own; other members on the same IP still buy', async () => {
    const { card } = await liveCard(t.store, tokens, { units: 20, perMemberLimit: 10 });
    const [alice, bob] = [await seedPerson(t.store, tokens), await seedPerson(t.store, tokens)];
    const place = (token: string, key: string) =>
      call(t.url, 'POST', '/api/orders', {
        token,
        headers: { 'idempotency-key': key },
        body: { cardId: card.cardId, quantity: 1, fulfilment: PICKUP },
      });
    for (let i = 0; i < 3; i++) expect((await place(alice.token, `alice-rate-${i}`)).status).toBe(201);
    const refused = await place(alice.token, 'alice-rate-3');
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await place(bob.token, 'bob-rate-0')).status).toBe(201);

    const rows = await t.store.db
      .selectFrom('orders')
      .select(['person_id'])
      .where('card_id', '=', card.cardId)
      .execute();
    expect(rows.filter((r) => r.person_id === alice.person.id)).toHaveLength(3);
    expect(rows.filter((r) => r.person_id === bob.person.id)).toHaveLength(1);
    const left = await t.store.db
      .selectFrom('cards')
      .select('remaining')
      .where('id', '=', card.cardId)
      .executeTakeFirstOrThrow();
    expect(Number(left.remaining)).toBe(16);
  });
});
