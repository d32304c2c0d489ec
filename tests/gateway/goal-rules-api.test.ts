// /api/goal-rules on SQLite and PostgreSQL: staff and admins list, create, change and delete goal
// rules; channel managers and members get 403 FORBIDDEN, anonymous callers 401; malformed input
// (unknown metric, wrong types, empty or long labels, unknown fields) is refused with VALIDATION_FAILED,
// a range that is not min < max inside the metric's physical range with METRIC_RANGE_INVALID, and
// neither changes anything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GoalRule } from '../../commerce/internals.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../loadtest/clients/postgres.ts';
import { METRIC_NAMES } from '../../protocols/index.ts';
import { call } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { type Seeded, seedPerson, testTokens } from '../helpers/people.ts';

const tokens = testTokens();

describe.each([{ name: 'sqlite' }, { name: 'postgres' }])('goal rules API on $name', ({ name }) => {
  let node: LiveNode;
  let pg: ScratchDatabase | undefined;
  let staff: Seeded;
  let admin: Seeded;
  let manager: Seeded;
  let member: Seeded;
  const list = async () => {
    const r = await call<{ rules: GoalRule[]; metrics: Array<{ metric: string }> }>(
      node.url,
      'GET',
      '/api/goal-rules',
      { token: staff.token },
    );
    expect(r.status).toBe(200);
    expect(r.body.metrics.map((m) => m.metric)).toEqual(METRIC_NAMES);
    return r.body.rules;
  };

  beforeAll(async () => {
    pg = name === 'postgres' ? await createScratchDatabase() : undefined;
    node = await startLiveNode(pg ? { DATABASE_URL: pg.url } : {});
    const { store } = node.platform;
    staff = await seedPerson(store, tokens, { roles: ['staff'] });
    admin = await seedPerson(store, tokens, { roles: ['admin'] });
    manager = await seedPerson(store, tokens, { roles: ['channel_manager'] });
    member = await seedPerson(store, tokens);
  }, 60_000);
  afterAll(async () => {
    await node?.close();
    await pg?.drop();
  });

  it('lists the rules carried over from the goal table, each over its metric’s whole range', async () => {
    const rules = await list();
    expect(rules.map((r) => r.metric).sort()).toEqual([...METRIC_NAMES].sort());
    expect(rules.find((r) => r.metric === 'BODY_FAT_PCT')).toMatchObject({
      ruleId: 'goal-body-fat-pct',
      min: 1,
      max: 80,
      goal: 'body-fat',
      enabled: true,
    });
  });

  it('creates, changes and deletes a rule; each change appends its outbox event', async () => {
    const created = await call<GoalRule>(node.url, 'POST', '/api/goal-rules', {
      token: admin.token,
      body: { metric: 'GLUCOSE_MMOL_L', min: 7.5, max: 20, goal: '  blood sugar  ' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      metric: 'GLUCOSE_MMOL_L',
      min: 7.5,
      max: 20,
      goal: 'blood sugar',
      enabled: true,
    });
    const id = created.body.ruleId;
    expect((await list()).find((r) => r.ruleId === id)).toEqual(created.body);

    const changed = await call<GoalRule>(node.url, 'PATCH', `/api/goal-rules/${id}`, {
      token: staff.token,
      body: { min: 8, goal: '血糖', enabled: false },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ ruleId: id, min: 8, max: 20, goal: '血糖', enabled: false });

    const deleted = await call(node.url, 'DELETE', `/api/goal-rules/${id}`, { token: staff.token });
    expect(deleted.status).toBe(204);
    expect((await list()).some((r) => r.ruleId === id)).toBe(false);
    const again = await call(node.url, 'DELETE', `/api/goal-rules/${id}`, { token: staff.token });
    expect({ status: again.status, code: again.body?.code }).toEqual({ status: 404, code: 'NOT_FOUND' });

    const events = await node.platform.store.db
      .selectFrom('outbox')
      .select(['type', 'aggregate_id'])
      .where('aggregate_id', '=', id)
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.type)).toEqual([
      'goal_rule.created',
      'goal_rule.updated',
      'goal_rule.deleted',
    ]);
  });

  it('refuses channel managers and members with 403 FORBIDDEN, anonymous callers with 401', async () => {
    const before = await list();
    const id = before[0]!.ruleId;
    const calls: Array<[method: string, path: string, body?: unknown]> = [
      ['GET', '/api/goal-rules'],
      ['POST', '/api/goal-rules', { metric: 'BMI', min: 25, max: 40, goal: 'weight' }],
      ['PATCH', `/api/goal-rules/${id}`, { enabled: false }],
      ['DELETE', `/api/goal-rules/${id}`],
    ];
    for (const [method, path, body] of calls) {
      for (const who of [manager, member]) {
        const r = await call(node.url, method, path, { token: who.token, body });
        expect({ path, method, status: r.status, code: r.body?.code }).toEqual({
          path,
          method,
          status: 403,
          code: 'FORBIDDEN',
        });
      }
      const anonymous = await call(node.url, method, path, { body });
      expect({ method, status: anonymous.status, code: anonymous.body?.code }).toEqual({
        method,
        status: 401,
        code: 'AUTH_REQUIRED',
      });
    }
    expect(await list()).toEqual(before);
  });

  it('refuses bad input with a coded error and changes nothing', async () => {
    const before = await list();
    const id = before.find((r) => r.metric === 'BMI')!.ruleId;
    const good = { metric: 'BMI', min: 25, max: 40, goal: 'weight' };
    const malformed: Array<[method: string, path: string, body: unknown]> = [
      ['POST', '/api/goal-rules', { ...good, metric: 'SHOE_SIZE' }],
      ['POST', '/api/goal-rules', { ...good, metric: 'bmi' }],
      ['POST', '/api/goal-rules', { ...good, max: '40' }],
      ['POST', '/api/goal-rules', { ...good, goal: '' }],
      ['POST', '/api/goal-rules', { ...good, goal: '    ' }],
      ['POST', '/api/goal-rules', { ...good, goal: 'x'.repeat(65) }],
      ['POST', '/api/goal-rules', { ...good, priority: 1 }],
      ['POST', '/api/goal-rules', { metric: 'BMI', min: 25, max: 40 }],
      ['PATCH', `/api/goal-rules/${id}`, {}],
      ['PATCH', `/api/goal-rules/${id}`, { enabled: 'no' }],
      ['PATCH', `/api/goal-rules/${id}`, { metric: 'SHOE_SIZE' }],
      ['PATCH', '/api/goal-rules/not%20an%20id', { enabled: false }],
    ];
    for (const [method, path, body] of malformed) {
      const r = await call(node.url, method, path, { token: staff.token, body });
      expect({ body, status: r.status, code: r.body?.code }).toEqual({
        body,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    // Ranges: min below max, inside the metric's physical range (BMI 5–100), also after a patch.
    const ranges: Array<[method: string, path: string, body: unknown]> = [
      ['POST', '/api/goal-rules', { ...good, min: 40, max: 40 }],
      ['POST', '/api/goal-rules', { ...good, min: 41, max: 40 }],
      ['POST', '/api/goal-rules', { ...good, min: 4 }],
      ['POST', '/api/goal-rules', { ...good, max: 101 }],
      ['PATCH', `/api/goal-rules/${id}`, { min: 100 }],
      ['PATCH', `/api/goal-rules/${id}`, { max: 5 }],
      ['PATCH', `/api/goal-rules/${id}`, { metric: 'GLUCOSE_MMOL_L' }],
    ];
    for (const [method, path, body] of ranges) {
      const r = await call(node.url, method, path, { token: staff.token, body });
      expect({ body, status: r.status, code: r.body?.code }).toEqual({
        body,
        status: 422,
        code: 'METRIC_RANGE_INVALID',
      });
    }
    // JSON numbers too large for a double parse as Infinity: refused, never stored.
    const huge = await call(node.url, 'POST', '/api/goal-rules', {
      token: staff.token,
      raw: '{"metric":"BMI","min":1e999,"max":2e999,"goal":"weight"}',
    });
    expect({ status: huge.status, code: huge.body?.code }).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    const missing = await call(node.url, 'PATCH', '/api/goal-rules/no-such-rule', {
      token: staff.token,
      body: { enabled: false },
    });
    expect({ status: missing.status, code: missing.body?.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
    expect(await list()).toEqual(before);
  });
});
