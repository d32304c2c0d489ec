// /api/goal-rules: the "for your goal" rules as data. Staff and admins list, create, change and delete
// them; everyone else, channel managers included, gets 403 FORBIDDEN. A change applies to the next
// /live join or resync on every node (the rules are read from the store on each join).
import type { GoalRules } from '../../commerce/index.ts';
import {
  bearer,
  GoalRuleChangesBody,
  GoalRuleSchema,
  GoalRulesSchema,
  IdParams,
  METRIC_RANGES,
  NewGoalRuleBody,
} from '../../protocols/index.ts';
import { type Guards, principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';

export interface GoalRuleRouteDeps {
  goalRules: GoalRules;
  guards: Guards;
}

/** The metrics a rule may name, with the physical range devices may report (a form's hints). */
const METRICS = Object.values(METRIC_RANGES).map((r) => ({ metric: r.name, min: r.min, max: r.max }));

export async function goalRuleRoutes(app: App, deps: GoalRuleRouteDeps): Promise<void> {
  const { goalRules } = deps;
  const staff = deps.guards.requireRoles('admin', 'staff');
  const tags = ['recommendations'];

  app.get(
    '/api/goal-rules',
    {
      onRequest: staff,
      schema: {
        tags,
        summary:
          'Goal rules (a latest reading of the metric within [min, max] names the goal) and the metrics',
        security: bearer,
        response: { 200: GoalRulesSchema },
      },
    },
    async (request) => ({ rules: await goalRules.list(principalOf(request)), metrics: METRICS }),
  );

  app.post(
    '/api/goal-rules',
    {
      onRequest: staff,
      schema: {
        tags,
        summary: 'Add a goal rule (min below max, inside the metric’s physical range)',
        security: bearer,
        body: NewGoalRuleBody,
        response: { 201: GoalRuleSchema },
      },
    },
    async (request, reply) => {
      void reply.status(201);
      return goalRules.create(principalOf(request), request.body);
    },
  );

  app.patch(
    '/api/goal-rules/:id',
    {
      onRequest: staff,
      schema: {
        tags,
        summary: 'Change a goal rule; the result must still have min below max',
        security: bearer,
        params: IdParams,
        body: GoalRuleChangesBody,
        response: { 200: GoalRuleSchema },
      },
    },
    async (request) => goalRules.update(principalOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/goal-rules/:id',
    {
      onRequest: staff,
      schema: { tags, summary: 'Delete a goal rule', security: bearer, params: IdParams },
    },
    async (request, reply) => {
      await goalRules.remove(principalOf(request), request.params.id);
      return reply.status(204).send();
    },
  );
}
