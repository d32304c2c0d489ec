// Edge tokens (admin only): issued once per standalone edge, shown once, revocable.
import type { EdgeTokens } from '../../commerce/index.ts';
import { bearer, EdgeTokenSchema, IdParams, NewEdgeTokenBody, VitaliveError } from '../../protocols/index.ts';
import { type Guards, principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';

export async function edgeTokenRoutes(
  app: App,
  deps: { guards: Guards; edgeTokens: EdgeTokens },
): Promise<void> {
  const { edgeTokens } = deps;
  const admin = deps.guards.requireRoles('admin');

  app.post(
    '/api/edge-tokens',
    {
      onRequest: admin,
      schema: {
        tags: ['devices'],
        summary: 'Issue an edge token for a standalone edge (shown once)',
        security: bearer,
        body: NewEdgeTokenBody,
        response: { 201: EdgeTokenSchema },
      },
    },
    async (request, reply) => {
      void reply.status(201);
      return edgeTokens.issue(request.body.name, principalOf(request).personId);
    },
  );

  app.delete(
    '/api/edge-tokens/:id',
    {
      onRequest: admin,
      schema: { tags: ['devices'], summary: 'Revoke an edge token', security: bearer, params: IdParams },
    },
    async (request, reply) => {
      if (!(await edgeTokens.revoke(request.params.id)))
        throw new VitaliveError('NOT_FOUND', { what: 'Edge token' });
      return reply.status(204).send();
    },
  );
}
