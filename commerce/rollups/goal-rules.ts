// Goal rules ("for your goal"): a viewer whose latest reading of a metric lies in a rule's range is
// shown that rule's goal on the session's cards whose product addresses the metric. Rules are rows that
// staff and admins list, create, change and delete; every change appends its outbox event. Readers
// (recommendCards) query the table on each join, so a change applies to the next join on every node.
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { GOAL_MAX_LENGTH, METRIC_NAMES, VitaliveError } from '../../protocols/index.ts';
import { appendEvent } from '../outbox.ts';
import { requireRole } from '../people/access-scope.ts';
import type { Actor } from '../people/person-model.ts';
import { checkMetricRanges } from '../sales/metric-ranges.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import type { RecommendationGoalsTable } from './tables.ts';

export interface GoalRule {
  ruleId: string;
  metric: string;
  min: number;
  max: number;
  goal: string;
  enabled: boolean;
  createdAtMs: number;
  updatedAtMs: number;
}

export interface NewGoalRule {
  metric: string;
  min: number;
  max: number;
  goal: string;
  enabled?: boolean | undefined;
}

export type GoalRulePatch = Partial<NewGoalRule>;

// The longest goal label is part of the wire contract; the column is varchar(64).
export { GOAL_MAX_LENGTH };

/** Most rules kept at once: every join of a consenting viewer reads them all. */
export const GOAL_RULES_MAX = 200;

function toRule(r: Selectable<RecommendationGoalsTable>): GoalRule {
  return {
    ruleId: r.id,
    metric: r.metric,
    min: Number(r.min_value),
    max: Number(r.max_value),
    goal: r.goal,
    enabled: Number(r.enabled) === 1,
    createdAtMs: Number(r.created_at_ms),
    updatedAtMs: Number(r.updated_at_ms),
  };
}

const invalid = (reason: string) => new VitaliveError('VALIDATION_FAILED', { reason });

/**
 * The checks a rule must pass whatever the caller validated: a device metric, finite min < max inside
 * that metric's physical range (the product ranges' rule: outside it a rule could never match), and a
 * label of 1 to GOAL_MAX_LENGTH characters.
 */
export function checkGoalRule(r: NewGoalRule): NewGoalRule & { goal: string } {
  if (!METRIC_NAMES.includes(r.metric)) throw invalid(`unknown metric ${String(r.metric).slice(0, 40)}`);
  checkMetricRanges([{ metric: r.metric, min: r.min, max: r.max }]);
  const goal = typeof r.goal === 'string' ? r.goal.trim() : '';
  if (goal.length === 0 || goal.length > GOAL_MAX_LENGTH)
    throw invalid(`goal must be 1 to ${GOAL_MAX_LENGTH} characters`);
  return { ...r, goal };
}

async function load(trx: Kysely<Database>, ruleId: string) {
  const row = await trx
    .selectFrom('recommendation_goals')
    .selectAll()
    .where('id', '=', ruleId)
    .executeTakeFirst();
  if (!row) throw new VitaliveError('NOT_FOUND', { what: 'goal rule' });
  return row;
}

export class GoalRules {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async list(actor: Actor): Promise<GoalRule[]> {
    requireRole(actor, 'admin', 'staff');
    const rows = await this.#store.db
      .selectFrom('recommendation_goals')
      .selectAll()
      .orderBy('metric')
      .orderBy('created_at_ms')
      .orderBy('id')
      .execute();
    return rows.map(toRule);
  }

  async create(actor: Actor, input: NewGoalRule, nowMs = Date.now()): Promise<GoalRule> {
    requireRole(actor, 'admin', 'staff');
    const r = checkGoalRule(input);
    return this.#store.transaction(async (trx) => {
      const count = await trx
        .selectFrom('recommendation_goals')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= GOAL_RULES_MAX)
        throw new VitaliveError('CONFLICT', { reason: `at most ${GOAL_RULES_MAX} goal rules` });
      const row = {
        id: randomUUID(),
        metric: r.metric,
        min_value: r.min,
        max_value: r.max,
        goal: r.goal,
        enabled: r.enabled === false ? 0 : 1,
        created_at_ms: nowMs,
        updated_at_ms: nowMs,
      };
      await trx.insertInto('recommendation_goals').values(row).execute();
      const rule = toRule(row);
      await appendEvent(trx, { type: 'goal_rule.created', aggregateId: row.id, payload: { ...rule } }, nowMs);
      return rule;
    });
  }

  async update(actor: Actor, ruleId: string, patch: GoalRulePatch, nowMs = Date.now()): Promise<GoalRule> {
    requireRole(actor, 'admin', 'staff');
    return this.#store.transaction(async (trx) => {
      const before = toRule(await load(trx, ruleId));
      const r = checkGoalRule({
        metric: patch.metric ?? before.metric,
        min: patch.min ?? before.min,
        max: patch.max ?? before.max,
        goal: patch.goal ?? before.goal,
        enabled: patch.enabled ?? before.enabled,
      });
      await trx
        .updateTable('recommendation_goals')
        .set({
          metric: r.metric,
          min_value: r.min,
          max_value: r.max,
          goal: r.goal,
          enabled: r.enabled ? 1 : 0,
          updated_at_ms: nowMs,
        })
        .where('id', '=', ruleId)
        .execute();
      const rule = toRule(await load(trx, ruleId));
      await appendEvent(trx, { type: 'goal_rule.updated', aggregateId: ruleId, payload: { ...rule } }, nowMs);
      return rule;
    });
  }

  async remove(actor: Actor, ruleId: string, nowMs = Date.now()): Promise<void> {
    requireRole(actor, 'admin', 'staff');
    await this.#store.transaction(async (trx) => {
      const before = toRule(await load(trx, ruleId));
      await trx.deleteFrom('recommendation_goals').where('id', '=', ruleId).execute();
      await appendEvent(
        trx,
        { type: 'goal_rule.deleted', aggregateId: ruleId, payload: { ruleId, metric: before.metric } },
        nowMs,
      );
    });
  }
}
