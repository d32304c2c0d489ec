// Attacks on the staff-only writes of clinics, alert rules and expert profiles, over HTTP against the
// running platform: a member, a channel manager, a host or an expert writing a clinic or an alert rule;
// a member or manager writing an expert's profile; no token, an expired one, and a demoted one (staff
// or expert whose role an admin removed after the token was minted: before, that token kept writing for
// the rest of its 15 minutes); oversized, malformed and out-of-range bodies; floods. Each refusal is a
// coded error, nothing is written, and the node keeps answering.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { type Seeded, seedPerson, testTokens } from '../helpers/people.ts';

const tokens = testTokens();

const clinicBody = (en: string) => ({
  name: { en, 'zh-Hans': '门店', 'zh-Hant': '門市' },
  address: { en: '1 Test Rd', 'zh-Hans': '测试路1号', 'zh-Hant': '測試路1號' },
  openingHours: [{ weekday: 1, fromMin: 540, toMin: 1080 }],
});
const ruleBody = (threshold: number) => ({
  metric: 'SYSTOLIC_MMHG',
  comparison: 'gte',
  threshold,
  severity: 'urgent',
  notify: ['expert'],
  message: 'Very high blood pressure',
});
const profileBody = (name: string) => ({
  name,
  specialities: ['hypertension'],
  languages: ['en'],
  slotMinutes: 30,
  weeklyHours: [{ weekday: 2, fromMin: 540, toMin: 720 }],
  daysOff: [],
});

