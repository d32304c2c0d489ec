// /api/alert-rules: alerts on readings as data. Staff and admins list, create and change rules;
// everyone else gets 403 FORBIDDEN. A change applies to the next reading (the consumer reads the rules
// for each one).
import type { AlertRules } from '../../commerce/index.ts';
import {
  AlertRuleChangesBody,
  AlertRuleSchema,
  AlertRulesSchema,
  bearer,
  IdParams,
  NewAlertRuleBody,
} from '../../protocols/index.ts';
import { type Guards, principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';

export interface AlertRuleRouteDeps {
  alertRules: AlertRules;
  guards: Guards;
}

export async function alertRuleRoutes(app: App, deps: AlertRuleRouteDeps): Promise<void> {
  const { alertRules } = deps;
  const staff = deps.guards.requireRoles('admin', 'staff');
  const tags = ['alerts'];
  app.get(
    '/api/alert-rules',
    {
      onRequest: staff,
      schema: { tags, summary: 'Alert rules', security: bearer, response: { 200: AlertRulesSchema } },
    },
    async (request) => ({ rules: await alertRules.list(principalOf(request)) }),
  );
  app.post(
    '/api/alert-rules',
    {
      onRequest: staff,
      schema: {
        tags,
        summary: 'Add an alert rule (threshold inside the metric’s physical range)',
        security: bearer,
        body: NewAlertRuleBody,
        response: { 201: AlertRuleSchema },
      },
    },
    async (request, reply) => {
      void reply.status(201);
      return alertRules.create(principalOf(request), request.body);
    },
  );
  app.patch(
    '/api/alert-rules/:id',
    {
      onRequest: staff,
      schema: {
        tags,
        summary: 'Change an alert rule',
        security: bearer,
        params: IdParams,
        body: AlertRuleChangesBody,
        response: { 200: AlertRuleSchema },
      },
    },
    async (request) => alertRules.update(principalOf(request), request.params.id, request.body),
  );
}
