// A channel manager's follow-up list (people tested, not bought) names a person and when they took a
// device test: a fact derived from their readings. Before, it listed every tested person of the
// manager's channels, with or without health-data consent; now a manager sees only consenting people
// (staff keep the whole list, as with people's records).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readings } from '../../commerce/internals.ts';
import { settle } from '../helpers/attribution-scenario.ts';
import { call, postOk } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { type Seeded, seedPerson, testTokens } from '../helpers/people.ts';

describe('follow-ups respect health-data consent', () => {
  let node: LiveNode;
  let staff: Seeded;
  let manager: Seeded;
  let consenting: Seeded;
  let refusing: Seeded;
  let channelId: string;

  beforeAll(async () => {
    node = await startLiveNode();
    const { store } = node.platform;
    const tokens = testTokens();
    staff = await seedPerson(store, tokens, { roles: ['staff'] });
    manager = await seedPerson(store, tokens, { roles: ['channel_manager'] });
    channelId = (
      await postOk(node.url, staff.token, '/api/channels', {
        name: 'Clinic',
        managerId: manager.person.id,
        commissionBps: 500,
      })
    ).id as string;
    consenting = await seedPerson(store, tokens, { channelId, healthDataConsent: true });
    refusing = await seedPerson(store, tokens, { channelId, healthDataConsent: false });
    // One device test each at the clinic (readings reach commerce as the edge forwards them).
    const now = Date.now();
    let seq = 0;
    await new Readings(store).ingest(
      [consenting, refusing].map((p) => ({
        deviceId: 'scale-1',
        bootId: 1,
        seq: ++seq,
        metric: 'WEIGHT_KG',
        value: 70,
        measuredAtMs: now - 1000,
        memberCode: p.person.memberCode,
        eventId: null,
        receivedAtMs: now,
      })),
    );
    await settle(node);
  });
  afterAll(async () => {
    await node?.close();
  });

  const listed = async (token: string, query = '') => {
    const res = await call<Array<{ personId: string }>>(node.url, 'GET', `/api/metrics/follow-ups${query}`, {
      token,
    });
    expect(res.status).toBe(200);
    return res.body.map((f) => f.personId);
  };

  it('shows a channel manager only the people who consented', async () => {
    for (const query of ['', `?channelId=${channelId}`]) {
      const ids = await listed(manager.token, query);
      expect(ids, query).toContain(consenting.person.id);
      expect(ids, query).not.toContain(refusing.person.id);
    }
  });

  it('still shows staff everyone tested', async () => {
    const ids = await listed(staff.token);
    expect(ids).toEqual(expect.arrayContaining([consenting.person.id, refusing.person.id]));
  });
});
