// Alerts on readings through the whole platform: a blood-pressure reading over the rule's threshold,
// published over MQTT by a real device (and published again, as a device does when an ack is lost),
// raises exactly one alert for a consenting person — a neutral task on their follow-up and one
// `staff:alert` frame on the socket of the expert they booked and of their clinic's staff — while the
// same reading of a person without consent raises nothing, and an expert they did not book hears nothing.
// An expert's /staff socket carries no figures.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../../loadtest/clients/wait-for.ts';
import { encodeReading, type StaffAlertFrame } from '../../protocols/index.ts';
import { connectDevice } from '../helpers/edge.ts';
import { freeSlots, seedExpert } from '../helpers/experts.ts';
import { call } from '../helpers/http-call.ts';
import { seedChannel } from '../helpers/ledger.ts';
import { type LiveNode, record, socketTo, startLiveNode } from '../helpers/live-platform.ts';
import { seedPerson, seedStaff, testTokens } from '../helpers/people.ts';

const tokens = testTokens();
const SYSTOLIC = 6;
let node: LiveNode;

beforeAll(async () => {
  node = await startLiveNode();
}, 60_000);
afterAll(() => node?.close());

it('raises one alert per reading over the threshold, with consent only, to the booked expert’s socket', async () => {
  const { platform, url } = node;
  const store = platform.store;
  const staff = await seedStaff(store, tokens);
  const desk = await seedStaff(store, tokens);
  const clinic = await call<{ clinicId: string }>(url, 'POST', '/api/clinics', {
    token: staff.token,
    body: {
      name: { en: 'North', 'zh-Hans': '北门店', 'zh-Hant': '北門市' },
      address: { en: '1 North Rd', 'zh-Hans': '北路1号', 'zh-Hant': '北路1號' },
      openingHours: [{ weekday: 1, fromMin: 540, toMin: 1080 }],
      staffIds: [desk.person.id],
    },
  });
  expect(clinic.status, JSON.stringify(clinic.body)).toBe(201);
  const expert = await seedExpert(url, store, tokens, { clinicId: clinic.body.clinicId });
  const stranger = await seedExpert(url, store, tokens, { displayName: 'Dr Other' });
  const manager = await seedPerson(store, tokens, { roles: ['channel_manager'] });
  const channelId = await seedChannel(store, { commissionBps: 0, managerId: manager.person.id });
  const consenting = await seedPerson(store, tokens, { channelId, healthDataConsent: true });
  const refusing = await seedPerson(store, tokens, { channelId, healthDataConsent: false });
  const [s1, s2] = await freeSlots(url, expert.person.id, Date.now() + 24 * 3_600_000);
  for (const [who, slot] of [
    [consenting, s1],
    [refusing, s2],
  ] as const) {
    const r = await call(url, 'POST', '/api/consultations', {
      token: who.token,
      body: { expertId: expert.person.id, startsAtMs: slot },
    });
    expect(r.status).toBe(201);
  }
  const rule = await call(url, 'POST', '/api/alert-rules', {
    token: staff.token,
    body: {
      metric: 'SYSTOLIC_MMHG',
      comparison: 'gte',
      threshold: 180,
      severity: 'urgent',
      notify: ['expert', 'clinic_staff', 'follow_up_owner'],
      message: 'Very high blood pressure: call today',
    },
  });
  expect(rule.status, JSON.stringify(rule.body)).toBe(201);

  const snapshots: unknown[] = [];
  const expertSocket = await socketTo(url, '/staff', expert.token, {
    listen: (s) => s.on('staff:snapshot', (f) => snapshots.push(f)),
  });
  const expertFrames = record(expertSocket, ['staff:alert', 'staff:update']);
  const deskSocket = await socketTo(url, '/staff', desk.token);
  const deskFrames = record(deskSocket, ['staff:alert']);
  const strangerSocket = await socketTo(url, '/staff', stranger.token);
  const strangerFrames = record(strangerSocket, ['staff:alert']);

  const device = await call<{ secret: string }>(url, 'POST', '/api/devices', {
    token: staff.token,
    body: { id: 'bp-1', kind: 'bp', location: 'North' },
  });
  expect(device.status).toBe(201);
  const mqtt = await connectDevice(platform.ports.mqtt.port, 'bp-1', device.body.secret);
  const reading = (seq: number, memberCode: string, value: number) =>
    Buffer.from(
      encodeReading({
        deviceId: 'bp-1',
        bootId: 1,
        seq,
        metric: SYSTOLIC,
        value,
        measuredAtMs: Date.now(),
        memberCode,
      }),
    );
  const high = reading(1, consenting.person.memberCode, 190);
  await mqtt.publishAsync('devices/bp-1/readings', high, { qos: 1 });
  // The device did not see the ack and sends the same reading again.
  await mqtt.publishAsync('devices/bp-1/readings', high, { qos: 1 });
  await mqtt.publishAsync('devices/bp-1/readings', reading(2, refusing.person.memberCode, 200), { qos: 1 });
  await mqtt.publishAsync('devices/bp-1/readings', reading(3, consenting.person.memberCode, 120), { qos: 1 });

  await waitFor(() => expertFrames.some((f) => f.event === 'staff:alert'), {
    what: 'the expert’s alert frame',
  });
  // Every reading has been through the alerts consumer before counting.
  await waitFor(
    async () => {
      const recorded = await store.db
        .selectFrom('outbox')
        .select('id')
        .where('type', '=', 'reading.recorded')
        .orderBy('id', 'desc')
        .execute();
      const pos = await store.db
        .selectFrom('consumer_positions')
        .select('position')
        .where('consumer', '=', 'reading-alerts')
        .executeTakeFirst();
      return recorded.length === 3 && Number(pos?.position ?? 0) >= Number(recorded[0]!.id);
    },
    { what: 'every reading evaluated' },
  );
  await new Promise((r) => setTimeout(r, 300));

  const alerts = await store.db.selectFrom('reading_alerts').select(['person_id', 'severity']).execute();
  expect(alerts).toEqual([{ person_id: consenting.person.id, severity: 'urgent' }]);
  const alertFrames = expertFrames
    .filter((f) => f.event === 'staff:alert')
    .map((f) => f.frame as unknown as StaffAlertFrame);
  expect(alertFrames).toEqual([
    expect.objectContaining({
      personId: consenting.person.id,
      metric: 'SYSTOLIC_MMHG',
      severity: 'urgent',
      message: 'Very high blood pressure: call today',
    }),
  ]);
  expect(JSON.stringify(alertFrames[0])).not.toContain('190');
  expect(deskFrames.filter((f) => f.event === 'staff:alert')).toHaveLength(1);
  expect(strangerFrames).toEqual([]);
  // The expert's socket is an alert audience only: no figures.
  expect(snapshots).toEqual([]);
  expect(expertFrames.filter((f) => f.event === 'staff:update')).toEqual([]);

  // The follow-up owner gets a neutral task, without the metric or the value.
  const tasks = await store.db
    .selectFrom('follow_up_tasks as t')
    .innerJoin('follow_ups as f', 'f.id', 't.follow_up_id')
    .select(['t.kind', 't.title', 't.assignee_id', 'f.person_id'])
    .where('t.kind', '=', 'alert')
    .execute();
  expect(tasks).toEqual([
    {
      kind: 'alert',
      title: 'Contact this person',
      assignee_id: manager.person.id,
      person_id: consenting.person.id,
    },
  ]);
  await mqtt.endAsync();
  for (const s of [expertSocket, deskSocket, strangerSocket]) s.disconnect();
}, 60_000);
