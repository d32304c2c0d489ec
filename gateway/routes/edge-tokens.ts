// Edge tokens (admin only): issued once per standalone edge, shown once, revocable.
import { Type } from '@fastify/type-provider-typebox';
import type { EdgeTokens } from '../../commerce/index.ts';
import { VitaliveError } from '../../protocols/index.ts';
import { type Guards, principalOf } from '../auth/index.ts';
import type { App } from '../http-app.ts';
import { bearer, IdParams } from './people-schemas.ts';

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
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 128 }) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Type.String(), token: Type.String() }) },
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