describe('staff-only writes of clinics, alert rules and expert profiles under attack', () => {
  let node: LiveNode;
  let admin: Seeded;
  let staff: Seeded;
  let member: Seeded;
  let manager: Seeded;
  let host: Seeded;
  let expert: Seeded;
  let clinicId = '';
  let ruleId = '';

  const writes = () => [
    { method: 'POST', path: '/api/clinics', body: clinicBody('Rogue') },
    { method: 'PATCH', path: `/api/clinics/${clinicId}`, body: { name: clinicBody('Rogue').name } },
    { method: 'POST', path: '/api/alert-rules', body: ruleBody(90) },
    { method: 'PATCH', path: `/api/alert-rules/${ruleId}`, body: { threshold: 90, enabled: false } },
  ];

  /** What staff see: the clinics with their names, the rules with their thresholds. */
  const state = async () => {
    const clinics = await call<{ clinics: Array<{ clinicId: string; name: { en: string } }> }>(
      node.url,
      'GET',
      '/api/clinics/all',
      { token: admin.token },
    );
    const rules = await call<{ rules: Array<{ ruleId: string; threshold: number; enabled: boolean }> }>(
      node.url,
      'GET',
      '/api/alert-rules',
      { token: admin.token },
    );
    const experts = await call<{ experts: Array<{ expertId: string; name: string }> }>(
      node.url,
      'GET',
      '/api/experts',
    );
    return {
      clinics: clinics.body.clinics.map((c) => [c.clinicId, c.name.en]),
      rules: rules.body.rules.map((r) => [r.ruleId, r.threshold, r.enabled]),
      experts: experts.body.experts.map((e) => [e.expertId, e.name]),
    };
  };

  beforeAll(async () => {
    node = await startLiveNode({ LOG_LEVEL: 'warn' });
    const store = node.platform.store;
    admin = await seedPerson(store, tokens, { roles: ['admin'] });
    staff = await seedPerson(store, tokens, { roles: ['staff'] });
    member = await seedPerson(store, tokens);
    manager = await seedPerson(store, tokens, { roles: ['channel_manager'] });
    host = await seedPerson(store, tokens, { roles: ['host'] });
    expert = await seedPerson(store, tokens, { roles: ['expert'] });
    const clinic = await call(node.url, 'POST', '/api/clinics', {
      token: staff.token,
      body: clinicBody('North'),
    });
    expect(clinic.status, JSON.stringify(clinic.body)).toBe(201);
    clinicId = clinic.body.clinicId as string;
    const rule = await call(node.url, 'POST', '/api/alert-rules', {
      token: staff.token,
      body: ruleBody(180),
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    ruleId = rule.body.ruleId as string;
    const profile = await call(node.url, 'PUT', `/api/experts/${expert.person.id}`, {
      token: expert.token,
      body: profileBody('Dr Real'),
    });
    expect(profile.status, JSON.stringify(profile.body)).toBe(200);
  }, 90_000);

  afterAll(async () => {
    await node?.close();
  });

  it('a member, a channel manager, a host or an expert cannot write a clinic or an alert rule', async () => {
    const before = await state();
    for (const who of [member, manager, host, expert]) {
      for (const w of writes()) {
        const r = await call(node.url, w.method, w.path, { token: who.token, body: w.body });
        expect(r.status, `${w.method} ${w.path}`).toBe(403);
        expect(r.body.code).toBe('FORBIDDEN');
      }
    }
    expect(await state()).toEqual(before);
  }, 60_000);

  it('a member or a manager cannot write an expert’s profile; another expert cannot write it either', async () => {
    const before = await state();
    for (const who of [member, manager, host]) {
      const r = await call(node.url, 'PUT', `/api/experts/${expert.person.id}`, {
        token: who.token,
        body: profileBody('Dr Fake'),
      });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('FORBIDDEN');
    }
    const rival = await seedPerson(node.platform.store, tokens, { roles: ['expert'] });
    const r = await call(node.url, 'PUT', `/api/experts/${expert.person.id}`, {
      token: rival.token,
      body: profileBody('Dr Fake'),
    });
    expect(r.status).toBe(403);
    expect(await state()).toEqual(before);
  }, 30_000);

  it('no token, an expired token and a forged one are refused before the body is read', async () => {
    const before = await state();
    const expired = await tokens.mintAccess(staff.person.id, staff.person.roles, Date.now() - 3_600_000);
    const forged = `${staff.token.slice(0, -4)}AAAA`;
    for (const w of writes()) {
      const none = await call(node.url, w.method, w.path, { body: w.body });
      expect(none.status).toBe(401);
      expect(none.body.code).toBe('AUTH_REQUIRED');
      for (const token of [expired, forged]) {
        const r = await call(node.url, w.method, w.path, { token, body: w.body });
        expect(r.status).toBe(401);
        expect(r.body.code).toBe('AUTH_INVALID_TOKEN');
      }
      // A refused caller's oversized body is never read: the refusal is about the token.
      const big = await call(node.url, w.method, w.path, { token: member.token, raw: 'x'.repeat(200_000) });
      expect(big.status).toBe(403);
    }
    expect(await state()).toEqual(before);
  }, 60_000);

  it('a staff member or expert demoted after the token was minted writes nothing with it', async () => {
    const demotedStaff = await seedPerson(node.platform.store, tokens, { roles: ['staff'] });
    const demotedExpert = await seedPerson(node.platform.store, tokens, { roles: ['expert'] });
    const own = await call(node.url, 'PUT', `/api/experts/${demotedExpert.person.id}`, {
      token: demotedExpert.token,
      body: profileBody('Dr Soon Gone'),
    });
    expect(own.status).toBe(200);
    for (const [who, role] of [
      [demotedStaff, 'staff'],
      [demotedExpert, 'expert'],
    ] as const) {
      const gone = await call(node.url, 'DELETE', `/api/people/${who.person.id}/roles/${role}`, {
        token: admin.token,
      });
      expect(gone.status).toBe(200);
    }
    const before = await state();
    for (const w of writes()) {
      const r = await call(node.url, w.method, w.path, { token: demotedStaff.token, body: w.body });
      expect(r.status, `${w.method} ${w.path}`).toBe(403);
      expect(r.body.code).toBe('FORBIDDEN');
    }
    const profile = await call(node.url, 'PUT', `/api/experts/${demotedExpert.person.id}`, {
      token: demotedExpert.token,
      body: profileBody('Dr Still Here'),
    });
    expect(profile.status).toBe(403);
    // Reads that need the role are closed too.
    const list = await call(node.url, 'GET', '/api/alert-rules', { token: demotedStaff.token });
    expect(list.status).toBe(403);
    expect(await state()).toEqual(before);
  }, 60_000);

  it('oversized, malformed and out-of-range bodies from staff are coded refusals that change nothing', async () => {
    const before = await state();
    const refusals: Array<[string, string, { raw?: string; body?: unknown }, number, string]> = [
      [
        'POST',
        '/api/clinics',
        { raw: JSON.stringify(clinicBody('x'.repeat(70_000))) },
        413,
        'HTTP_BODY_TOO_LARGE',
      ],
      ['POST', '/api/clinics', { raw: '{"name":' }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/clinics', { raw: 'null' }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/clinics', { body: [clinicBody('Array')] }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/clinics', { body: clinicBody('y'.repeat(201)) }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/clinics', { body: { ...clinicBody('Extra'), isAdmin: true } }, 400, 'VALIDATION_FAILED'],
      [
        'POST',
        '/api/clinics',
        {
          body: {
            ...clinicBody('Hours'),
            openingHours: Array(43).fill({ weekday: 1, fromMin: 0, toMin: 60 }),
          },
        },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'POST',
        '/api/clinics',
        { body: { ...clinicBody('Staff'), staffIds: ['../../etc'] } },
        400,
        'VALIDATION_FAILED',
      ],
      ['PATCH', `/api/clinics/${clinicId}`, { body: {} }, 400, 'VALIDATION_FAILED'],
      [
        'PATCH',
        `/api/clinics/${'z'.repeat(101)}`,
        { body: { archived: true } },
        414,
        'HTTP_PATH_PARAM_TOO_LONG',
      ],
      ['PATCH', '/api/clinics/no-such-clinic', { body: { archived: true } }, 404, 'NOT_FOUND'],
      [
        'POST',
        '/api/alert-rules',
        { raw: JSON.stringify({ ...ruleBody(1), message: 'm'.repeat(70_000) }) },
        413,
        'HTTP_BODY_TOO_LARGE',
      ],
      [
        'POST',
        '/api/alert-rules',
        { body: { ...ruleBody(1), message: 'm'.repeat(401) } },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'POST',
        '/api/alert-rules',
        { body: { ...ruleBody(1), metric: 'CONSTRUCTOR' } },
        400,
        'VALIDATION_FAILED',
      ],
      ['POST', '/api/alert-rules', { body: { ...ruleBody(1), threshold: '180' } }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/alert-rules', { body: { ...ruleBody(1), notify: [] } }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/alert-rules', { raw: '{"__proto__":{"enabled":false}}' }, 400, 'VALIDATION_FAILED'],
      ['PATCH', `/api/alert-rules/${ruleId}`, { raw: '[' }, 400, 'VALIDATION_FAILED'],
      ['PATCH', '/api/alert-rules/no-such-rule', { body: { enabled: false } }, 404, 'NOT_FOUND'],
    ];
    for (const [method, path, opts, status, code] of refusals) {
      const r = await call(node.url, method, path, { token: staff.token, ...opts });
      expect(
        [r.status, r.body?.code],
        `${method} ${path} ${(opts.raw ?? JSON.stringify(opts.body)).slice(0, 60)}`,
      ).toEqual([status, code]);
    }
    // A threshold outside the metric's physical range is refused by commerce with its own code.
    const far = await call(node.url, 'POST', '/api/alert-rules', { token: staff.token, body: ruleBody(1e9) });
    expect([far.status, far.body.code]).toEqual([422, 'METRIC_RANGE_INVALID']);
    expect(await state()).toEqual(before);
  }, 60_000);

  it('a flood of refused writes costs nothing: all coded, none written, staff still write', async () => {
    const before = await state();
    const flood = await Promise.all(
      Array.from({ length: 300 }, (_, i) => {
        const w = writes()[i % 4]!;
        const who = [member, manager, host, expert][i % 4]!;
        return call(node.url, w.method, w.path, { token: who.token, body: w.body });
      }),
    );
    expect(new Set(flood.map((r) => `${r.status} ${r.body.code}`))).toEqual(new Set(['403 FORBIDDEN']));
    const garbage = await Promise.all(
      Array.from({ length: 100 }, () =>
        call(node.url, 'POST', '/api/alert-rules', { token: staff.token, raw: '{"metric":' }),
      ),
    );
    expect(new Set(garbage.map((r) => `${r.status} ${r.body.code}`))).toEqual(
      new Set(['400 VALIDATION_FAILED']),
    );
    expect(await state()).toEqual(before);
    const health = await fetch(`${node.url}/healthz`);
    expect(health.status).toBe(200);
    const real = await call(node.url, 'POST', '/api/clinics', {
      token: staff.token,
      body: clinicBody('South'),
    });
    expect(real.status).toBe(201);
  }, 90_000);
});
