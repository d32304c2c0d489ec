// /api/goal-rules on the wire: the "for your goal" rules (a latest reading of the metric within
// [min, max] names the goal) and the metrics a rule may name.
import { type Static, Type } from 'typebox';
import { METRIC_NAMES } from '../device.ts';
import { MetricRangeSchema } from './common.ts';

/** Longest goal label. */
export const GOAL_MAX_LENGTH = 64;

const Metric = Type.Unsafe<string>({ type: 'string', enum: [...METRIC_NAMES] });
/** Checked against the metric's physical range in commerce (METRIC_RANGE_INVALID). */
const Bound = Type.Number();
/** At least one visible character. */
const Goal = Type.String({ minLength: 1, maxLength: GOAL_MAX_LENGTH, pattern: '\\S' });

export const GoalRuleSchema = Type.Object({
  ruleId: Type.String(),
  metric: Type.String(),
  min: Type.Number(),
  max: Type.Number(),
  goal: Type.String(),
  enabled: Type.Boolean(),
  createdAtMs: Type.Integer(),
  updatedAtMs: Type.Integer(),
});
export type GoalRule = Static<typeof GoalRuleSchema>;

/** The rules, and every metric with the physical range devices may report (a form's hints). */
export const GoalRulesSchema = Type.Object({
  rules: Type.Array(GoalRuleSchema),
  metrics: Type.Array(MetricRangeSchema),
});
export type GoalRules = Static<typeof GoalRulesSchema>;

export const NewGoalRuleBody = Type.Object(
  { metric: Metric, min: Bound, max: Bound, goal: Goal, enabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type NewGoalRuleBody = Static<typeof NewGoalRuleBody>;

export const GoalRuleChangesBody = Type.Object(
  {
    metric: Type.Optional(Metric),
    min: Type.Optional(Bound),
    max: Type.Optional(Bound),
    goal: Type.Optional(Goal),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type GoalRuleChangesBody = Static<typeof GoalRuleChangesBody>;
